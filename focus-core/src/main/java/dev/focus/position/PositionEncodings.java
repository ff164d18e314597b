package dev.focus.position;

import java.util.List;
import java.util.Locale;

/**
 * Builds a {@link PositionEncoding} from its name (explicit registration, no reflection).
 *
 * <pre>
 * nope            no encoding
 * learned         learned absolute table (N_max, C)
 * sinusoidal      fixed sin/cos, interleaved
 * alibi           linear bias, H slopes
 * rope | flat     RoPE-1D (ADJACENT unless overridden), flat positions
 * rope-2d         INTERLEAVED(2), RoPE-TV layout rule (a lone image gets plain RoPE-2D up to a shift)
 * rope-3d         INTERLEAVED(3), RoPE-TV-3D layout rule
 * rope-tie        RoPE-Tie v1, integer steps [S2]            INTERLEAVED(2)
 * rope-tie-frac   RoPE-Tie v1, fractional steps [S2]         INTERLEAVED(2)
 * rope-tv         RoPE-TV (= RoPE-Tie-v2) [S1]               INTERLEAVED(2)
 * rope-tv-3d      RoPE-TV with a frame axis [S1] option (b)  INTERLEAVED(3)
 * mrope           Qwen2-VL M-RoPE [HF-VL]                    BLOCKED(16,24,24 at d=128) + HALF
 * </pre>
 * Multi-axis schemes take {@code sections} as BLOCKED (ADJACENT unless overridden); mrope requires
 * them unless the rotary dim is 128.
 */
public final class PositionEncodings {
  private PositionEncodings() {}

  /** Every name {@link #create} accepts. */
  public static final List<String> NAMES = List.of("nope", "learned", "sinusoidal", "alibi", "rope", "flat", "rope-2d", "rope-3d",
      "rope-tie", "rope-tie-frac", "rope-tv", "rope-tv-3d", "mrope");

  /** The encoding called {@code name}; throws IllegalArgumentException naming an unknown scheme. */
  public static PositionEncoding create(String name, PositionOptions o) {
    String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    switch (n) {
      case "nope": return new NoPe();
      case "learned": return new LearnedAbsolute(o.maxPositions(), o.dModel());
      case "sinusoidal": return new Sinusoidal(o.dModel());
      case "alibi": return new Alibi(o.nHeads());
      case "rope": case "flat": return rope("rope", PositionScheme.FLAT, o);
      case "rope-2d": return rope(n, PositionScheme.ROPE_TV, o);
      case "rope-3d": return rope(n, PositionScheme.ROPE_TV_3D, o);
      case "rope-tie": return rope(n, PositionScheme.ROPE_TIE, o);
      case "rope-tie-frac": return rope(n, PositionScheme.ROPE_TIE_FRAC, o);
      case "rope-tv": return rope(n, PositionScheme.ROPE_TV, o);
      case "rope-tv-3d": return rope(n, PositionScheme.ROPE_TV_3D, o);
      case "mrope": return rope(n, PositionScheme.MROPE, o);
      default:
        throw new IllegalArgumentException("unknown position encoding '" + name + "' (expected one of " + String.join(", ", NAMES) + ")");
    }
  }

  private static Rope rope(String name, PositionScheme scheme, PositionOptions o) {
    int headDim = o.headDim();
    int d = o.rotaryDim() == 0 ? headDim : o.rotaryDim();
    if (d % 2 != 0 || d < 2) {
      throw new IllegalArgumentException(name + ": head dim " + d + " must be even to be split into rotary pairs");
    }
    AxisAssignment axes = o.axes() != null ? o.axes() : defaultAxes(name, scheme, d, o.sections());
    PairLayout layout = o.pairLayout() != null ? o.pairLayout() : scheme == PositionScheme.MROPE ? PairLayout.HALF : PairLayout.ADJACENT;
    RopeScaling scaling = o.scaling() != null ? o.scaling() : new RopeScaling.None();
    return new Rope(name, scheme, headDim, d, o.base(), axes, layout, scaling);
  }

  /** The scheme's axis assignment for rotary dim d (spec 04 §4, §8). */
  public static AxisAssignment defaultAxes(String name, PositionScheme scheme, int d, int[] sections) {
    if (sections != null) {
      if (scheme.axes() == 1) throw new IllegalArgumentException(name + ": sections are not allowed on a 1-axis scheme");
      if (sections.length != scheme.axes()) {
        throw new IllegalArgumentException(name + ": needs " + scheme.axes() + " sections but got " + sections.length);
      }
      return new AxisAssignment.Blocked(sections);
    }
    if (scheme == PositionScheme.MROPE) {
      if (d != 128) {
        throw new IllegalArgumentException("mrope: rotary dim " + d + " needs explicit sections (the default 16,24,24 is for dim 128)");
      }
      return new AxisAssignment.Blocked(new int[] {16, 24, 24});
    }
    return new AxisAssignment.Interleaved(scheme.axes());
  }
}
