package dev.focus.lab.nope;

import dev.focus.kernel.Parallel;
import dev.focus.model.Model;
import dev.focus.model.ModelConfig;
import dev.focus.model.ModelConfig.MlpKind;
import dev.focus.model.ModelConfig.NormKind;
import dev.focus.position.PositionKind;

/**
 * A float64 forward pass over the weights of a NoPE {@link Model}, with either mask (spec 05 E2).
 *
 * <p>{@code Model} only runs causal attention; the bidirectional control of E2 (D1: without a mask
 * and without positions the stack is permutation-equivariant, so no probe can read position) needs
 * the same weights with every key visible. The causal path of this class equals {@code Model}'s
 * forward (tested against its observer), so the only difference between the two arms is the mask.
 *
 * <p>Block (pre-RMSNorm, SwiGLU, no biases, as {@code Model}):
 * <pre>
 *   h = x + W_o·Attn(RMSNorm₁(x)),   Attn: a = softmax_m(q_n·k_m/√HS) over m ≤ n (causal) or all m
 *   x' = h + W_down(silu(W_gate·RMSNorm₂(h)) ⊙ W_up·RMSNorm₂(h))
 * </pre>
 * Legend: B batch, T positions, C width, NH heads, HS head size, I MLP width, L layers.
 */
final class NopeForward {
  private NopeForward() {}

  /**
   * What one pass exposes (the E2 hook points).
   *
   * @param embeddings  (B, T, C) token embeddings
   * @param headOutputs per layer, (B, T, NH·HS) head outputs before W_o
   * @param residuals   per layer, (B, T, C) residual stream after the block
   */
  record Taps(int batch, int seqLen, double[] embeddings, double[][] headOutputs, double[][] residuals) {}

  /** Runs {@code tokens (B, T)} through the model with a causal or a bidirectional mask. */
  static Taps run(Model model, int[] tokens, int batch, int t, boolean causal) {
    ModelConfig c = model.config();
    if (c.position().kind() != PositionKind.NOPE || c.norm() != NormKind.RMSNORM || c.mlp() != MlpKind.SWIGLU || c.bias()
        || c.kvHeads() != c.heads() || c.attention() != ModelConfig.AttentionKind.SOFTMAX || c.headScale() || c.logitScale() != 1.0) {
      throw new IllegalArgumentException("NopeForward needs a softmax NoPE model with RMSNorm, SwiGLU, no biases, "
          + "kvHeads = heads and unit logit scales; got " + c);
    }
    if (tokens.length != batch * t) throw new IllegalArgumentException("tokens length " + tokens.length + " != B*T=" + batch + "*" + t);
    int C = c.hidden(), L = c.layers();
    double[] embed = dbl(model, "model.embed_tokens.weight");
    double[][][] w = new double[L][][];
    for (int l = 0; l < L; l++) {
      String p = "model.layers." + l + ".";
      w[l] = new double[][] {
          dbl(model, p + "input_layernorm.weight"), dbl(model, p + "self_attn.q_proj.weight"),
          dbl(model, p + "self_attn.k_proj.weight"), dbl(model, p + "self_attn.v_proj.weight"),
          dbl(model, p + "self_attn.o_proj.weight"), dbl(model, p + "post_attention_layernorm.weight"),
          dbl(model, p + "mlp.gate_proj.weight"), dbl(model, p + "mlp.up_proj.weight"), dbl(model, p + "mlp.down_proj.weight")};
    }
    double[] emb = new double[batch * t * C];
    double[][] heads = new double[L][batch * t * C], res = new double[L][batch * t * C];
    Parallel.forRange(batch, 1, (lo, hi) -> {
      for (int b = lo; b < hi; b++) sequence(c, embed, w, tokens, b, t, causal, emb, heads, res);
    });
    return new Taps(batch, t, emb, heads, res);
  }

