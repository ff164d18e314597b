package dev.focus.multimodal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.data.PixelImage;
import dev.focus.position.PositionKind;
import dev.focus.testing.GradCheck;
import dev.focus.train.AdamW;
import dev.focus.train.Trainable;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MultimodalModelTest {
  private static final DiffusionSchedule SCHEDULE = DiffusionSchedule.standard();

  private static PixelImage image(long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    int[] v = new int[16];
    for (int i = 0; i < v.length; i++) v[i] = rng.nextInt(17);
    return new PixelImage(4, 4, 1, 17, v);
  }

  private static MultimodalConfig tinyConfig(String position, double initStd) {
    return MultimodalConfig.builder().hidden(8).layers(1).heads(2).intermediate(8).patchDim(4).timeFeatures(4)
        .position(position).initStd(initStd).build();
  }

  /** One text→image and one image→text sequence, the first image noised at t = 300. */
  private static MultimodalBatch batch(String position, long noiseSeed) {
    return batch(PositionKind.parse(position), noiseSeed);
  }

  private static MultimodalBatch batch(PositionKind position, long noiseSeed) {
    return batch(position, noiseSeed, MultimodalBatch.ImageLoss.MEAN);
  }

  private static MultimodalBatch batch(String position, long noiseSeed, MultimodalBatch.ImageLoss reduction) {
    return batch(PositionKind.parse(position), noiseSeed, reduction);
  }

  private static MultimodalBatch batch(PositionKind position, long noiseSeed, MultimodalBatch.ImageLoss reduction) {
    Packer packer = new Packer(2, 64);
    PackedSequence a = packer.pack(List.of(new DocumentPart.Text("[BOS]ab"), new DocumentPart.Image(image(1), 300),
        new DocumentPart.Text("[EOS]")));
    PackedSequence b = packer.pack(List.of(new DocumentPart.Text("[BOS]"), new DocumentPart.Image(image(2), 0),
        new DocumentPart.Text("cd e[EOS]")));
    List<float[]> noise = new ArrayList<>();
    noise.add(DdimSampler.initialNoise(16, noiseSeed));
    noise.add(null);
    return MultimodalBatch.of(List.of(a, b), noise, SCHEDULE, position.scheme(), NoisePredictor.Target.EPS, reduction);
  }

  @Test
  void gradientsMatchFiniteDifferencesForBothLosses() {
    for (String position : new String[] {"rope-tv", "flat", "rope-2d"}) {
      MultimodalModel model = new MultimodalModel(tinyConfig(position, 0.4), 3);
      MultimodalBatch b = batch(model.position(), 5);
      model.zeroGrad();
      MultimodalModel.Loss loss = model.forwardBackward(b);
      assertTrue(loss.text() > 0 && loss.image() > 0, "both losses are active: " + loss);
      for (Trainable.Param p : model.params()) {
        float[] analytic = p.grad().clone();
        GradCheck.check(position + " " + p.name(), p.value(), analytic, () -> model.loss(b).total(), 1e-2f, 2e-3, 5e-2);
      }
    }
  }

  @Test
  void tokensBeforeAnImageNeverSeeItButPatchesSeeEachOther() {
    MultimodalModel model = new MultimodalModel(tinyConfig("rope-tv", 0.3), 4);
    MultimodalBatch base = batch(model.position(), 5);
    MultimodalBatch other = batch(model.position(), 6); // same text, different noise on image 0
    float[] x = model.outputs(base).logits(), y = model.outputs(other).logits();
    int v = CaptionVocab.size();
    // Sequence 0: [BOS] a b [IMG] p×4 [/IMG] [EOS]; image rows 4..7.
    for (int r = 0; r < 4; r++) {
      for (int j = 0; j < v; j++) assertEquals(x[r * v + j], y[r * v + j], 0f, "row " + r + " precedes the image");
    }
    float[] px = model.outputs(base).imageHead(), py = model.outputs(other).imageHead();
    int d = 4;
    boolean patchesChanged = false, textAfterChanged = false;
    for (int r = 4; r < 8; r++) for (int e = 0; e < d; e++) patchesChanged |= px[r * d + e] != py[r * d + e];
    for (int j = 0; j < v; j++) textAfterChanged |= x[8 * v + j] != y[8 * v + j];
    assertTrue(patchesChanged && textAfterChanged);
  }

  @Test
  void aCausalImageBlockHidesLaterPatchesFromEarlierOnes() {
    // Sequence 1: [BOS] [IMG] p×4 [/IMG] c d ␣ e [EOS]; its patches are rows 2..5 of the second sequence.
    for (boolean causal : new boolean[] {false, true}) {
      MultimodalModel model = new MultimodalModel(tinyConfig("rope-tv", 0.3).withCausalImages(causal), 4);
      MultimodalBatch base = batch(model.position(), 5), changed = batch(model.position(), 5);
      int d = 4, s = base.seqLen(), lastPatch = changed.patchRow[s + 5];
      changed.patchInput[lastPatch * d] += 0.5f; // perturb the last patch of the clean image
      float[] x = model.outputs(base).imageHead(), y = model.outputs(changed).imageHead();
      boolean firstPatchChanged = false;
      for (int e = 0; e < d; e++) firstPatchChanged |= x[(s + 2) * d + e] != y[(s + 2) * d + e];
      assertEquals(!causal, firstPatchChanged, (causal ? "causal" : "hybrid") + ": the first patch sees the last one only in the hybrid mask");
    }
  }

  @Test
  void patchFiltersPoolBlocksAndSnapToCentroids() {
    // 2×2 patches of one channel, pooled by 2: each patch becomes its mean
    float[] p = {0, 1, 2, 3, -1, -1, 1, 1};
    assertArrayEquals(new float[] {1.5f, 1.5f, 1.5f, 1.5f, 0, 0, 0, 0}, PatchFilter.averagePool(2, 1, 2).apply(p), 0f);
    assertEquals(0f, p[0], 0f, "the input is left unchanged");
    // RGB 2×2 patch: channels are pooled separately
    float[] rgb = {0, 10, 20, 2, 12, 22, 4, 14, 24, 6, 16, 26};
    float[] pooled = PatchFilter.averagePool(2, 3, 2).apply(rgb);
    assertEquals(3f, pooled[0], 0f);
    assertEquals(13f, pooled[4], 0f);
    assertEquals(23f, pooled[11], 0f);
    assertThrows(IllegalArgumentException.class, () -> PatchFilter.averagePool(2, 1, 3));
    // centroids: every patch becomes the centroid of its code
    float[] points = {0, 0, 0, 0, 0.1f, 0, 0, 0, 1, 1, 1, 1, 0.9f, 1, 1, 1};
    KMeansTokenizer vq = KMeansTokenizer.fit(points, 4, 4, 2, 1, 50);
    float[] snapped = PatchFilter.centroids(vq).apply(points);
    assertArrayEquals(vq.decode(vq.encode(points)), snapped, 0f);
    assertEquals(0.05f, snapped[0], 1e-6f);
    assertEquals("centroids-2", PatchFilter.centroids(vq).name());
  }

  @Test
  void shortTrainingOnAFixedBatchCutsBothLosses() {
    MultimodalConfig cfg = MultimodalConfig.builder().hidden(32).layers(2).heads(4).intermediate(64).timeFeatures(16)
        .initStd(0.05).build();
    MultimodalModel model = new MultimodalModel(cfg, 7);
    MultimodalBatch b = batch(model.position(), 9);
    MultimodalModel.Loss before = model.loss(b);
    AdamW opt = new AdamW(model.params(), 0.9, 0.99, 1e-8, 0.0);
    for (int step = 0; step < 300; step++) {
      model.zeroGrad();
      model.forwardBackward(b);
      opt.step(3e-3);
    }
    MultimodalModel.Loss after = model.loss(b);
    assertTrue(after.text() < 0.7 * before.text(), "CE " + before.text() + " -> " + after.text());
    assertTrue(after.image() < 0.7 * before.image(), "diffusion " + before.image() + " -> " + after.image());
  }

  @Test
  void sumPerImageScalesTheMeanByTheImageSize() {
    MultimodalModel model = new MultimodalModel(tinyConfig("rope-tv", 0.3), 4);
    double mean = model.loss(batch("rope-tv", 5)).image();
    double sum = model.loss(batch("rope-tv", 5, MultimodalBatch.ImageLoss.SUM_PER_IMAGE)).image();
    assertEquals(16 * mean, sum, 1e-9 * sum, "one 4x4 image of N·D = 4·4 values");
  }

  @Test
  void rope2dPutsPatchesOnTheirGridAndTextOnItsFlatIndex() {
    MultimodalModel model = new MultimodalModel(tinyConfig("rope-2d", 0.3), 4);
    MultimodalBatch b = batch("rope-2d", 5);
    // Sequence 0: [BOS] a b [IMG] p00 p01 p10 p11 [/IMG] [EOS]
    assertEquals(List.of(2.0, 2.0), List.of(b.coords[2][0], b.coords[2][1]));
    assertEquals(List.of(1.0, 0.0), List.of(b.coords[6][0], b.coords[6][1]));
    assertEquals(List.of(8.0, 8.0), List.of(b.coords[8][0], b.coords[8][1]));
    assertTrue(model.loss(b).total() > 0);
  }

  @Test
  void badShapesAreRejected() {
    MultimodalModel model = new MultimodalModel(tinyConfig("rope-tv", 0.02), 1);
    PackedSequence glyph = new Packer(4, 64).pack(List.of(new DocumentPart.Text("[BOS]"),
        new DocumentPart.Image(new PixelImage(4, 4, 1, 17, new int[16]), 0)));
    MultimodalBatch b = MultimodalBatch.of(List.of(glyph), null, SCHEDULE, model.scheme(), NoisePredictor.Target.EPS);
    var e = assertThrows(IllegalArgumentException.class, () -> model.loss(b));
    assertTrue(e.getMessage().contains("patch dimension 16"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> tinyConfig("rope-tv-3d", 0.02));
    assertThrows(IllegalArgumentException.class, () -> tinyConfig("bogus", 0.02));
    assertThrows(IllegalArgumentException.class, () -> tinyConfig("nope", 0.02));
    assertNotEquals(0, MultimodalConfig.mropeSections(8)[0]);
  }
}
