package dev.focus.multimodal;

import dev.focus.position.PositionScheme;

/**
 * The shape of a {@link MultimodalModel} (spec 02 §4.2): a pre-norm RMSNorm decoder with SwiGLU MLPs,
 * softmax attention under the hybrid mask, rotary positions from a multimodal scheme (RoPE-TV by
 * default), a bias-free patch projection D → C, a sinusoidal time embedding projected to C and added
 * to patch tokens, an LM head and a bias-free image head C → D.
 *
 * @param hidden        C
 * @param layers        L
 * @param heads         NH (head size C/NH must be even, and divisible by 4 for two-axis schemes)
 * @param intermediate  I, the SwiGLU width
 * @param vocab         V (the caption vocabulary)
 * @param patchDim      D = P²·channels
 * @param timeFeatures  F, sinusoidal features of t (even)
 * @param position      flat, rope-2d (the author's grid coordinates), rope-tv (default), rope-tie, rope-tie-frac or mrope
 * @param ropeBase      RoPE base
 * @param target        what the image head predicts (ε by default)
 * @param imageWeight   λ in L = L_CE + λ·L_img
 * @param context       the longest packed sequence accepted
 * @param initStd       weight init standard deviation
 * @param vqCodes       0 for lossless patches (the default); K > 0 feeds k-means codes through an
 *                      Embedding(K, C) instead — the lossy VQ baseline of spec 02 §4.3
 */
public record MultimodalConfig(int hidden, int layers, int heads, int intermediate, int vocab, int patchDim,
                               int timeFeatures, String position, double ropeBase, NoisePredictor.Target target,
                               double imageWeight, int context, double initStd, int vqCodes) {
  public MultimodalConfig {
    positive("hidden", hidden);
    positive("layers", layers);
    positive("heads", heads);
    positive("intermediate", intermediate);
    positive("vocab", vocab);
    positive("patchDim", patchDim);
    positive("context", context);
    if (hidden % heads != 0) throw new IllegalArgumentException("heads=" + heads + " must divide hidden=" + hidden);
    if ((hidden / heads) % 4 != 0) {
      throw new IllegalArgumentException("head size " + hidden / heads + " must be divisible by 4 for two-axis rotary positions");
    }
    if (timeFeatures < 2 || timeFeatures % 2 != 0) {
      throw new IllegalArgumentException("timeFeatures=" + timeFeatures + " must be even and >= 2");
    }
    PositionScheme s = "rope-2d".equals(position) ? PositionScheme.ROPE_TV : PositionScheme.fromName(position);
    if (s == PositionScheme.ROPE_TV_3D) throw new IllegalArgumentException("position=" + position + " is for video; use rope-tv");
    if (!(ropeBase > 1)) throw new IllegalArgumentException("ropeBase=" + ropeBase + " must be > 1");
    if (target == null) throw new IllegalArgumentException("target must be EPS or X0");
    if (!(imageWeight >= 0) || Double.isInfinite(imageWeight)) {
      throw new IllegalArgumentException("imageWeight=" + imageWeight + " must be finite and >= 0");
    }
    if (!(initStd > 0)) throw new IllegalArgumentException("initStd=" + initStd + " must be > 0");
    if (vqCodes < 0 || vqCodes == 1) throw new IllegalArgumentException("vqCodes=" + vqCodes + " must be 0 (lossless) or >= 2");
  }

  /** The demo model on 8×8 digits with P = 2 (D = 4) or 16×16 glyphs with P = 4. */
  public static MultimodalConfig tiny(int patchDim) {
    return new MultimodalConfig(64, 4, 4, 256, CaptionVocab.size(), patchDim, 32, "rope-tv", 10000.0,
        NoisePredictor.Target.EPS, 1.0, 64, 0.02, 0);
  }

  public int headSize() { return hidden / heads; }

  public MultimodalConfig withPosition(String p) {
    return new MultimodalConfig(hidden, layers, heads, intermediate, vocab, patchDim, timeFeatures, p, ropeBase, target,
        imageWeight, context, initStd, vqCodes);
  }

  public MultimodalConfig withSize(int c, int l, int h, int i) {
    return new MultimodalConfig(c, l, h, i, vocab, patchDim, timeFeatures, position, ropeBase, target, imageWeight, context,
        initStd, vqCodes);
  }

  /** The VQ arm: k-means codes through an embedding table of K rows (0 = lossless patches). */
  public MultimodalConfig withVqCodes(int k) {
    return new MultimodalConfig(hidden, layers, heads, intermediate, vocab, patchDim, timeFeatures, position, ropeBase, target,
        imageWeight, context, initStd, k);
  }

  public boolean lossless() { return vqCodes == 0; }

  public MultimodalConfig withTarget(NoisePredictor.Target t) {
    return new MultimodalConfig(hidden, layers, heads, intermediate, vocab, patchDim, timeFeatures, position, ropeBase, t,
        imageWeight, context, initStd, vqCodes);
  }

  private static void positive(String name, int v) {
    if (v < 1) throw new IllegalArgumentException(name + "=" + v + " must be >= 1");
  }
}
