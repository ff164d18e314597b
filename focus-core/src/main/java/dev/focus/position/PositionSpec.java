package dev.focus.position;

import java.util.Arrays;

/**
 * A position encoding as a configuration describes it, before the model's sizes are known: its
 * {@link PositionKind} and the rotary knobs. {@link #create} is the one factory of
 * {@link PositionEncoding}s (explicit registration, no reflection); text models, the multimodal model,
 * the lab and the command line all build their encodings here.
 *
 * <p>Null / 0 knobs mean "the kind's default": pair layout {@code ADJACENT} ({@code HALF} for
 * {@code mrope}, as Qwen2-VL), axes {@code INTERLEAVED(A)} for an A-axis rule ({@code BLOCKED(16,24,24)}
 * for {@code mrope} at rotary dim 128, which needs explicit sections elsewhere), the whole head
 * rotated, no frequency scaling.
 *
 * @param kind       which encoding
 * @param base       RoPE base b in θ_i = b^(−2i/d) (rotary kinds; finite everywhere)
 * @param pairLayout which dims form a rotary pair, or null for the kind's default
 * @param sections   BLOCKED frequency sections, one per axis of a multi-axis rule, or null
 * @param axes       an explicit axis assignment (e.g. HALVES), or null; wins over sections
 * @param rotaryDim  partial rotary: dims rotated per head, or 0 for the whole head
 * @param scaling    Hugging Face rope_scaling ({@link RopeScaling.None} for none; only rotary kinds scale)
 */
