package dev.focus.position;

/**
 * No position encoding (spec 05 §3.1). A causal mask alone breaks permutation invariance; with a
 * bidirectional mask the model is permutation-equivariant (spec 05 D1), so NoPE is then a control
 * only and {@link #checkMask} logs a warning.
 */
public record Nope() implements PositionEncoding {
  private static final System.Logger LOG = System.getLogger(Nope.class.getName());

  @Override public String name() { return "nope"; }

  @Override public PositionScheme scheme() { return PositionScheme.FLAT; }

  /** Logs a warning when NoPE is paired with a bidirectional mask; returns whether it warned. */
  public boolean checkMask(boolean bidirectional) {
    if (bidirectional) {
      LOG.log(System.Logger.Level.WARNING,
          "NoPE with a bidirectional mask is permutation-equivariant: positions are invisible (a control only)");
    }
    return bidirectional;
  }
}
