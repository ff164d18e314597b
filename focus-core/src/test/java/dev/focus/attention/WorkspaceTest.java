package dev.focus.attention;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.attention.LinearAttention.Form;
import dev.focus.kernel.Kernels;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The analytic workspace sizes: how they scale with T, and (scalar kernels) that they match allocation. */
class WorkspaceTest {

  static final HeadLayout L = HeadLayout.mha(4, 16);

  static List<Attention> variants() {
    return List.of(SoftmaxAttention.of(L), FlashAttention.of(L),
        LinearAttention.of(L, FeatureMap.ELU_PLUS_1), LinearAttention.of(L, FeatureMap.RELU2),
        LinearAttention.of(L, FeatureMap.POSITIVE_RANDOM).withForm(Form.RECURRENT),
        LinearAttention.of(L, FeatureMap.ELU_PLUS_1).withChunk(16));
  }

  @Test
  void flashAndRecurrentAndChunkedAreLinearInTExactIsQuadratic() {
    for (boolean bwd : new boolean[] {false, true}) {
      long e1 = SoftmaxAttention.of(L).workspaceBytes(1, 1024, bwd), e2 = SoftmaxAttention.of(L).workspaceBytes(1, 2048, bwd);
      assertTrue(e2 > 3.5 * e1, "exact grows like T²: " + e1 + " → " + e2);
      for (Attention a : List.<Attention>of(FlashAttention.of(L), LinearAttention.of(L, FeatureMap.RELU).withChunk(64),
          LinearAttention.of(L, FeatureMap.RELU).withForm(Form.RECURRENT))) {
        // Linear in T: each doubling of T adds twice the previous increment (a quadratic term would
        // add four times). Increments, not ratios, so fixed per-worker tiles (flash: 256×256) cancel.
        long b1 = a.workspaceBytes(1, 1024, bwd), b2 = a.workspaceBytes(1, 2048, bwd), b4 = a.workspaceBytes(1, 4096, bwd);
        double growth = (double) (b4 - b2) / (b2 - b1);
        assertTrue(growth > 1.9 && growth < 2.1, AttentionPropertiesTest.name(a) + " grows like T: " + b1 + " → " + b2 + " → " + b4);
      }
    }
  }

  static long allocated() {
    var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long s = 0;
    for (long b : mx.getThreadAllocatedBytes(mx.getAllThreadIds())) if (b > 0) s += b;
    return s;
  }

  /** The vector kernels may allocate temporaries of their own, so this runs with -Dfocus.kernels=scalar. */
  @Test
  void forwardAllocationMatchesTheAnalyticSizeWithScalarKernels() {
    Assumptions.assumeTrue(Kernels.get().name().equals("scalar"), "needs -Dfocus.kernels=scalar");
    int t = 300;
    Inputs in = new Inputs(L, 2, t, 1);
    for (Attention a : variants()) {
      float[] out = in.newOut();
      a.forward(out, in.q, in.k, in.v, null, Mask.causal(), 2, t); // warm-up
      long before = allocated();
      a.forward(out, in.q, in.k, in.v, null, Mask.causal(), 2, t);
      long measured = allocated() - before, analytic = a.workspaceBytes(2, t, false);
      assertTrue(Math.abs(measured - analytic) <= 0.02 * analytic + 64 * 1024,
          AttentionPropertiesTest.name(a) + ": measured " + measured + " bytes vs analytic " + analytic);
    }
  }

  /** A training step hands its saved state to the next forward: flash attention then allocates none of its workspace again. */
  @Test
  void flashReusesItsWholeWorkspaceFromStepToStepWithScalarKernels() {
    Assumptions.assumeTrue(Kernels.get().name().equals("scalar"), "needs -Dfocus.kernels=scalar");
    int t = 300;
    Inputs in = new Inputs(L, 2, t, 1);
    FlashAttention flash = FlashAttention.of(L);
    float[] out = in.newOut(), dq = in.newOut(), dk = in.newKv(), dv = in.newKv();
    Attention.Saved s = null;
    long first = 0, later = 0;
    for (int step = 0; step < 5; step++) { // the second step still allocated class-loading leftovers once: steps 2–4 count
      long before = allocated();
      s = flash.forward(out, in.q, in.k, in.v, null, Mask.causal(), null, 2, t, s);
      flash.backward(dq, dk, dv, null, in.dOut, s);
      long bytes = allocated() - before;
      if (step == 0) first = bytes;
      else if (step >= 2) later = Math.max(later, bytes);
    }
    long analytic = flash.workspaceBytes(2, t, true);
    assertTrue(first >= 0.9 * analytic, "first step " + first + " bytes vs analytic " + analytic);
    assertTrue(later <= 0.02 * analytic + 16 * 1024, "later steps allocate " + later + " bytes of a " + analytic + "-byte workspace");
  }
}