public record PositionSpec(PositionKind kind, double base, PairLayout pairLayout, int[] sections, AxisAssignment axes,
                           int rotaryDim, RopeScaling scaling) {

  public PositionSpec {
    if (kind == null) throw new IllegalArgumentException("position kind must not be null");
    if (!Double.isFinite(base) || kind.rotary() && !(base > 1.0)) {
      throw new IllegalArgumentException("rope base=" + base + " must be a finite number > 1");
    }
    if (rotaryDim < 0) throw new IllegalArgumentException("rotaryDim=" + rotaryDim + " must be >= 0 (0 = the whole head)");
    if (scaling == null) scaling = new RopeScaling.None();
    if (!(scaling instanceof RopeScaling.None) && !kind.rotary()) {
      throw new IllegalArgumentException("ropeScaling=" + scaling.type() + " needs rotary positions, not position=" + kind);
    }
    if (sections != null) {
      int a = kind.scheme().axes();
      if (a == 1) {
        throw new IllegalArgumentException("sections " + Arrays.toString(sections) + " are not allowed under position=" + kind
            + " (one coordinate axis)");
      }
      if (kind == PositionKind.MROPE_I) {
        throw new IllegalArgumentException("sections " + Arrays.toString(sections) + " are not allowed under position=mrope-i"
            + " (its frequencies interleave over the axes; position=mrope takes blocked sections)");
      }
      if (sections.length != a) {
        throw new IllegalArgumentException("position=" + kind + " needs " + a + " sections but got " + Arrays.toString(sections));
      }
      sections = sections.clone();
    }
  }

  /** The kind with base 10000 and every default. */
  public static PositionSpec of(PositionKind kind) { return new PositionSpec(kind, 10000.0, null, null, null, 0, null); }

  /** {@link #of} the kind called {@code name} ({@link PositionKind#parse}). */
  public static PositionSpec parse(String name) { return of(PositionKind.parse(name)); }

  public PositionSpec withKind(PositionKind k) { return new PositionSpec(k, base, pairLayout, sections, axes, rotaryDim, scaling); }

  public PositionSpec withBase(double b) { return new PositionSpec(kind, b, pairLayout, sections, axes, rotaryDim, scaling); }

  public PositionSpec withPairLayout(PairLayout l) { return new PositionSpec(kind, base, l, sections, axes, rotaryDim, scaling); }

  /** BLOCKED sections (one per axis), or null for the default assignment. */
  public PositionSpec withSections(int... s) { return new PositionSpec(kind, base, pairLayout, s, axes, rotaryDim, scaling); }

  public PositionSpec withAxes(AxisAssignment a) { return new PositionSpec(kind, base, pairLayout, sections, a, rotaryDim, scaling); }

  public PositionSpec withRotaryDim(int d) { return new PositionSpec(kind, base, pairLayout, sections, axes, d, scaling); }

  public PositionSpec withScaling(RopeScaling s) { return new PositionSpec(kind, base, pairLayout, sections, axes, rotaryDim, s); }

  /** The pair layout in use: the given one, or {@code HALF} for mrope and mrope-i (as Qwen's models) and {@code ADJACENT} otherwise. */
  public PairLayout layout() {
    return pairLayout != null ? pairLayout : kind.scheme() == PositionScheme.MROPE ? PairLayout.HALF : PairLayout.ADJACENT;
  }

  @Override public int[] sections() { return sections == null ? null : sections.clone(); }

  /** The encoding for a model of width {@code dModel}, {@code nHeads} query heads and {@code maxPositions} positions. */
  public PositionEncoding create(int dModel, int nHeads, int maxPositions) { return create(dModel, nHeads, maxPositions, null); }

  /**
   * As {@link #create(int, int, int)}; a learned encoding wraps {@code learnedTable} (N_max, C), the
   * model's live parameter (not copied), or a zero table when it is null. Throws naming the value and
   * the rule when the sizes do not fit the kind (odd head size under RoPE, sections not summing to d/2, …).
   */
  public PositionEncoding create(int dModel, int nHeads, int maxPositions, float[] learnedTable) {
    checkSizes(dModel, nHeads, maxPositions);
    switch (kind) {
      case NOPE: return new Nope();
      case LEARNED:
        return learnedTable == null ? new LearnedAbsolute(maxPositions, dModel) : new LearnedAbsolute(maxPositions, dModel, learnedTable);
      case SINUSOIDAL: return new Sinusoidal(dModel);
      case ALIBI: return new Alibi(nHeads);
      default: return rope(dModel / nHeads);
    }
  }

  /** Throws as {@link #create} would, without allocating a learned table. */
  public void check(int dModel, int nHeads, int maxPositions) {
    if (kind == PositionKind.LEARNED) {
      checkSizes(dModel, nHeads, maxPositions);
      LearnedAbsolute.checkSize(maxPositions, dModel);
    } else {
      create(dModel, nHeads, maxPositions);
    }
  }

  private static void checkSizes(int dModel, int nHeads, int maxPositions) {
    if (dModel < 1) throw new IllegalArgumentException("dModel=" + dModel + " must be >= 1");
    if (nHeads < 1) throw new IllegalArgumentException("nHeads=" + nHeads + " must be >= 1");
    if (dModel % nHeads != 0) throw new IllegalArgumentException("nHeads=" + nHeads + " must divide dModel=" + dModel);
    if (maxPositions < 1) throw new IllegalArgumentException("maxPositions=" + maxPositions + " must be >= 1");
  }

  private Rope rope(int headDim) {
    String name = kind == PositionKind.FLAT ? PositionKind.ROPE.cliName() : kind.cliName();
    int d = rotaryDim == 0 ? headDim : rotaryDim;
    if (d % 2 != 0 || d < 2) {
      throw new IllegalArgumentException("head size " + d + " must be even under position=" + kind + " (split into rotary pairs)");
    }
    AxisAssignment a = axes != null ? axes : defaultAxes(d);
    return new Rope(name, kind.scheme(), headDim, d, base, a, layout(), scaling);
  }

  /** The kind's axis assignment for rotary dim d (spec 04 §4, §8). */
  private AxisAssignment defaultAxes(int d) {
    if (sections != null) return new AxisAssignment.Blocked(sections);
    if (kind == PositionKind.MROPE) {
      if (d != 128) {
        throw new IllegalArgumentException("position=mrope with rotary dim " + d
            + " needs sections summing to " + d / 2 + " (the default 16,24,24 is for dim 128)");
      }
      return new AxisAssignment.Blocked(new int[] {16, 24, 24});
    }
    return new AxisAssignment.Interleaved(kind.scheme().axes());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PositionSpec p && kind == p.kind && Double.compare(base, p.base) == 0 && pairLayout == p.pairLayout
        && Arrays.equals(sections, p.sections) && java.util.Objects.equals(axes, p.axes) && rotaryDim == p.rotaryDim
        && scaling.equals(p.scaling);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(kind, base, pairLayout, Arrays.hashCode(sections), axes, rotaryDim, scaling);
  }

  @Override
  public String toString() {
    return kind.cliName() + (kind.rotary() ? "(base " + base + ", " + layout() + (sections == null ? "" : ", sections "
        + Arrays.toString(sections)) + (axes == null ? "" : ", " + axes) + (rotaryDim == 0 ? "" : ", rotary dim " + rotaryDim)
        + (scaling instanceof RopeScaling.None ? "" : ", " + scaling) + ")" : "");
  }
}
