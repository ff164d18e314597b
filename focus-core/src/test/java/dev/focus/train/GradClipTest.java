package dev.focus.train;

import static dev.focus.testing.Close.assertClose;

import java.util.List;
import org.junit.jupiter.api.Test;

class GradClipTest {
  private static List<Trainable.Param> params() {
    return List.of(new Trainable.Param("a", new float[2], new float[] {3f, 0f}, true),
        new Trainable.Param("b", new float[1], new float[] {4f}, false));
  }

  @Test
  void normIsOverAllParameters() {
    assertClose("‖(3, 0, 4)‖", 5.0, GradClip.globalNorm(params()), 0, 1e-12);
  }

  @Test
  void clipsToMaxNormPreservingDirection() {
    var ps = params();
    double before = GradClip.clip(ps, 1.0);
    assertClose("returned norm is the pre-clip norm", 5.0, before, 0, 1e-12);
    double s = 1.0 / (5.0 + 1e-6);
    assertClose("a", new float[] {(float) (3 * s), 0f}, ps.get(0).grad(), 1e-7, 0);
    assertClose("b", new float[] {(float) (4 * s)}, ps.get(1).grad(), 1e-7, 0);
    assertClose("new norm", 1.0, GradClip.globalNorm(ps), 1e-6, 0);
  }

  @Test
  void leavesSmallGradientsAndZeroMaxNormAlone() {
    var ps = params();
    GradClip.clip(ps, 10.0);
    assertClose("unchanged below the limit", new float[] {3f, 0f}, ps.get(0).grad(), 0, 0);
    GradClip.clip(ps, 0);
    assertClose("disabled", new float[] {4f}, ps.get(1).grad(), 0, 0);
  }
}
