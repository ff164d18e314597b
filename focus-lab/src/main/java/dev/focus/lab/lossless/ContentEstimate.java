package dev.focus.lab.lossless;

import dev.focus.data.PixelImage;
import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How many bits an image of a data set actually holds, estimated from the data rather than read off
 * its format (the format's maximum, H·W·C·log₂ levels, is what spec 02 §2 counts). Three estimates,
 * each from the training split, in bits per image:
 *
 * <ul>
 *   <li><b>marginal</b>: Σ over pixels of the plug-in entropy of that pixel's level. Since
 *       H(X₁…X_n) ≤ Σ H(X_i), an upper bound (up to the plug-in's small downward bias);
 *   <li><b>patch</b>: the Miller–Madow corrected plug-in entropy H(p) of one P×P patch, pooled over
 *       every position, times the patches per image. H(p) is what one token of a per-patch code must
 *       carry to be lossless: a codebook of K entries needs log₂ K ≥ H(p);
 *   <li><b>context</b>: the held-out code length of the test split under a sequential model that codes
 *       each pixel (raster order) given its position and the pixel above it, with add-½ counts from the
 *       training split. A cross-entropy, so at least the entropy: the tightest upper bound of the three
 *       on digits, and a rate a real coder could reach.
 * </ul>
 *
 * All three are upper bounds of the true entropy (which these few images cannot pin down from
 * below: the plug-in entropy of whole images is just log₂ of the training count); they replace the
 * format's maximum in the capacity-against-content argument.
 */
public final class ContentEstimate {
  private ContentEstimate() {}

  /**
   * @param data            the data set
   * @param trainImages     images the estimates were fitted on
   * @param testImages      images the context model coded
   * @param rawBits         H·W·C·log₂ levels, the format's maximum
   * @param marginalBits    Σ_pixels H(pixel), plug-in
   * @param patchEntropy    H(p) of one patch, bits, Miller–Madow
   * @param patches         patches per image
   * @param distinctPatches distinct patch values in the training split
   * @param contextBits     mean held-out code length per image under the context model
   */
  public record Result(String data, int trainImages, int testImages, double rawBits, double marginalBits, double patchEntropy,
                       int patches, int distinctPatches, double contextBits) implements Serializable {
    /** The patch estimate per image: patches · H(p). */
    public double patchBits() { return patches * patchEntropy; }

    /** The smallest of the three upper bounds. */
    public double bestBits() { return Math.min(marginalBits, Math.min(patchBits(), contextBits)); }
  }

  /** The estimates for single-channel images of side H×W, P×P patches (P divides H and W). */
  public static Result of(String data, List<PixelImage> train, List<PixelImage> test, int patch) {
    PixelImage first = train.get(0);
    int h = first.height(), w = first.width(), levels = first.levels();
    if (first.channels() != 1) throw new IllegalArgumentException("content estimates take grey images, got " + first.channels() + " channels");
    double raw = h * w * Math.log(levels) / Math.log(2);
    // marginal: per pixel, the plug-in entropy of its level over the training images
    double marginal = 0;
    for (int i = 0; i < h * w; i++) {
      int[] counts = new int[levels];
      for (PixelImage im : train) counts[im.data()[i]]++;
      marginal += plugIn(counts, train.size());
    }
    // patch: the pooled distribution of P×P patch values
    Map<String, Integer> seen = new HashMap<>();
    int n = 0;
    for (PixelImage im : train) {
      for (int r = 0; r < h; r += patch) {
        for (int c = 0; c < w; c += patch) {
          StringBuilder key = new StringBuilder();
          for (int y = r; y < r + patch; y++) for (int x = c; x < c + patch; x++) key.append(im.data()[y * w + x]).append(',');
          seen.merge(key.toString(), 1, Integer::sum);
          n++;
        }
      }
    }
    int[] counts = seen.values().stream().mapToInt(Integer::intValue).toArray();
    double patchH = millerMadow(counts, n);
    return new Result(data, train.size(), test.size(), raw, marginal, patchH, (h / patch) * (w / patch), counts.length,
        contextBits(train, test, h, w, levels));
  }

  /** Mean held-out bits per test image: pixel (y, x) coded given (y, x, level above), add-½ counts from train. */
  static double contextBits(List<PixelImage> train, List<PixelImage> test, int h, int w, int levels) {
    int[] counts = new int[h * w * levels * levels]; // (pixel, level above, level)
    for (PixelImage im : train) for (int i = 0; i < h * w; i++) counts[cell(im, i, w, levels)]++;
    double bits = 0;
    for (PixelImage im : test) {
      for (int i = 0; i < h * w; i++) {
        int base = cell(im, i, w, levels) - im.data()[i];
        int total = 0;
        for (int v = 0; v < levels; v++) total += counts[base + v];
        bits -= Math.log((counts[base + im.data()[i]] + 0.5) / (total + 0.5 * levels)) / Math.log(2);
      }
    }
    return bits / test.size();
  }

  /** The count's index: pixel i, the level above it (0 on the top row), the level itself. */
  private static int cell(PixelImage im, int i, int w, int levels) {
    int above = i >= w ? im.data()[i - w] : 0;
    return (i * levels + above) * levels + im.data()[i];
  }

  /** Plug-in entropy, bits, of a histogram of {@code n} observations. */
  static double plugIn(int[] counts, long n) {
    double h = 0;
    for (int c : counts) if (c > 0) h -= (double) c / n * Math.log((double) c / n);
    return h / Math.log(2);
  }

  /** Miller–Madow: the plug-in plus (occupied bins − 1) / (2n ln 2) bits, which offsets most of its downward bias. */
  static double millerMadow(int[] counts, long n) {
    int occupied = 0;
    for (int c : counts) if (c > 0) occupied++;
    return plugIn(counts, n) + (occupied - 1) / (2.0 * n * Math.log(2));
  }
}
