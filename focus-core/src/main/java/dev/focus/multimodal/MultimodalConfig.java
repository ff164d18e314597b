package dev.focus.multimodal;

import dev.focus.position.PositionKind;
import dev.focus.position.PositionScheme;
import dev.focus.position.PositionSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The shape of a {@link MultimodalModel} (spec 02 §4.2): a pre-norm RMSNorm decoder with SwiGLU MLPs,
 * softmax attention under the hybrid mask, rotary positions from a multimodal scheme (RoPE-TV by
 * default), a bias-free patch projection D → C, a sinusoidal time embedding projected to C and added
 * to patch tokens, an LM head and a bias-free image head C → D. An immutable value built by
 * {@link Builder} (or {@code withX} copies), validated when built.
 *
 * <p>Fields: {@code hidden} C; {@code layers} L; {@code heads} NH (head size C/NH divisible by 4, for
 * two-axis rotary positions); {@code intermediate} I, the SwiGLU width; {@code vocab} V (the caption
 * vocabulary); {@code patchDim} D = P²·channels; {@code timeFeatures} F, sinusoidal features of t (even);
 * {@code position} a rotary {@link PositionKind} without a frame axis ({@code rope-tv} by default;
 * {@code rope-2d} is the author's raw grid coordinates, spec 02 §3.6 b; {@code mrope} and {@code mrope-i} are
 * M-RoPE with blocked or interleaved frequencies); {@code ropeBase}; {@code target},
 * what the image head predicts; {@code imageWeight} λ in L = L_CE + λ·L_img; {@code context}, the longest
 * packed sequence accepted; {@code initStd}; {@code vqCodes}, 0 for lossless patches, or K &gt; 0 to feed
 * k-means codes through an Embedding(K, C) instead, the lossy VQ baseline of spec 02 §4.3;
 * {@code causalImages}, false for the hybrid mask of spec 02 §3.5 (bidirectional inside an image), true
 * for a plain causal mask over the image block too — the ablation that shows what the hybrid mask buys.
 */
public final class MultimodalConfig {
  private final int hidden, layers, heads, intermediate, vocab, patchDim, timeFeatures;
  private final PositionKind position;
  private final double ropeBase;
  private final NoisePredictor.Target target;
  private final double imageWeight;
  private final int context;
  private final double initStd;
  private final int vqCodes;
  private final boolean causalImages;

  private MultimodalConfig(Builder b) {
    hidden = positive("hidden", b.hidden);
    layers = positive("layers", b.layers);
    heads = positive("heads", b.heads);
    intermediate = positive("intermediate", b.intermediate);
    vocab = positive("vocab", b.vocab);
    patchDim = positive("patchDim", b.patchDim);
    context = positive("context", b.context);
    timeFeatures = b.timeFeatures;
    position = b.position;
    ropeBase = b.ropeBase;
    target = b.target;
    imageWeight = b.imageWeight;
    initStd = b.initStd;
    vqCodes = b.vqCodes;
    causalImages = b.causalImages;
    if (hidden % heads != 0) throw new IllegalArgumentException("heads=" + heads + " must divide hidden=" + hidden);
    if ((hidden / heads) % 4 != 0) {
      throw new IllegalArgumentException("head size " + hidden / heads + " must be divisible by 4 for two-axis rotary positions");
    }
    if (timeFeatures < 2 || timeFeatures % 2 != 0) {
      throw new IllegalArgumentException("timeFeatures=" + timeFeatures + " must be even and >= 2");
    }
    if (position == null || !POSITIONS.contains(position)) {
      throw new IllegalArgumentException("position=" + position + " is not a multimodal position (expected one of "
          + POSITIONS.stream().map(PositionKind::cliName).toList() + "; rope-tv-3d and rope-3d are for video)");
    }
    if (!(ropeBase > 1)) throw new IllegalArgumentException("ropeBase=" + ropeBase + " must be > 1");
    if (target == null) throw new IllegalArgumentException("target must be EPS or X0");
    if (!(imageWeight >= 0) || Double.isInfinite(imageWeight)) {
      throw new IllegalArgumentException("imageWeight=" + imageWeight + " must be finite and >= 0");
    }
    if (!(initStd > 0)) throw new IllegalArgumentException("initStd=" + initStd + " must be > 0");
    if (vqCodes < 0 || vqCodes == 1) throw new IllegalArgumentException("vqCodes=" + vqCodes + " must be 0 (lossless) or >= 2");
  }

  /** The position kinds a multimodal model accepts: the rotary ones without a frame axis, and M-RoPE's two (t, h, w) kinds. */
  public static final List<PositionKind> POSITIONS;

  static {
    List<PositionKind> p = new ArrayList<>();
    for (PositionKind k : PositionKind.values()) {
      if (k.rotary() && (k.scheme().axes() < 3 || k.scheme() == PositionScheme.MROPE)) p.add(k);
    }
    POSITIONS = List.copyOf(p);
  }

  private static int positive(String name, int v) {
    if (v < 1) throw new IllegalArgumentException(name + "=" + v + " must be >= 1");
    return v;
  }

  /** The demo model on 8×8 digits with P = 2 (D = 4) or 16×16 glyphs with P = 4. */
  public static MultimodalConfig tiny(int patchDim) { return builder().patchDim(patchDim).build(); }

  /** A builder starting from {@link #tiny}'s values with D = 4. */
  public static Builder builder() { return new Builder(); }

  public Builder toBuilder() { return new Builder(this); }

