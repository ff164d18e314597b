package dev.focus.multimodal;

import dev.focus.data.PixelImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Packs an interleaved document into a {@link PackedSequence} (spec 02 §3.4): each image becomes
 * [IMG] p_1 … p_N [/IMG] with N = (H/P)(W/P) raw patches; text is encoded with {@link CaptionVocab}.
 *
 * <p>Targets: a text token predicts the next token when that token is text (so the last caption
 * token predicts [IMG], and [/IMG] predicts what follows the image); [IMG], every patch and the last
 * token get IGNORE. No text target therefore depends on a noised image except the one after [/IMG].
 */
public final class Packer {
  private final int patch;
  private final int maxLength;

  /** @param patch the patch side P; @param maxLength the model's context (S must not exceed it) */
  public Packer(int patch, int maxLength) {
    if (patch < 1) throw new IllegalArgumentException("patch=" + patch + " must be >= 1");
    if (maxLength < 1) throw new IllegalArgumentException("maxLength=" + maxLength + " must be >= 1");
    this.patch = patch;
    this.maxLength = maxLength;
  }

  public PackedSequence pack(List<DocumentPart> segments) {
    List<Integer> tokens = new ArrayList<>();
    List<Integer> imageIds = new ArrayList<>();
    List<Integer> patchRows = new ArrayList<>();
    List<float[]> patchBlocks = new ArrayList<>();
    List<Integer> times = new ArrayList<>();
    List<int[]> spans = new ArrayList<>();
    List<int[]> grids = new ArrayList<>();
    int patchDim = -1, rows = 0;
    for (DocumentPart s : segments) {
      if (s instanceof DocumentPart.Text t) {
        for (int id : CaptionVocab.encode(t.text())) {
          tokens.add(id);
          imageIds.add(-1);
          patchRows.add(-1);
        }
      } else if (s instanceof DocumentPart.Image im) {
        PixelImage img = im.image();
        int n = Patchify.patchCount(img.height(), img.width(), patch);
        int d = Patchify.patchDim(patch, img.channels());
        if (patchDim >= 0 && d != patchDim) {
          throw new IllegalArgumentException("image " + img + " has patch dimension " + d + " but earlier images have " + patchDim);
        }
        patchDim = d;
        float[] p = Patchify.patchify(PixelCodec.encode(img), img.height(), img.width(), img.channels(), patch);
        int id = times.size();
        tokens.add(CaptionVocab.IMG);
        imageIds.add(-1);
        patchRows.add(-1);
        int start = tokens.size();
        for (int k = 0; k < n; k++) {
          tokens.add(-1);
          imageIds.add(id);
          patchRows.add(rows + k);
        }
        spans.add(new int[] {start, start + n});
        grids.add(new int[] {img.height() / patch, img.width() / patch});
        tokens.add(CaptionVocab.IMG_END);
        imageIds.add(-1);
        patchRows.add(-1);
        patchBlocks.add(p);
        times.add(im.time());
        rows += n;
      }
    }
    int s = tokens.size();
    if (s == 0) throw new IllegalArgumentException("empty document: no text and no images");
    if (s > maxLength) {
      throw new IllegalArgumentException("packed length " + s + " exceeds the model context " + maxLength);
    }
    float[] patches = new float[Math.max(0, rows * Math.max(patchDim, 0))];
    int off = 0;
    for (float[] p : patchBlocks) {
      System.arraycopy(p, 0, patches, off, p.length);
      off += p.length;
    }
    int[] tok = toArray(tokens), img = toArray(imageIds);
    int[] targets = new int[s];
    for (int i = 0; i < s; i++) {
      boolean textHere = img[i] < 0 && tok[i] != CaptionVocab.IMG;
      boolean textNext = i + 1 < s && img[i + 1] < 0;
      targets[i] = textHere && textNext ? tok[i + 1] : PackedSequence.IGNORE;
    }
    return new PackedSequence(tok, patches, Math.max(patchDim, 0), img, toArray(patchRows), toArray(times),
        spans.toArray(new int[0][]), grids.toArray(new int[0][]), targets);
  }

  private static int[] toArray(List<Integer> xs) {
    int[] a = new int[xs.size()];
    for (int i = 0; i < a.length; i++) a[i] = xs.get(i);
    return a;
  }
}
