package dev.focus.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

  @Test
  void activeSetFollowsTheSystemProperty() {
    String name = Kernels.get().name();
    if ("scalar".equals(System.getProperty("focus.kernels"))) {
      assertEquals("scalar", name);
    } else {
      assertTrue(name.startsWith("vector("), "expected the vector twin by default, got " + name);
    }
  }

  @Test
  void scalarTwinIsAlwaysAvailable() {
    assertEquals("scalar", Kernels.scalar().name());
  }
}
