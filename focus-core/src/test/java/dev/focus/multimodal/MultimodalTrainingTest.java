package dev.focus.multimodal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.data.PixelImage;
import dev.focus.train.TrainConfig;
import dev.focus.train.Trainable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MultimodalTrainingTest {
  private static PixelImage image(long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    int[] v = new int[16];
    for (int i = 0; i < v.length; i++) v[i] = rng.nextInt(17);
    return new PixelImage(4, 4, 1, 17, v);
  }

  private static MultimodalConfig config() {
    return MultimodalConfig.builder().hidden(32).layers(2).heads(2).intermediate(64).timeFeatures(16).context(48).initStd(0.05)
        .build();
  }

  private static TrainConfig settings(int steps, int batch, double lr, double minLr, int warmup, long seed) {
    return TrainConfig.defaults(steps).toBuilder().batchSize(batch).lr(lr).minLr(minLr).warmup(warmup).weightDecay(0).seed(seed)
        .checkpointEvery(0).build();
  }

  @Test
  void memorisesOnePairInBothDirections() throws Exception {
    CaptionedImage pair = new CaptionedImage(image(3), "ab");
    // x₀-prediction (spec 02 §3.3 allows either target): one pair is memorised in a few hundred steps.
    MultimodalModel model = new MultimodalModel(config().withTarget(NoisePredictor.Target.X0), 1);
    var settings = settings(500, 8, 3e-3, 3e-4, 20, 2);
    new MultimodalTrainer(model, List.of(pair), 2, null, settings, null).run(null);
    MultimodalInference inf = new MultimodalInference(model, 2, 1, 17);
    assertEquals("ab", inf.caption(pair.image(), 4), "image→text returns the caption");
    MultimodalInference.Generation g = inf.generate("ab", 4, 4, 20, 11, 4);
    assertEquals("ab", g.textBefore(), "the caption-only prompt is followed by [IMG]");
    float[] want = PixelCodec.encode(pair.image()), got = PixelCodec.encode(g.image());
    double mse = 0;
    for (int i = 0; i < want.length; i++) mse += (want[i] - got[i]) * (want[i] - got[i]);
    mse /= want.length;
    assertTrue(mse < 0.01, "text→image MSE " + mse);
  }

  @Test
  void resumeContinuesExactlyWhereItStopped(@TempDir Path dir) throws Exception {
    List<CaptionedImage> data = List.of(new CaptionedImage(image(1), "a"), new CaptionedImage(image(2), "b"));
    var settings = settings(6, 4, 1e-3, 1e-4, 2, 5);
    MultimodalModel straight = new MultimodalModel(config(), 9);
    new MultimodalTrainer(straight, data, 2, null, settings, dir.resolve("a")).run(null);

    MultimodalModel first = new MultimodalModel(config(), 9);
    MultimodalTrainer t1 = new MultimodalTrainer(first, data, 2, null, settings, dir.resolve("b"));
    t1.run(info -> { if (info.step() == 3) t1.requestStop(); });
    assertEquals(3, t1.step());
    MultimodalModel second = new MultimodalModel(config(), 123); // different init: all state comes from the checkpoint
    MultimodalTrainer t2 = new MultimodalTrainer(second, data, 2, null, settings, dir.resolve("b"));
    assertTrue(t2.resume());
    t2.run(null);
    for (int i = 0; i < straight.params().size(); i++) {
      Trainable.Param a = straight.params().get(i), b = second.params().get(i);
      assertArrayEquals(a.value(), b.value(), 1e-6f, a.name());
    }
    assertEquals(6, Files.readAllLines(dir.resolve("b/metrics.jsonl")).size());
  }

  @Test
  void vqArmTrainsOnCodesAndCaptions() throws Exception {
    List<CaptionedImage> data = List.of(new CaptionedImage(image(1), "a"), new CaptionedImage(image(2), "b"));
    float[] pts = new float[0];
    for (CaptionedImage ex : data) {
      float[] p = Patchify.patchify(PixelCodec.encode(ex.image()), 4, 4, 1, 2);
      float[] joined = new float[pts.length + p.length];
      System.arraycopy(pts, 0, joined, 0, pts.length);
      System.arraycopy(p, 0, joined, pts.length, p.length);
      pts = joined;
    }
    KMeansTokenizer vq = KMeansTokenizer.fit(pts, pts.length / 4, 4, 4, 1, 50);
    MultimodalModel model = new MultimodalModel(config().withVqCodes(4), 2);
    new MultimodalTrainer(model, data, 2, vq, settings(150, 4, 3e-3, 3e-4, 10, 1), null).run(null);
    assertEquals(1.0, MultimodalTrainer.captionAccuracy(model, data, 2, vq), 0.0);
  }
}
