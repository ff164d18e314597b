package dev.focus.kernel;

/**
 * The float exponential every kernel uses, written out so that its vector twin
 * ({@code VectorKernels.exp}) performs the very same IEEE operations lane by lane and returns the
 * same bits. {@link Math#exp} and the Vector API's {@code lanewise(EXP)} are each within an ulp of
 * e^x but not of each other, and {@code lanewise(EXP)} may differ between the interpreter and C2:
 * a training run would then not repeat bit for bit. Within 2 ulps of {@link Math#exp} on the whole
 * float range (tested).
 *
 * <p>Method (Cody &amp; Waite range reduction): n = round(x·log₂e), r = x − n·ln2 in two parts so
 * that r is exact to about 2⁻³², |r| ≤ ln2/2; e^r by its degree-7 Taylor polynomial in Horner form
 * (truncation error r⁸/8! ≤ 5.2·10⁻⁹, below a float ulp); then e^x = e^r·2^⌊n/2⌋·2^(n−⌊n/2⌋), two
 * normal scale factors so that results near the overflow and underflow limits round correctly.
 * Inputs are clamped to [−110, 88.75], where the result is already 0 or +∞; NaN stays NaN.
 */
public final class Exp {
  private Exp() {}

  static final float LOG2E = 1.44269504088896341f;
  /** ln2 = LN2_HI + LN2_LO; LN2_HI has 9 significant bits, so n·LN2_HI is exact for |n| < 2¹⁵. */
  static final float LN2_HI = 0.693359375f;
  static final float LN2_LO = -2.12194440e-4f;
  /** 1.5·2²³: adding it rounds a float of magnitude below 2²² to an integer held in the low mantissa bits. */
  static final float SHIFTER = 12582912f;
  static final int SHIFTER_BITS = 0x4B400000;
  static final float MIN_X = -110f, MAX_X = 88.75f;
  static final float C2 = 1f / 2, C3 = 1f / 6, C4 = 1f / 24, C5 = 1f / 120, C6 = 1f / 720, C7 = 1f / 5040;

  /** e^x as a float. */
  public static float exp(float x) {
    x = Math.min(Math.max(x, MIN_X), MAX_X);
    float t = Math.fma(x, LOG2E, SHIFTER);
    int n = Float.floatToRawIntBits(t) - SHIFTER_BITS;
    float nf = t - SHIFTER;
    float r = Math.fma(nf, -LN2_HI, x);
    r = Math.fma(nf, -LN2_LO, r);
    float p = Math.fma(C7, r, C6);
    p = Math.fma(p, r, C5);
    p = Math.fma(p, r, C4);
    p = Math.fma(p, r, C3);
    p = Math.fma(p, r, C2);
    p = Math.fma(p, r, 1f);
    p = Math.fma(p, r, 1f);
    int half = n >> 1;
    return p * Float.intBitsToFloat((half + 127) << 23) * Float.intBitsToFloat((n - half + 127) << 23);
  }

  /**
   * tanh(u) = sign(u)·(1 − e)/(1 + e) with e = e^(−2|u|), through {@link #exp}, so that the vector twin
   * ({@code VectorKernels.tanh}) returns the same bits. The Vector API's {@code lanewise(TANH)} may
   * differ between the interpreter and C2 (and from {@link Math#tanh}), which made a GELU model's
   * training depend on when the JIT compiled the kernel. For |u| below about 10⁻³ the cancellation in
   * 1 − e costs relative accuracy, but the absolute error stays below 2·10⁻⁷, which is what GELU's
   * 1 + t and 1 − t² see.
   */
  public static float tanh(float u) {
    float e = exp(-2f * Math.abs(u));
    float t = (1f - e) / (1f + e);
    return u < 0 ? -t : t;
  }
}