  public int hidden() { return hidden; }
  public int layers() { return layers; }
  public int heads() { return heads; }
  public int intermediate() { return intermediate; }
  public int vocab() { return vocab; }
  public int patchDim() { return patchDim; }
  public int timeFeatures() { return timeFeatures; }
  public PositionKind position() { return position; }
  public double ropeBase() { return ropeBase; }
  public NoisePredictor.Target target() { return target; }
  public double imageWeight() { return imageWeight; }
  public int context() { return context; }
  public double initStd() { return initStd; }
  public int vqCodes() { return vqCodes; }

  /** True when image blocks are causal too (the ablation); false for the hybrid mask (default). */
  public boolean causalImages() { return causalImages; }

  public int headSize() { return hidden / heads; }

  public boolean lossless() { return vqCodes == 0; }

  /**
   * The rotary encoding's description: the kind at {@code ropeBase}; M-RoPE gets sections in Qwen2-VL's
   * 2:3:3 proportion (t, h, w) of this small head ({@link #mropeSections}).
   */
  public PositionSpec positionSpec() {
    PositionSpec s = PositionSpec.of(position).withBase(ropeBase);
    return position == PositionKind.MROPE ? s.withSections(mropeSections(headSize() / 2)) : s;
  }

  /** Sections of a small M-RoPE head in Qwen2-VL's 2:3:3 proportion (t, h, w), summing to {@code pairs}. */
  static int[] mropeSections(int pairs) {
    int t = Math.max(1, pairs / 4), h = (pairs - t) / 2, w = pairs - t - h;
    return new int[] {t, h, w};
  }

  public MultimodalConfig withPosition(PositionKind p) { return toBuilder().position(p).build(); }

  /** {@link #withPosition(PositionKind)} of a name ({@link PositionKind#parse}). */
  public MultimodalConfig withPosition(String p) { return withPosition(PositionKind.parse(p)); }

  public MultimodalConfig withSize(int c, int l, int h, int i) { return toBuilder().hidden(c).layers(l).heads(h).intermediate(i).build(); }

  /** The VQ arm: k-means codes through an embedding table of K rows (0 = lossless patches). */
  public MultimodalConfig withVqCodes(int k) { return toBuilder().vqCodes(k).build(); }

  /** The same model with a causal image block (true) or the hybrid mask of spec 02 §3.5 (false). */
  public MultimodalConfig withCausalImages(boolean causal) { return toBuilder().causalImages(causal).build(); }

  public MultimodalConfig withTarget(NoisePredictor.Target t) { return toBuilder().target(t).build(); }

  /** Named setters for every field; {@link #build} validates the whole. */
  public static final class Builder {
    private int hidden = 64, layers = 4, heads = 4, intermediate = 256, vocab = CaptionVocab.size(), patchDim = 4;
    private int timeFeatures = 32;
    private PositionKind position = PositionKind.ROPE_TV;
    private double ropeBase = 10000.0;
    private NoisePredictor.Target target = NoisePredictor.Target.EPS;
    private double imageWeight = 1.0;
    private int context = 64;
    private double initStd = 0.02;
    private int vqCodes;
    private boolean causalImages;

    private Builder() {}

    private Builder(MultimodalConfig c) {
      hidden = c.hidden; layers = c.layers; heads = c.heads; intermediate = c.intermediate; vocab = c.vocab;
      patchDim = c.patchDim; timeFeatures = c.timeFeatures; position = c.position; ropeBase = c.ropeBase; target = c.target;
      imageWeight = c.imageWeight; context = c.context; initStd = c.initStd; vqCodes = c.vqCodes;
      causalImages = c.causalImages;
    }

    public Builder hidden(int v) { hidden = v; return this; }
    public Builder layers(int v) { layers = v; return this; }
    public Builder heads(int v) { heads = v; return this; }
    public Builder intermediate(int v) { intermediate = v; return this; }
    public Builder vocab(int v) { vocab = v; return this; }
    public Builder patchDim(int v) { patchDim = v; return this; }
    public Builder timeFeatures(int v) { timeFeatures = v; return this; }
    public Builder position(PositionKind v) { position = v; return this; }
    /** {@link #position(PositionKind)} of a name ({@link PositionKind#parse}). */
    public Builder position(String v) { position = PositionKind.parse(v); return this; }
    public Builder ropeBase(double v) { ropeBase = v; return this; }
    public Builder target(NoisePredictor.Target v) { target = v; return this; }
    public Builder imageWeight(double v) { imageWeight = v; return this; }
    public Builder context(int v) { context = v; return this; }
    public Builder initStd(double v) { initStd = v; return this; }
    public Builder vqCodes(int v) { vqCodes = v; return this; }
    public Builder causalImages(boolean v) { causalImages = v; return this; }

    /** The configuration; throws an IllegalArgumentException naming the first broken rule. */
    public MultimodalConfig build() { return new MultimodalConfig(this); }
  }

  private List<Object> values() {
    return List.of(hidden, layers, heads, intermediate, vocab, patchDim, timeFeatures, position, ropeBase, target, imageWeight,
        context, initStd, vqCodes, causalImages);
  }

  @Override public boolean equals(Object o) { return o instanceof MultimodalConfig c && values().equals(c.values()); }

  @Override public int hashCode() { return Objects.hash(values().toArray()); }

  @Override
  public String toString() {
    return "MultimodalConfig[hidden=" + hidden + ", layers=" + layers + ", heads=" + heads + ", intermediate=" + intermediate
        + ", vocab=" + vocab + ", patchDim=" + patchDim + ", timeFeatures=" + timeFeatures + ", position=" + position
        + ", ropeBase=" + ropeBase + ", target=" + target + ", imageWeight=" + imageWeight + ", context=" + context
        + ", initStd=" + initStd + ", vqCodes=" + vqCodes + (causalImages ? ", causalImages=true" : "") + "]";
  }
}
