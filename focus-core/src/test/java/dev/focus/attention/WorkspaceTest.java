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
        long b1 = a.workspaceBytes(1, 1024, bwd), b2 = a.workspaceBytes(1, 2048, bwd);
        assertTrue(b2 <= 2.05 * b1 && b2 > 1.5 * b1, AttentionPropertiesTest.name(a) + " grows like T: " + b1 + " → " + b2);
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
}
