package dev.focus.lab.lossless;

import dev.focus.data.DataCache;
import dev.focus.data.Glyphs;
import dev.focus.data.PixelImage;
import dev.focus.lab.run.LabContext;
import dev.focus.lab.run.Section;
import dev.focus.multimodal.CaptionedImage;
import dev.focus.multimodal.InfoAudit;
import dev.focus.multimodal.MultimodalData;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * Spec 02 §2: the bits a lossless discrete tokenizer would have to carry. An H×W×C image at b bits
 * per sub-pixel holds HWCb bits; L tokens over a vocabulary V carry at most L log₂ V, so
 * log₂ V_min = HWCb / L. Beside these closed forms, what the demonstration's images actually hold:
 * their format's maximum (H·W·C·log₂ levels) overstates it, so the capacity of the tokenizers is also
 * set against estimates from the data ({@link ContentEstimate}) and, for glyphs-read, against the
 * generator's exact count.
 */
public final class InformationAudit implements Section<InformationAudit.Settings, InformationAudit.Result> {
  /** An image size and bit depth, tokenized into {@code length} tokens. */
  public record ImageCase(int height, int width, int channels, double bitsPerSubpixel, int length) implements Serializable {}

  /**
   * The audited images, and the demonstration tokenizers: {@code tokens} codes over each codebook
   * size, against a grey glyph of {@code glyphLevels} levels and a digit of {@code digitLevels}
   * levels. {@code content}: the data set whose images are measured ({@code digits}; null: none), on
   * the split of {@code seed}.
   */
  public record Settings(List<ImageCase> images, int tokens, List<Integer> codebooks, int glyphSide, int glyphLevels,
                         int digitPixels, int digitLevels, String content, long seed) implements Serializable {
    public Settings {
      images = List.copyOf(images);
      codebooks = List.copyOf(codebooks);
    }
  }

  /** One audited image: its bits, log₂ V_min and V_min in decimal (null above 2^64, where only the exponent is shown). */
  public record AuditRow(ImageCase image, double bits, double log2MinVocab, String minVocab) implements Serializable {}

  /** Capacity {@code tokens · log₂ K} of a demonstration codebook. */
  public record Capacity(int codebook, int tokens, double bits) implements Serializable {}

  /**
   * {@code glyphBits} and {@code digitBits}: the formats' maxima; {@code glyphReadBits}: the exact
   * entropy of a glyphs-read image (its generator's choices, all distinguishable in the pixels);
   * {@code content}: the estimates for the content data set, or null when it is not in the data cache.
   */
  public record Result(List<AuditRow> rows, List<Capacity> capacities, double glyphBits, double digitBits, double glyphReadBits,
                       ContentEstimate.Result content) implements Serializable {}

  /** The four images of spec 02 §2, the demonstrations' 16-token codebooks, and the digits' content. */
  public static Settings spec(List<Integer> codebooks, long seed) {
    return new Settings(List.of(new ImageCase(64, 64, 3, 3, 1024), new ImageCase(64, 64, 3, 3, 256),
        new ImageCase(64, 64, 3, 3.44, 1024), new ImageCase(256, 256, 3, 3, 256)), 16, codebooks, Glyphs.SIZE, 256, 64, 17,
        "digits", seed);
  }

  /**
   * log₂ of the glyphs-read generator's choices ({@code Glyphs}): two digits of 10, one foreground
   * level of {@link Glyphs#READ_LEVELS}, and per digit a column offset of 6 and a row offset of
   * 16 − 5 + 1 = 12. Every 3×5 glyph of the font touches all four sides of its box and the two digits
   * sit in separate halves, so each choice is visible in the pixels and the count is the entropy.
   */
  static double glyphReadBits() {
    double choices = 10.0 * 10 * Glyphs.READ_LEVELS.length * Math.pow(6 * (Glyphs.SIZE - 5 + 1), 2);
    return Math.log(choices) / Math.log(2);
  }

  @Override
  public Result run(Settings s, LabContext ctx) throws IOException {
    List<AuditRow> rows = new ArrayList<>();
    for (ImageCase c : s.images()) {
      double bits = InfoAudit.imageBits(c.height(), c.width(), c.channels(), c.bitsPerSubpixel());
      double log2 = InfoAudit.minLog2Vocab(bits, c.length());
      rows.add(new AuditRow(c, bits, log2, log2 <= 64 ? InfoAudit.minVocab(bits, c.length()).toString() : null));
    }
    List<Capacity> caps = new ArrayList<>();
    for (int k : s.codebooks()) caps.add(new Capacity(k, s.tokens(), InfoAudit.capacityBits(s.tokens(), k)));
    ContentEstimate.Result content = null;
    if ("digits".equals(s.content()) && ctx.dataCache() != null && Files.isRegularFile(DataCache.digitsFile(ctx.dataCache()))) {
      MultimodalData d = MultimodalData.load("digits", ctx.dataCache(), 0, 0, s.seed());
      content = ContentEstimate.of("digits", images(d.train()), images(d.test()), d.patch());
    }
    return new Result(rows, caps, InfoAudit.capacityBits(s.glyphSide() * s.glyphSide(), s.glyphLevels()),
        InfoAudit.capacityBits(s.digitPixels(), s.digitLevels()), glyphReadBits(), content);
  }

  private static List<PixelImage> images(List<CaptionedImage> xs) { return xs.stream().map(CaptionedImage::image).toList(); }
}
