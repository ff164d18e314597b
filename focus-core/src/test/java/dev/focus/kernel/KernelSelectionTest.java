package dev.focus.kernel;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KernelSelectionTest {
  @Test
  void vectorModuleIsLoadedUnlessScalarIsForced() {
    // A missing --add-modules flag in surefire's argLine would silently run scalar code everywhere.
    if (!"scalar".equals(System.getProperty("focus.kernels"))) {
      assertTrue(Kernels.vectorModulePresent(), "jdk.incubator.vector is not loaded: check surefire argLine");
    }
  }
}
