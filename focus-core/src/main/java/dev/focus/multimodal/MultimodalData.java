package dev.focus.multimodal;

import dev.focus.data.DataCache;
import dev.focus.data.Digits;
import dev.focus.data.Glyphs;
import dev.focus.data.PixelImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The captioned-image data sets of the demonstrations (spec 02 §4.1) with their patch size:
 * {@code digits} (UCI optdigits 8×8, 17 levels, P = 2, after {@code focus setup digits}) and the
 * procedural 16×16 glyph tasks {@code glyphs-shapes} (RGB), {@code glyphs-read} and
 * {@code glyphs-count} (grey), P = 4.
 *
 * @param name     the data set name
 * @param train    training examples
 * @param test     held-out examples
 * @param patch    P
 * @param height   H
 * @param width    W
 * @param channels C
 * @param levels   pixel levels
 */
public record MultimodalData(String name, List<CaptionedImage> train, List<CaptionedImage> test, int patch, int height,
                             int width, int channels, int levels) {
  public static final List<String> NAMES = List.of("digits", "glyphs-shapes", "glyphs-read", "glyphs-count");

  /** D = P²·C. */
  public int patchDim() { return Patchify.patchDim(patch, channels); }

  /**
   * The context a model needs: the longest caption plus [BOS], [IMG], the patches, [/IMG] and [EOS],
   * with room for 8 more characters of generated text.
   */
  public int context() {
    int longest = 0;
    for (CaptionedImage c : train) longest = Math.max(longest, c.caption().length());
    for (CaptionedImage c : test) longest = Math.max(longest, c.caption().length());
    return Patchify.patchCount(height, width, patch) + longest + 4 + 8;
  }

  /**
   * Loads {@code name}. Glyph sets draw {@code trainSize} and {@code testSize} examples from disjoint
   * index ranges of one seed; digits use the fixed stratified 80/20 split (sizes ignored).
   */
  public static MultimodalData load(String name, Path cache, int trainSize, int testSize, long seed) throws IOException {
    switch (name) {
      case "digits": {
        Digits.Splits s = Digits.split(Digits.loadCached(cache == null ? DataCache.dir() : cache), seed);
        return new MultimodalData(name, digits(s.train()), digits(s.test()), 2, 8, 8, 1, 17);
      }
      case "glyphs-shapes":
        return glyphs(name, Glyphs.Kind.SHAPES, trainSize, testSize, seed, 3);
      case "glyphs-read":
        return glyphs(name, Glyphs.Kind.READ, trainSize, testSize, seed, 1);
      case "glyphs-count":
        return glyphs(name, Glyphs.Kind.COUNT, trainSize, testSize, seed, 1);
      default:
        throw new IllegalArgumentException("unknown image data set '" + name + "' (expected one of " + String.join(", ", NAMES) + ")");
    }
  }

  private static List<CaptionedImage> digits(List<Digits.Digit> ds) {
    List<CaptionedImage> out = new ArrayList<>(ds.size());
    for (Digits.Digit d : ds) out.add(new CaptionedImage(d.image(), d.caption()));
    return out;
  }

  private static MultimodalData glyphs(String name, Glyphs.Kind kind, int trainSize, int testSize, long seed, int channels) {
    if (trainSize < 1 || testSize < 1) {
      throw new IllegalArgumentException("train and test sizes must be >= 1, got " + trainSize + " and " + testSize);
    }
    List<CaptionedImage> train = new ArrayList<>(trainSize), test = new ArrayList<>(testSize);
    for (int i = 0; i < trainSize; i++) train.add(of(Glyphs.generate(kind, seed, i)));
    for (int i = 0; i < testSize; i++) test.add(of(Glyphs.generate(kind, seed, 1_000_000_000L + i)));
    return new MultimodalData(name, train, test, 4, Glyphs.SIZE, Glyphs.SIZE, channels, 256);
  }

  private static CaptionedImage of(Glyphs.Captioned g) {
    return new CaptionedImage(g.image(), g.caption());
  }

  /** All training patches (n, D), encoded, for fitting a k-means codebook. */
  public float[] trainPatches() {
    int per = Patchify.patchCount(height, width, patch) * patchDim();
    float[] out = new float[train.size() * per];
    for (int i = 0; i < train.size(); i++) {
      PixelImage im = train.get(i).image();
      float[] p = Patchify.patchify(PixelCodec.encode(im), height, width, channels, patch);
      System.arraycopy(p, 0, out, i * per, per);
    }
    return out;
  }
}
