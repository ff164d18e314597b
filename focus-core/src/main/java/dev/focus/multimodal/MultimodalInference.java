package dev.focus.multimodal;

import dev.focus.data.PixelImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Captioning and generation with a {@link MultimodalModel} (spec 02 §3.9). Text is decoded greedily
 * with a full forward pass per token (sequences are a few dozen tokens); when the model emits [IMG]
 * (or the caller forces it) all patches of the image are denoised in parallel by DDIM, the clean
 * image is appended as context with [/IMG], and text continues.
 */
public final class MultimodalInference {
  private final MultimodalModel model;
  private final int patch, channels, levels;

  public MultimodalInference(MultimodalModel model, int patch, int channels, int levels) {
    this.model = model;
    this.patch = patch;
    this.channels = channels;
    this.levels = levels;
    if (Patchify.patchDim(patch, channels) != model.config().patchDim()) {
      throw new IllegalArgumentException("patch " + patch + " with " + channels + " channels gives D="
          + Patchify.patchDim(patch, channels) + " but the model has D=" + model.config().patchDim());
    }
  }

  /** The caption the model writes after seeing {@code image}: [BOS] [IMG] patches [/IMG] → text until [EOS]. */
  public String caption(PixelImage image, int maxTokens) {
    return caption(image, maxTokens, null);
  }

  /** As {@link #caption(PixelImage, int)}, for the VQ arm with its tokenizer. */
  public String caption(PixelImage image, int maxTokens, KMeansTokenizer vq) {
    return caption(image, maxTokens, vq, null);
  }

  /** As {@link #caption(PixelImage, int, KMeansTokenizer)}, the image passed through {@code filter} (null: raw). */
  public String caption(PixelImage image, int maxTokens, KMeansTokenizer vq, PatchFilter filter) {
    List<DocumentPart> doc = new ArrayList<>(List.of(new DocumentPart.Text("[BOS]"), new DocumentPart.Image(image, 0)));
    return continueText(doc, "", maxTokens, vq, filter, CaptionVocab.EOS, 0);
  }

  /** Result of {@link #generate}: the text before the image, the image, and the model's text after it. */
  public record Generation(String textBefore, PixelImage image, String textAfter) {}

  /**
   * Generates from a caption prompt: text until [IMG] (forced when the model ends the text instead),
   * then an H×W image by DDIM with {@code steps} steps from noise of {@code seed}, then text after it.
   */
  public Generation generate(String prompt, int height, int width, int steps, long seed, int maxTokens) {
    Patchify.patchCount(height, width, patch); // validates the size before any model call
    if (height * width / (patch * patch) + prompt.length() + 4 > model.config().context()) {
      throw new IllegalArgumentException("an image of " + height + "x" + width + " does not fit the model context "
          + model.config().context());
    }
    CaptionVocab.encode(prompt);
    List<DocumentPart> doc = new ArrayList<>(List.of(new DocumentPart.Text("[BOS]" + prompt)));
    int n0 = Patchify.patchCount(height, width, patch);
    String before = prompt + continueText(doc, "", maxTokens, null, null, CaptionVocab.IMG, n0 + 2); // room for the image
    doc = new ArrayList<>(List.of(new DocumentPart.Text("[BOS]" + before)));
    PixelImage blank = new PixelImage(height, width, channels, levels, new int[height * width * channels]);
    Packer packer = new Packer(patch, model.config().context());
    PackedSequence seq = packer.pack(List.of(doc.get(0), new DocumentPart.Image(blank, 0)));
    int n = seq.patches().length;
    int span0 = seq.spans()[0][0];
    int d = model.config().patchDim();
    NoisePredictor predictor = (xt, t) -> {
      float[] head = model.outputs(MultimodalBatch.forSampling(seq, xt, t, model.scheme())).imageHead();
      float[] out = new float[n];
      System.arraycopy(head, span0 * d, out, 0, n);
      return out;
    };
    DdimSampler sampler = new DdimSampler(DiffusionSchedule.standard(), model.config().target(), true);
    float[] x = sampler.ddim(predictor, DdimSampler.initialNoise(n, seed), steps);
    float[] pixels = Patchify.unpatchify(x, height, width, channels, patch);
    PixelImage image = PixelCodec.decode(pixels, height, width, channels, levels);
    List<DocumentPart> after = new ArrayList<>(List.of(doc.get(0), new DocumentPart.Image(image, 0)));
    String textAfter = continueText(after, "", maxTokens, null, null, CaptionVocab.EOS, 0);
    return new Generation(before, image, textAfter);
  }

  /**
   * Greedy decoding after {@code doc} until {@code stop} (not included) or {@code maxTokens}; an [IMG]
   * or [EOS] other than {@code stop} also ends the text, and so does the context, less {@code reserve}
   * tokens kept free for what follows.
   */
  private String continueText(List<DocumentPart> doc, String sofar, int maxTokens, KMeansTokenizer vq, PatchFilter filter, int stop,
                              int reserve) {
    Packer packer = new Packer(patch, model.config().context());
    StringBuilder out = new StringBuilder(sofar);
    int v = model.config().vocab();
    int room = model.config().context() - reserve - packer.pack(doc).length();
    for (int step = 0; step < Math.min(maxTokens, room); step++) {
      List<DocumentPart> segs = new ArrayList<>(doc);
      if (out.length() > 0) segs.add(new DocumentPart.Text(out.toString()));
      PackedSequence seq = packer.pack(segs);
      MultimodalBatch b = MultimodalBatch.of(List.of(seq), null, DiffusionSchedule.standard(), model.scheme(),
          model.config().target(), MultimodalBatch.ImageLoss.MEAN);
      if (vq != null) b.withCodes(vq);
      else b.withFilter(filter);
      float[] logits = model.outputs(b).logits();
      int row = seq.length() - 1, best = 0;
      for (int j = 1; j < v; j++) if (logits[row * v + j] > logits[row * v + best]) best = j;
      if (best == stop || best == CaptionVocab.EOS || best == CaptionVocab.IMG || best == CaptionVocab.PAD
          || best == CaptionVocab.BOS || best == CaptionVocab.IMG_END) {
        break;
      }
      out.append(CaptionVocab.token(best));
    }
    return out.toString();
  }
}
