package dev.focus.position;

/**
 * Sizes and knobs {@link PositionEncodings#create} needs. {@code null} / 0 fields mean "the scheme's
 * default": pair layout ADJACENT (HALF for mrope), axes per scheme, rotary dim = head dim.
 *
 * @param dModel       C, the model width
 * @param nHeads       H, query heads (ALiBi slopes, head dim = C/H)
 * @param maxPositions N_max (learned table rows)
 * @param base         RoPE base b
 * @param pairLayout   override of the pair layout, or null
 * @param sections     BLOCKED sections (one per axis), or null
 * @param axes         explicit axis assignment (e.g. HALVES), or null; wins over sections
 * @param rotaryDim    partial rotary: dims rotated per head, or 0 for the whole head
 * @param scaling      HF rope_scaling, or null for none
 */
public record PositionOptions(int dModel, int nHeads, int maxPositions, double base, PairLayout pairLayout,
                              int[] sections, AxisAssignment axes, int rotaryDim, RopeScaling scaling) {
  public PositionOptions {
    if (dModel < 1) throw new IllegalArgumentException("dModel=" + dModel + " must be >= 1");
    if (nHeads < 1) throw new IllegalArgumentException("nHeads=" + nHeads + " must be >= 1");
    if (dModel % nHeads != 0) throw new IllegalArgumentException("nHeads=" + nHeads + " must divide dModel=" + dModel);
    if (maxPositions < 1) throw new IllegalArgumentException("maxPositions=" + maxPositions + " must be >= 1");
    if (sections != null) sections = sections.clone();
  }

  /** Defaults: N_max 1024, base 10000, everything else per scheme. */
  public static PositionOptions of(int dModel, int nHeads) {
    return new PositionOptions(dModel, nHeads, 1024, 10000.0, null, null, null, 0, null);
  }

  public int headDim() { return dModel / nHeads; }

  public PositionOptions withMaxPositions(int n) { return new PositionOptions(dModel, nHeads, n, base, pairLayout, sections, axes, rotaryDim, scaling); }

  public PositionOptions withBase(double b) { return new PositionOptions(dModel, nHeads, maxPositions, b, pairLayout, sections, axes, rotaryDim, scaling); }

  public PositionOptions withPairLayout(PairLayout l) { return new PositionOptions(dModel, nHeads, maxPositions, base, l, sections, axes, rotaryDim, scaling); }

  public PositionOptions withSections(int... s) { return new PositionOptions(dModel, nHeads, maxPositions, base, pairLayout, s, axes, rotaryDim, scaling); }

  public PositionOptions withAxes(AxisAssignment a) { return new PositionOptions(dModel, nHeads, maxPositions, base, pairLayout, sections, a, rotaryDim, scaling); }

  public PositionOptions withRotaryDim(int d) { return new PositionOptions(dModel, nHeads, maxPositions, base, pairLayout, sections, axes, d, scaling); }

  public PositionOptions withScaling(RopeScaling s) { return new PositionOptions(dModel, nHeads, maxPositions, base, pairLayout, sections, axes, rotaryDim, s); }

  @Override public int[] sections() { return sections == null ? null : sections.clone(); }
}
