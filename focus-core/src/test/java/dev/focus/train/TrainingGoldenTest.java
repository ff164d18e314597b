package dev.focus.train;

import dev.focus.data.SyntheticDataset;
import dev.focus.data.SyntheticTask;
import dev.focus.model.Model;
import dev.focus.model.ModelConfig;
import dev.focus.model.Overrides;
import dev.focus.model.Parameter;
import dev.focus.multimodal.CaptionVocab;
import dev.focus.multimodal.CaptionedImage;
import dev.focus.multimodal.MultimodalConfig;
import dev.focus.multimodal.MultimodalModel;
import dev.focus.multimodal.MultimodalTrainer;
import dev.focus.multimodal.NoisePredictor;
import dev.focus.data.PixelImage;
import dev.focus.testing.GoldenTable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same seed gives the same numbers across versions of Focus: a few steps of training for every
 * attention kind, position scheme and block option, compared bit for bit (the final loss's bits and a
 * SHA-256 of every parameter after training) with a checked-in table written by an earlier version.
 *
 * <p>The table is keyed by kernel mode and vector width ({@link GoldenTable}); to add one for a new
 * width (never to change an existing one), run with {@code -Dfocus.golden.write=DIR} and check it in.
 */
class TrainingGoldenTest {
  @TempDir Path tmp;

  static final SyntheticDataset DATA = new SyntheticDataset(new SyntheticTask.KBack(8, 1, false));
  static final ModelConfig BASE = Overrides.apply(ModelConfig.micro(), List.of("vocab=8", "context=32"));
  static final TrainConfig TC = TrainConfig.defaults(5).withBatch(4, 16).withLr(1e-2, 1e-3, 2);

  /** Name → override list; each is one arm the refactors must keep bit for bit. */
  static Map<String, List<String>> arms() {
    Map<String, List<String>> m = new LinkedHashMap<>();
    m.put("llama", List.of());
    m.put("nope", List.of("position=nope"));
    m.put("learned", List.of("position=learned"));
    m.put("sinusoidal", List.of("position=sinusoidal"));
    m.put("alibi", List.of("position=alibi"));
    m.put("mrope", List.of("position=mrope", "mropeSections=2,1,1"));
    m.put("rope-adjacent", List.of("ropeLayout=adjacent", "ropeTheta=500"));
    m.put("rope-linear-scaling", List.of("ropeScaling=linear:factor=2"));
    m.put("flash", List.of("attention=flash"));
    m.put("flash-alibi-headscale", List.of("attention=flash", "position=alibi", "headScale=true"));
    m.put("softmax-logitscale-headscale", List.of("logitScale=1.5", "headScale=true"));
    m.put("gqa-tied", List.of("kvHeads=2", "tieEmbeddings=true"));
    m.put("layernorm-gelu-bias", List.of("norm=layernorm", "mlp=gelu", "bias=true"));
    m.put("linear-elu", List.of("attention=linear"));
    m.put("linear-elu-chunked", List.of("attention=linear", "linearForm=chunked", "linearChunk=4"));
    m.put("linear-elu-recurrent", List.of("attention=linear", "linearForm=recurrent"));
    m.put("linear-relu-decay", List.of("attention=linear", "linearFeature=relu", "linearDecay=0.9"));
    m.put("linear-identity-nope", List.of("attention=linear", "linearFeature=identity", "position=nope"));
    m.put("linear-relu2-nope", List.of("attention=linear", "linearFeature=relu2", "position=nope"));
    m.put("linear-favor", List.of("attention=linear", "linearFeature=positive_random"));
    m.put("linear-learned", List.of("attention=linear", "position=learned"));
    return m;
  }

  @Test
  void sameSeedGivesTheSameNumbersAsTheCheckedInTable() throws Exception {
    Map<String, String> got = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> arm : arms().entrySet()) {
      ModelConfig cfg = Overrides.apply(BASE, arm.getValue());
      Model model = new Model(cfg, 7);
      Trainer.Result r = Trainer.of(new ModelTrainable(model), DATA, TC, tmp.resolve(arm.getKey())).run(null);
      List<float[]> values = new ArrayList<>();
      List<Parameter> ps = new ArrayList<>(model.parameters());
      ps.sort(Comparator.comparing(Parameter::name));
      for (Parameter p : ps) values.add(p.value());
      got.put(arm.getKey(), GoldenTable.bits(r.lastLoss()) + " " + GoldenTable.digest(values));
    }
    got.put("multimodal-rope-tv", multimodal("rope-tv", 0));
    got.put("multimodal-mrope", multimodal("mrope", 0));
    got.put("multimodal-flat", multimodal("flat", 0));
    got.put("multimodal-vq", multimodal("rope-tv", 5));
    GoldenTable.compare(TrainingGoldenTest.class, "training-golden", "final loss bits, parameter digest", got);
  }

  private String multimodal(String position, int vq) throws Exception {
    List<CaptionedImage> data = List.of(new CaptionedImage(image(1), "a"), new CaptionedImage(image(2), "b"));
    MultimodalConfig cfg = MultimodalConfig.builder().hidden(32).layers(2).heads(2).intermediate(64).vocab(CaptionVocab.size())
        .patchDim(4).timeFeatures(16).position(position).ropeBase(10000.0).target(NoisePredictor.Target.EPS).imageWeight(1.0)
        .context(48).initStd(0.05).vqCodes(vq).build();
    MultimodalModel model = new MultimodalModel(cfg, 9);
    dev.focus.multimodal.KMeansTokenizer codes = null;
    if (vq > 0) {
      // every 2x2 patch of both images (D = 4), the k-means codebook of the VQ arm
      float[] points = new float[2 * 4 * 4];
      for (int i = 0; i < 2; i++) {
        float[] ps = dev.focus.multimodal.Patchify.patchify(dev.focus.multimodal.PixelCodec.encode(data.get(i).image()), 4, 4, 1, 2);
        System.arraycopy(ps, 0, points, i * 16, 16);
      }
      codes = dev.focus.multimodal.KMeansTokenizer.fit(points, 8, 4, vq, 3, 10);
    }
    var settings = TrainConfig.defaults(5).toBuilder().batchSize(4).lr(1e-3).minLr(1e-4).warmup(2).weightDecay(0.0).seed(5)
        .checkpointEvery(0).build();
    new MultimodalTrainer(model, data, 2, codes, settings, null).run(null);
    List<float[]> values = new ArrayList<>();
    List<Trainable.Param> ps = new ArrayList<>(model.params());
    ps.sort(Comparator.comparing(Trainable.Param::name));
    for (Trainable.Param p : ps) values.add(p.value());
    return GoldenTable.digest(values);
  }

  private static PixelImage image(long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    int[] v = new int[16];
    for (int i = 0; i < v.length; i++) v[i] = rng.nextInt(17);
    return new PixelImage(4, 4, 1, 17, v);
  }
}
