package dev.focus.multimodal;

import dev.focus.data.PixelImage;

/** One training example of the demonstrations: an image and its caption (caption vocabulary only). */
public record CaptionedImage(PixelImage image, String caption) {
  public CaptionedImage {
    if (image == null) throw new IllegalArgumentException("image is null");
    CaptionVocab.encode(caption); // validates every character now, not in the middle of training
  }
}
