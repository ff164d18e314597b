package dev.focus.lab.lossless;

import dev.focus.lab.run.LabContext;
import dev.focus.lab.run.Section;
import dev.focus.multimodal.InfoAudit;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Spec 02 §2: the bits a lossless discrete tokenizer would have to carry. An H×W×C image at b bits
 * per sub-pixel holds HWCb bits; L tokens over a vocabulary V carry at most L log₂ V, so
 * log₂ V_min = HWCb / L. Closed forms only (no training).
 */
public final class InformationAudit implements Section<InformationAudit.Settings, InformationAudit.Result> {
  /** An image size and bit depth, tokenized into {@code length} tokens. */
  public record ImageCase(int height, int width, int channels, double bitsPerSubpixel, int length) implements Serializable {}

  /**
   * The audited images, and the demonstration tokenizers: {@code tokens} codes over each codebook
   * size, against a binary glyph and a digit of {@code digitLevels} grey levels.
   */
  public record Settings(List<ImageCase> images, int tokens, List<Integer> codebooks, int glyphSide, int digitPixels,
                         int digitLevels) implements Serializable {
    public Settings {
      images = List.copyOf(images);
      codebooks = List.copyOf(codebooks);
    }
  }

  /** One audited image: its bits, log₂ V_min and V_min in decimal (null above 2^64, where only the exponent is shown). */
  public record AuditRow(ImageCase image, double bits, double log2MinVocab, String minVocab) implements Serializable {}

  /** Capacity {@code tokens · log₂ K} of a demonstration codebook. */
  public record Capacity(int codebook, int tokens, double bits) implements Serializable {}

  public record Result(List<AuditRow> rows, List<Capacity> capacities, double glyphBits, double digitBits)
      implements Serializable {}

  /** The four images of spec 02 §2 and the demonstrations' 16-token codebooks. */
  public static Settings spec(List<Integer> codebooks) {
    return new Settings(List.of(new ImageCase(64, 64, 3, 3, 1024), new ImageCase(64, 64, 3, 3, 256),
        new ImageCase(64, 64, 3, 3.44, 1024), new ImageCase(256, 256, 3, 3, 256)), 16, codebooks, 16, 64, 17);
  }

  @Override
  public Result run(Settings s, LabContext ctx) {
    List<AuditRow> rows = new ArrayList<>();
    for (ImageCase c : s.images()) {
      double bits = InfoAudit.imageBits(c.height(), c.width(), c.channels(), c.bitsPerSubpixel());
      double log2 = InfoAudit.minLog2Vocab(bits, c.length());
      rows.add(new AuditRow(c, bits, log2, log2 <= 64 ? InfoAudit.minVocab(bits, c.length()).toString() : null));
    }
    List<Capacity> caps = new ArrayList<>();
    for (int k : s.codebooks()) caps.add(new Capacity(k, s.tokens(), InfoAudit.capacityBits(s.tokens(), k)));
    return new Result(rows, caps, (double) s.glyphSide() * s.glyphSide(), InfoAudit.capacityBits(s.digitPixels(), s.digitLevels()));
  }
}
