package dev.focus.attention;

import static dev.focus.attention.AttentionSupport.pack;
import static dev.focus.attention.AttentionSupport.unpack;

import dev.focus.kernel.KernelSet;
import dev.focus.position.RopeTable;
import java.util.Arrays;

/**
 * One head's working set in {@link LinearAttention}, and the per-head arithmetic that its three forms
 * share: the inputs as dense blocks x = √s·q, y = √s·k and v, their features φ(x), φ(y), the
 * numerator's rotated features R_i φ (RoFormer §3.4.4; the rotary table of the call), the decay powers,
 * the causal normalisers from running sums and the normaliser's gradients.
 *
 * <p>Legend: T tokens, HS head size, F feature size (HS except for FAVOR+). One instance per worker,
 * reloaded for each (batch row, head) task.
 */
final class LinearHead {
  private final LinearAttention a;
  final RopeTable rotary;     // the call's table, or null
  final float[] xq, xk, vh;   // (T, HS)
  final float[] fq, fk;       // (T, F) φ(xq), φ(xk) (unused for RELU2)
  final float[] rq, rk;       // (T, F) R_i φ(xq_i), R_i φ(xk_i): the numerator's features (alias fq, fk without rotary)
  final float[] pw;           // (T + 1) λ_h^d for d = 0..T
  float lambda = 1f;
  private int b, offset;      // batch row and position of token 0 of the loaded head

  LinearHead(LinearAttention a, int t, RopeTable rotary) {
    this.a = a;
    this.rotary = rotary;
    int hs = a.layout().headSize(), f = a.features();
    xq = new float[t * hs];
    xk = new float[t * hs];
    vh = new float[t * hs];
    fq = a.featureMap().factorizes() ? new float[t * f] : null;
    fk = a.featureMap().factorizes() ? new float[t * f] : null;
    rq = rotary != null ? new float[t * f] : fq;
    rk = rotary != null ? new float[t * f] : fk;
    pw = new float[t + 1];
  }

  /**
   * Loads head h of batch row b, tokens at positions offset..offset+t−1; with {@code feats}
   * (B·H, 2, T, F) the unrotated features are stored there ({@code restore} false, forward) or taken
   * from there instead of evaluating φ again ({@code restore} true, backward).
   */
  void load(KernelSet ks, float[] q, float[] k, float[] v, int b, int h, int t, int offset, float[] feats, boolean restore) {
    HeadLayout l = a.layout();
    int hs = l.headSize(), g = l.kvHeadOf(h), f = a.features();
    float scale = a.scale(), rs = (float) Math.sqrt(Math.abs(scale));
    this.b = b;
    this.offset = offset;
    pack(xq, q, b, 0, t, t, l.heads(), h, hs);
    pack(xk, k, b, 0, t, t, l.kvHeads(), g, hs);
    pack(vh, v, b, 0, t, t, l.kvHeads(), g, hs);
    ks.scale(xq, 0, t * hs, scale < 0 ? -rs : rs);
    ks.scale(xk, 0, t * hs, rs);
    if (a.featureMap().factorizes()) {
      int fOff = (b * l.heads() + h) * 2 * t * f;
      if (feats != null && restore) {
        System.arraycopy(feats, fOff, fq, 0, t * f);
        System.arraycopy(feats, fOff + t * f, fk, 0, t * f);
      } else {
        a.featureMap().apply(ks, fq, xq, a.proj(), t, hs, f);
        a.featureMap().apply(ks, fk, xk, a.proj(), t, hs, f);
        if (feats != null) {
          System.arraycopy(fq, 0, feats, fOff, t * f);
          System.arraycopy(fk, 0, feats, fOff + t * f, t * f);
        }
      }
    }
    if (rotary != null) {
      System.arraycopy(fq, 0, rq, 0, t * f);
      System.arraycopy(fk, 0, rk, 0, t * f);
      rotate(rq, t, false);
      rotate(rk, t, false);
    }
    float[] decay = a.decayOrNull();
    lambda = decay == null ? 1f : decay[h];
    for (int d = 0; d <= t; d++) pw[d] = lambda == 1f ? 1f : (float) Math.pow(lambda, d);
  }

  /** Rotates rows 0..t−1 of a (T, F) feature block, each an F-vector turned as one head (inverse: by −angle). */
  void rotate(float[] x, int t, boolean inverse) {
    int row0 = rotary.row(b, offset);
    if (row0 + t > rotary.tokens()) {
      throw new IllegalArgumentException("positions " + offset + ".." + (offset + t - 1) + " of sequence " + b
          + " exceed the rotary table's " + rotary.tokens() + " rows");
    }
    rotary.rotate(x, 0, row0, t, 1, a.features(), inverse);
  }