  private static double[] dbl(Model m, String name) {
    float[] v = m.parameter(name).value();
    double[] d = new double[v.length];
    for (int i = 0; i < v.length; i++) d[i] = v[i];
    return d;
  }

  private static void sequence(ModelConfig c, double[] embed, double[][][] w, int[] tokens, int b, int t, boolean causal,
                               double[] emb, double[][] heads, double[][] res) {
    int C = c.hidden(), NH = c.heads(), HS = c.headSize(), I = c.intermediate();
    double eps = c.normEps(), scale = 1.0 / Math.sqrt(HS);
    int off = b * t * C;
    double[] x = new double[t * C];                                   // (T, C) residual stream
    for (int n = 0; n < t; n++) System.arraycopy(embed, tokens[b * t + n] * C, x, n * C, C);
    System.arraycopy(x, 0, emb, off, t * C);
    double[] nx = new double[t * C], q = new double[t * C], k = new double[t * C], v = new double[t * C];
    double[] y = new double[t * C], gate = new double[t * I], up = new double[t * I], s = new double[t];
    for (int l = 0; l < w.length; l++) {
      double[][] p = w[l];
      rmsNorm(nx, x, p[0], t, C, eps);
      linear(q, nx, p[1], t, C, C);
      linear(k, nx, p[2], t, C, C);
      linear(v, nx, p[3], t, C, C);
      java.util.Arrays.fill(y, 0);
      for (int h = 0; h < NH; h++) {
        for (int n = 0; n < t; n++) {
          int end = causal ? n + 1 : t;                              // keys m < end are visible
          double max = Double.NEGATIVE_INFINITY;
          for (int m = 0; m < end; m++) {
            double d = 0;
            for (int i = 0; i < HS; i++) d += q[n * C + h * HS + i] * k[m * C + h * HS + i];
            s[m] = d * scale;
            max = Math.max(max, s[m]);
          }
          double z = 0;
          for (int m = 0; m < end; m++) z += s[m] = Math.exp(s[m] - max);
          for (int m = 0; m < end; m++) {
            double a = s[m] / z;
            for (int i = 0; i < HS; i++) y[n * C + h * HS + i] += a * v[m * C + h * HS + i];
          }
        }
      }
      System.arraycopy(y, 0, heads[l], off, t * C);
      linear(q, y, p[4], t, C, C);                                   // q reused as W_o·y
      for (int i = 0; i < t * C; i++) x[i] += q[i];
      rmsNorm(nx, x, p[5], t, C, eps);
      linear(gate, nx, p[6], t, C, I);
      linear(up, nx, p[7], t, C, I);
      for (int i = 0; i < t * I; i++) gate[i] = gate[i] / (1 + Math.exp(-gate[i])) * up[i];
      linear(q, gate, p[8], t, I, C);
      for (int i = 0; i < t * C; i++) x[i] += q[i];
      System.arraycopy(x, 0, res[l], off, t * C);
    }
  }

  /** out (T, C) = x / √(mean(x²) + ε) ⊙ g. */
  static void rmsNorm(double[] out, double[] x, double[] g, int t, int c, double eps) {
    for (int n = 0; n < t; n++) {
      double ss = 0;
      for (int i = 0; i < c; i++) ss += x[n * c + i] * x[n * c + i];
      double inv = 1 / Math.sqrt(ss / c + eps);
      for (int i = 0; i < c; i++) out[n * c + i] = x[n * c + i] * inv * g[i];
    }
  }

  /** out (T, O) = in (T, K) · Wᵀ, W stored (O, K). */
  static void linear(double[] out, double[] in, double[] wt, int t, int kIn, int o) {
    for (int n = 0; n < t; n++) {
      for (int j = 0; j < o; j++) {
        double d = 0;
        int wo = j * kIn, io = n * kIn;
        for (int i = 0; i < kIn; i++) d += in[io + i] * wt[wo + i];
        out[n * o + j] = d;
      }
    }
  }
}
