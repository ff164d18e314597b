package dev.focus.multimodal;

import dev.focus.data.PixelImage;

/**
 * One piece of an interleaved document: text (characters and bracketed specials) or an image. (A
 * position layout is made of {@code dev.focus.position.Segment}s: token counts and patch grids.)
 */
public sealed interface DocumentPart permits DocumentPart.Text, DocumentPart.Image {

  /** Text such as "[BOS]digit seven"; encoded with {@link CaptionVocab}. */
  record Text(String text) implements DocumentPart {
    public Text {
      if (text == null) throw new IllegalArgumentException("text segment is null");
    }
  }

  /**
   * An image at diffusion time t ∈ {0..T} (0 = clean context). The packer wraps it in [IMG] … [/IMG].
   */
  record Image(PixelImage image, int time) implements DocumentPart {
    public Image {
      if (image == null) throw new IllegalArgumentException("image segment is null");
      if (time < 0) throw new IllegalArgumentException("diffusion time t=" + time + " must be >= 0");
    }
  }
}
