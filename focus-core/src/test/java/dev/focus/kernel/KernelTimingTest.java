package dev.focus.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.kernel.KernelTiming.Layout;
import dev.focus.kernel.KernelTiming.Product;
import dev.focus.kernel.KernelTiming.Result;
import org.junit.jupiter.api.Test;

/** The timing helpers' arithmetic and validation (never their measured speed). */
class KernelTimingTest {
  @Test
  void productCountsTwoFlopsPerMultiplyAddAndPrintsTheScriptSpec() {
    Product p = new Product(Layout.NT, 2048, 128, 384);
    assertEquals(2.0 * 2048 * 128 * 384, p.flops());
    assertEquals("NT:2048x128x384", p.spec());
    assertEquals(new Product(Layout.NN, 7, 7, 7), Product.square(7));
  }

  @Test
  void productRejectsEmptySizes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Product(Layout.NN, 4, 0, 4));
    assertTrue(e.getMessage().contains("4x0x4"), e.getMessage());
  }

  @Test
  void resultMedianAndBest() {
    Product p = Product.square(2);
    assertEquals(3.0, new Result(p, new double[] {5, 1, 3}).median());
    assertEquals(2.5, new Result(p, new double[] {4, 1, 3, 2}).median());
    assertEquals(5.0, new Result(p, new double[] {5, 1, 3}).best());
  }

  @Test
  void timeRunsTheProductAndRestoresTheThreadCount() {
    int before = Parallel.threads();
    Result r = KernelTiming.timeCpu(Kernels.get(), new Product(Layout.TN, 9, 5, 11), 1, 3);
    assertEquals(3, r.gflops().length);
    for (double g : r.gflops()) assertTrue(g > 0 && Double.isFinite(g), "gflops=" + g);
    assertEquals(before, Parallel.threads());
    assertThrows(IllegalArgumentException.class, () -> KernelTiming.time(Kernels.get(), Product.square(2), 0, 0));
  }
}
