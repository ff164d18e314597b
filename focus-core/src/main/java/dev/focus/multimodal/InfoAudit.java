package dev.focus.multimodal;

import java.math.BigInteger;

/**
 * The information audit of spec 02 §2: a tokenization of length L over a vocabulary of size V carries
 * at most L·log₂V bits, so describing an H×W×C image at b bits per sub-pixel losslessly needs
 * log₂V ≥ HWCb / L. With the article's b = 3 this asks for vocabularies of 2³⁶ (L = 1024) to
 * 2¹⁴⁴ (L = 256) entries for a 64×64 RGB image.
 */
public final class InfoAudit {
  private InfoAudit() {}

  /** HWCb: the bits an H×W×C image holds at b bits per sub-pixel. */
  public static double imageBits(double h, double w, double c, double bitsPerSubpixel) {
    positive("H", h);
    positive("W", w);
    positive("C", c);
    positive("b", bitsPerSubpixel);
    return h * w * c * bitsPerSubpixel;
  }

  /** log₂ V_min = bits / L. */
  public static double minLog2Vocab(double bits, double length) {
    positive("bits", bits);
    positive("L", length);
    return bits / length;
  }

  /** V_min = 2^⌈log₂ V_min⌉, exactly. */
  public static BigInteger minVocab(double bits, double length) {
    double log2 = minLog2Vocab(bits, length);
    // Guard against 36.000000000001 from rounding in bits/length when the ratio is integral.
    double rounded = Math.rint(log2);
    int exponent = Math.abs(log2 - rounded) < 1e-9 ? (int) rounded : (int) Math.ceil(log2);
    return BigInteger.ONE.shiftLeft(exponent);
  }

  /** L·log₂V: the most bits L tokens from a vocabulary of V can carry. */
  public static double capacityBits(double length, double vocab) {
    positive("L", length);
    positive("V", vocab);
    return length * (Math.log(vocab) / Math.log(2));
  }

  private static void positive(String name, double v) {
    if (!(v > 0) || Double.isInfinite(v)) {
      throw new IllegalArgumentException(name + "=" + v + " must be positive and finite");
    }
  }
}
