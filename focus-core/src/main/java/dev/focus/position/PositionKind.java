package dev.focus.position;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Every position encoding Focus builds, by the name a user types ({@code --set position=…}, the
 * multimodal model's {@code --position}, {@code focus positions --scheme}, the lab): the one list of
 * names and its one parser (spec 04 §3–§5, spec 05 §3.1). A kind says which encoding variant it builds
 * ({@link PositionSpec#create}) and which layout rule ({@link PositionScheme}) turns a multimodal
 * layout into its coordinates; on pure text every rule gives the flat index on each axis.
 *
 * <pre>
 * nope            no encoding (the causal mask alone carries order)
 * rope            RoPE-1D                                      flat
 * mrope           Qwen2-VL M-RoPE [HF-VL]: BLOCKED + HALF      mrope
 * alibi           a linear distance bias on the logits          flat
 * sinusoidal      fixed sin/cos added to the embeddings         flat
 * learned         a learned (N_max, C) table added likewise     flat
 * flat            RoPE-1D under its layout rule's name          flat
 * rope-2d         RoPE-2D [S3], INTERLEAVED(2), raw grid        grid (spec 02 §3.6 b)
 * rope-3d         RoPE-3D, INTERLEAVED(3)                       rope-tv-3d
 * rope-tie        RoPE-Tie v1, integer steps [S2]               rope-tie
 * rope-tie-frac   RoPE-Tie v1, fractional steps [S2]            rope-tie-frac
 * rope-tv         RoPE-TV (= RoPE-Tie-v2) [S1]                  rope-tv
 * rope-tv-3d      RoPE-TV with a frame axis [S1] option (b)     rope-tv-3d
 * mrope-i         M-RoPE's coordinates, frequencies INTERLEAVED  mrope
 *                 (3) + HALF: frequency i turns with axis i mod 3, the interleaving Qwen3-VL adopted;
 *                 a Focus extension beyond spec 04, which keeps only Qwen2-VL's blocked sections
 * </pre>
 */
public enum PositionKind {
  NOPE(PositionScheme.FLAT),
  ROPE(PositionScheme.FLAT),
  MROPE(PositionScheme.MROPE),
  ALIBI(PositionScheme.FLAT),
  SINUSOIDAL(PositionScheme.FLAT),
  LEARNED(PositionScheme.FLAT),
  FLAT(PositionScheme.FLAT),
  ROPE_2D(PositionScheme.GRID),
  ROPE_3D(PositionScheme.ROPE_TV_3D),
  ROPE_TIE(PositionScheme.ROPE_TIE),
  ROPE_TIE_FRAC(PositionScheme.ROPE_TIE_FRAC),
  ROPE_TV(PositionScheme.ROPE_TV),
  ROPE_TV_3D(PositionScheme.ROPE_TV_3D),
  MROPE_I(PositionScheme.MROPE);

  private final String cliName;
  private final PositionScheme scheme;

  PositionKind(PositionScheme scheme) {
    this.cliName = name().toLowerCase(Locale.ROOT).replace('_', '-');
    this.scheme = scheme;
  }

  /** The name users type ({@code rope-tv}, …): the constant's name in lower case, {@code _} written {@code -}. */
  public String cliName() { return cliName; }

  /** The layout rule that gives this kind's coordinates. */
  public PositionScheme scheme() { return scheme; }

  /** True when q and k are rotated ({@link Rope}): every kind but nope, alibi, sinusoidal and learned. */
  public boolean rotary() { return this != NOPE && this != ALIBI && this != SINUSOIDAL && this != LEARNED; }

  /** True when positions are added to the embeddings (sinusoidal, learned). */
  public boolean absolute() { return this == SINUSOIDAL || this == LEARNED; }

  /** Every name, in declaration order. */
  public static List<String> names() {
    List<String> n = new ArrayList<>();
    for (PositionKind k : values()) n.add(k.cliName);
    return n;
  }

  /**
   * The kind called {@code name}: case-insensitive, {@code _} and {@code -} alike (so the enum
   * constant names parse too). Throws naming the value and listing the valid names.
   */
  public static PositionKind parse(String name) {
    String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    for (PositionKind k : values()) if (k.cliName.equals(n)) return k;
    throw new IllegalArgumentException("position=" + name + " is not one of " + String.join(", ", names()));
  }

  @Override public String toString() { return cliName; }
}
