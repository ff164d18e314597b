package dev.focus.position;

/**
 * Rotary position encoding for every rotary scheme (RoFormer, Su et al. 2021; spec 04 §3.1, §3.2, §4):
 * one {@link FrequencyPlan} (θ, axisOf, pair layout) applied at per-token coordinates. RoPE-1D,
 * RoPE-2D/3D [S3], RoPE-Tie [S2], RoPE-TV [S1] and M-RoPE [HF-VL] differ only in the axis assignment
 * and the {@link PositionScheme} that turns a layout into coordinates.
 *
 * <p>Legend: T tokens, NH heads, HS = headDim, d = rotaryDim ≤ HS (partial rotary: only the leading
 * d dims of each head turn). Typical use, per sequence:
 * <pre>{@code
 * RopeTable table = rope.table(positions.coords());   // once per sequence (or decode step)
 * table.rotate(q, nHeads, headDim);                   // q (T, NH, HS) in place, every layer
 * table.rotate(k, nKvHeads, headDim);
 * ...
 * table.rotateBackward(dq, nHeads, headDim);          // dq ← Rᵀ·dq
 * }</pre>
 *
 * @param name      factory name ({@code rope}, {@code mrope}, {@code rope-tv}, …)
 * @param scheme    layout → coordinates
 * @param headDim   HS
 * @param rotaryDim d (even, ≤ HS)
 * @param base      b in θ_i = b^(−2i/d)
 * @param axes      axis assignment (its axis count must equal the scheme's)
 * @param layout    pair layout
 * @param scaling   HF rope_scaling ({@link RopeScaling.None} for none)
 */
public record Rope(String name, PositionScheme scheme, int headDim, int rotaryDim, double base,
                   AxisAssignment axes, PairLayout layout, RopeScaling scaling) implements PositionEncoding {

  public Rope {
    if (name == null || scheme == null || axes == null || layout == null || scaling == null) {
      throw new IllegalArgumentException("rope: null argument");
    }
    if (headDim < 2) throw new IllegalArgumentException("rope: headDim=" + headDim + " must be >= 2");
    if (rotaryDim < 2 || rotaryDim % 2 != 0) {
      throw new IllegalArgumentException("rope: rotary dim=" + rotaryDim + " must be even and >= 2 (head dim " + headDim + ")");
    }
    if (rotaryDim > headDim) throw new IllegalArgumentException("rope: rotaryDim=" + rotaryDim + " exceeds headDim=" + headDim);
    if (axes.axes() != scheme.axes()) {
      throw new IllegalArgumentException("rope: axis assignment " + axes + " has " + axes.axes() + " axes but scheme "
          + scheme + " has " + scheme.axes());
    }
    axes.axisOf(rotaryDim / 2); // throws when the head dimension cannot be split this way
    FrequencyPlan.ropeTheta(rotaryDim, base);
  }

  /** Plain RoPE-1D over a whole head, {@code ADJACENT} pairs. */
  public static Rope oneD(int headDim, double base) {
    return new Rope("rope", PositionScheme.FLAT, headDim, headDim, base, AxisAssignment.oneD(), PairLayout.ADJACENT, new RopeScaling.None());
  }

  /** Qwen2-VL M-RoPE: {@code BLOCKED(sections)} + {@code HALF}. */
  public static Rope mrope(int headDim, double base, int... sections) {
    return new Rope("mrope", PositionScheme.MROPE, headDim, headDim, base, new AxisAssignment.Blocked(sections), PairLayout.HALF,
        new RopeScaling.None());
  }

  public Rope withScaling(RopeScaling s) { return new Rope(name, scheme, headDim, rotaryDim, base, axes, layout, s); }

  public Rope withLayout(PairLayout l) { return new Rope(name, scheme, headDim, rotaryDim, base, axes, l, scaling); }

  public Rope withRotaryDim(int d) { return new Rope(name, scheme, headDim, d, base, axes, layout, scaling); }

  /** The plan at its initial length (dynamic scaling inactive, longrope short factors). */
  public FrequencyPlan plan() { return plan(0); }

  /** The plan for a sequence of current length {@code seqLen} (matters for dynamic and longrope). */
  public FrequencyPlan plan(int seqLen) {
    double[] theta;
    if (axes.sharesTheta()) {
      theta = scaling.theta(rotaryDim, base, seqLen);
    } else {
      int per = rotaryDim / axes.axes();
      double[] sub = scaling.theta(per, base, seqLen);
      theta = new double[rotaryDim / 2];
      for (int i = 0; i < theta.length; i++) theta[i] = sub[i % sub.length];
    }
    return new FrequencyPlan(theta, axes.axisOf(rotaryDim / 2), layout);
  }

  /** The cos/sin table for coordinates (T, A); current length = 1 + the largest first-axis coordinate. */
  public RopeTable table(double[][] coords) {
    double max = -1;
    for (double[] c : coords) if (c.length > 0 && c[0] > max) max = c[0];
    return table(coords, (int) Math.min(Integer.MAX_VALUE, Math.floor(max) + 1));
  }

  /** The cos/sin table for coordinates (T, A) at current length {@code seqLen}. */
  public RopeTable table(double[][] coords, int seqLen) {
    return RopeTable.of(plan(seqLen), coords, scaling.attentionFactor());
  }

  /** Rows 0..n−1 for text: row p holds coordinates (p, p[, p]), one per axis of the scheme. */
  @Override
  public RopeTable rotaryTable(int n) {
    double[][] coords = new double[n][scheme.axes()];
    for (int p = 0; p < n; p++) java.util.Arrays.fill(coords[p], p);
    return table(coords);
  }

  /** The table of a whole assigned layout. */
  public RopeTable table(Positions positions) { return table(positions.coords()); }

  /** Rotates q or k (T, NH, HS) in place with a table built for these T tokens. */
  public void forward(float[] qk, RopeTable table, int nHeads) { table.rotate(qk, nHeads, headDim); }

  /** dq or dk (T, NH, HS) ← Rᵀ·d, in place. */
  public void backward(float[] dqk, RopeTable table, int nHeads) { table.rotateBackward(dqk, nHeads, headDim); }
}