  /**
   * Causal normalisers of this head from running sums of the unrotated features:
   * z_i = λz_{i−1} + φ(k_i), n_i = denominator(φ(q_i)·z_i) into den[dOff + i]. {@code z} is (F) scratch.
   */
  void causalDenominators(KernelSet ks, float[] den, int dOff, float[] z, int t) {
    int f = a.features();
    Arrays.fill(z, 0, f, 0f);
    for (int i = 0; i < t; i++) {
      if (lambda != 1f) ks.scale(z, 0, f, lambda);
      ks.add(z, 0, z, 0, fk, i * f, f);
      den[dOff + i] = a.denominator(a.normalization() == LinearAttention.Normalization.SUM ? ks.dot(fq, i * f, z, 0, f) : 0f, i + 1);
    }
  }

  /** Per-worker backward buffers. */
  static final class Scratch {
    final float[] dfq, dfk;     // (T, F)
    final float[] dnum;         // (T, HS) dy_i / n_i
    final float[] dden;         // (T) ∂ℓ/∂n_i
    final float[] tt;           // (T, T) general parallel form, or (64, T) causal blocks; else null
    final float[] z;            // (F) running sums
    float[] tt2;

    Scratch(LinearAttention a, int t, boolean blocked) {
      dfq = new float[t * a.features()];
      dfk = new float[t * a.features()];
      dnum = new float[t * a.layout().headSize()];
      dden = new float[t];
      z = new float[a.features()];
      tt = a.form() != LinearAttention.Form.PARALLEL ? null
          : new float[(blocked ? Math.min(AttentionSupport.CAUSAL_BLOCK, t) : t) * t];
    }
  }

  /** dnum_i = dy_i/n_i and, under SUM, ∂ℓ/∂n_i = −dy_i·y_i/n_i (n_i = Σ_j a_ij + eps). */
  void normaliserGrads(KernelSet ks, Scratch sc, float[] doh, float[] oh, float[] den, int task, int t) {
    int hs = a.layout().headSize();
    for (int i = 0; i < t; i++) {
      float n = den[task * t + i];
      System.arraycopy(doh, i * hs, sc.dnum, i * hs, hs);
      ks.scale(sc.dnum, i * hs, hs, 1f / n);
      sc.dden[i] = a.normalization() == LinearAttention.Normalization.SUM ? -ks.dot(doh, i * hs, oh, i * hs, hs) / n : 0f;
    }
  }

  /**
   * Causal normaliser gradients (see {@link LinearAttention}): dφ(q_i) += (∂ℓ/∂n_i) z_i with
   * z_i = λz_{i−1} + φ(k_i), and dφ(k_j) += r_j with r_j = λr_{j+1} + (∂ℓ/∂n_j) φ(q_j).
   */
  void causalNormaliserGrads(KernelSet ks, Scratch sc, int t) {
    if (a.normalization() != LinearAttention.Normalization.SUM) return;
    int f = a.features();
    float[] z = sc.z;
    Arrays.fill(z, 0f);
    for (int i = 0; i < t; i++) {
      if (lambda != 1f) ks.scale(z, 0, f, lambda);
      ks.add(z, 0, z, 0, fk, i * f, f);
      ks.axpy(sc.dden[i], z, 0, sc.dfq, i * f, f);
    }
    Arrays.fill(z, 0f);
    for (int j = t - 1; j >= 0; j--) {
      if (lambda != 1f) ks.scale(z, 0, f, lambda);
      ks.axpy(sc.dden[j], fq, j * f, z, 0, f);
      ks.add(sc.dfk, j * f, sc.dfk, j * f, z, 0, f);
    }
  }

  /** x = √s·q, y = √s·k: dq = √s·dx (sign of s on q), then into dq and the per-head key gradients. */
  void scaleInputGrads(KernelSet ks, float[] dq, float[] dxq, float[] dxk, float[] dkPart, int h, int hOff, int t) {
    HeadLayout l = a.layout();
    int hs = l.headSize();
    float scale = a.scale(), rs = (float) Math.sqrt(Math.abs(scale));
    ks.scale(dxq, 0, t * hs, scale < 0 ? -rs : rs);
    ks.scale(dxk, 0, t * hs, rs);
    unpack(dq, dxq, b, 0, t, t, l.heads(), h, hs);
    System.arraycopy(dxk, 0, dkPart, hOff, t * hs);
  }
}
