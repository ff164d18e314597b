package dev.focus.multimodal;

import dev.focus.data.PixelImage;
import dev.focus.train.TrainConfig;
import dev.focus.train.TrainTask;
import dev.focus.train.Trainable;
import dev.focus.train.Trainer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Trains a {@link MultimodalModel} on captioned images (spec 02 §4.2) through the one training loop
 * ({@link Trainer}): this class is the task, the batch of each step and the model's pass on it. Each
 * batch is half text→image (the image noised at t ~ U{1..T}, diffusion loss) and half image→text
 * (clean image, caption loss). The VQ arm trains image→text only, since the article's argument is about
 * input fidelity ({@link #captionOnly} trains a lossless arm the same way). The batch of step s depends
 * only on (seed, s), so an interrupted run resumes exactly.
 *
 * <p>With a run directory the loop writes metrics.jsonl (loss, text_loss, image_loss, …) and
 * checkpoint/ (model.safetensors + config.json in the format of {@link MultimodalCheckpoint}, AdamW's
 * state, trainer.json), replaced atomically.
 */
public final class MultimodalTrainer implements TrainTask<MultimodalBatch> {
  /** One step's numbers, for progress bars. */
  public record StepInfo(long step, long steps, double loss, double textLoss, double imageLoss, double lr, double secondsPerStep) {}

  private final MultimodalModel model;
  private final List<CaptionedImage> train;
  private final TrainConfig cfg;
  private final int patch;
  private final KMeansTokenizer vq;
  private final MultimodalCheckpoint.Geometry geometry;
  private final DiffusionSchedule diffusion = DiffusionSchedule.standard();
  private final Trainer<MultimodalBatch> loop;
  private boolean captionOnly;
  private PatchFilter filter;
  private MultimodalBatch.ImageLoss imageLoss = MultimodalBatch.ImageLoss.MEAN;

  /**
   * The settings of the lab's multimodal runs: batch 32, lr 2e-3 → 2e-4, warmup min(100, steps/10),
   * weight decay 0.01, clip 1, a checkpoint only at the end.
   */
  public static TrainConfig defaults(int steps, long seed) {
    return TrainConfig.defaults(steps).toBuilder().batchSize(32).lr(2e-3).minLr(2e-4).weightDecay(0.01).seed(seed)
        .checkpointEvery(0).build();
  }

  /**
   * @param vq the codebook of the VQ arm (required when the model has vqCodes > 0, else null)
   * @param runDir where metrics and checkpoints go, or null for none
   */
  public MultimodalTrainer(MultimodalModel model, List<CaptionedImage> train, int patch, KMeansTokenizer vq, TrainConfig cfg,
                           Path runDir) {
    this(model, train, patch, vq, cfg, runDir, "images");
  }

  /** As above, naming the data set in the checkpoint's geometry. */
  public MultimodalTrainer(MultimodalModel model, List<CaptionedImage> train, int patch, KMeansTokenizer vq, TrainConfig cfg,
                           Path runDir, String dataName) {
    if (train.isEmpty()) throw new IllegalArgumentException("no training images");
    if (model.config().lossless() != (vq == null)) {
      throw new IllegalArgumentException("a VQ model needs its codebook and a lossless model none");
    }
    if (cfg.batchSize() < 2 || cfg.batchSize() % 2 != 0) {
      throw new IllegalArgumentException("batch=" + cfg.batchSize() + " must be even and >= 2 for multimodal training");
    }
    if (cfg.accumulation() != 1) throw new IllegalArgumentException("accumulation=" + cfg.accumulation() + " must be 1 for multimodal training");
    this.model = model;
    this.train = List.copyOf(train);
    this.patch = patch;
    this.vq = vq;
    this.cfg = cfg;
    PixelImage first = train.get(0).image();
    this.geometry = new MultimodalCheckpoint.Geometry(dataName, patch, first.height(), first.width(), first.channels(), first.levels());
    this.loop = new Trainer<>(this, cfg, runDir);
  }

  /** Chooses the per-image reduction of the diffusion loss (MEAN by default; SUM_PER_IMAGE is the author's). */
  public MultimodalTrainer withImageLoss(MultimodalBatch.ImageLoss reduction) {
    this.imageLoss = reduction;
    return this;
  }

  /** Trains image→text only (the VQ comparison's task) also for a lossless model. */
  public MultimodalTrainer captionOnly() {
    this.captionOnly = true;
    return this;
  }

  /**
   * Feeds clean images through {@code filter} before the patch projection (a lossy input arm of the
   * lab's comparison through the lossless interface); null for raw patches.
   */
  public MultimodalTrainer withInputFilter(PatchFilter filter) {
    this.filter = filter;
    return this;
  }

  /** The input filter, or null for raw patches. */
  public PatchFilter inputFilter() { return filter; }

  public MultimodalModel model() { return model; }

  /** The loop this task runs in. */
  public Trainer<MultimodalBatch> loop() { return loop; }

  public long step() { return loop.step(); }

  /** Stops after the current step (a Ctrl-C hook calls this); the run then saves a checkpoint. */
  public void requestStop() { loop.requestStop(); }

  /** Loads checkpoint/ if present; returns whether it did. */
  public boolean resume() throws IOException { return loop.resume(); }

  /** Trains to the configured steps (or a stop request), calling {@code onStep} after each step. */
  public void run(java.util.function.Consumer<StepInfo> onStep) throws IOException {
    loop.run(onStep == null ? null : p -> onStep.accept(new StepInfo(p.step(), p.totalSteps(), p.loss(), p.parts().get("text_loss"),
        p.parts().get("image_loss"), p.lr(), p.elapsedSeconds() / Math.max(1, p.step()))));
  }

  // ---- the task -------------------------------------------------------------------------------------

  @Override public List<Trainable.Param> params() { return model.params(); }

  @Override public void zeroGrad() { model.zeroGrad(); }

  /** The batch of step {@code step}: deterministic in (seed, step). */
  @Override
  public MultimodalBatch batch(long step) {
    SplittableRandom rng = new SplittableRandom(cfg.seed() * 1_000_003L + step);
    Packer packer = new Packer(patch, model.config().context());
    List<PackedSequence> seqs = new ArrayList<>();
    List<float[]> noise = new ArrayList<>();
    for (int i = 0; i < cfg.batchSize(); i++) {
      CaptionedImage ex = train.get(rng.nextInt(train.size()));
      boolean textToImage = vq == null && !captionOnly && i % 2 == 0;
      if (textToImage) {
        int t = 1 + rng.nextInt(diffusion.steps());
        PackedSequence q = packer.pack(List.of(new DocumentPart.Text("[BOS]" + ex.caption()), new DocumentPart.Image(ex.image(), t),
            new DocumentPart.Text("[EOS]")));
        seqs.add(q);
        noise.add(DdimSampler.initialNoise(q.patches().length, rng.nextLong()));
      } else {
        seqs.add(packer.pack(List.of(new DocumentPart.Text("[BOS]"), new DocumentPart.Image(ex.image(), 0),
            new DocumentPart.Text(ex.caption() + "[EOS]"))));
        noise.add(null);
      }
    }
    MultimodalBatch b = MultimodalBatch.of(seqs, noise, diffusion, model.scheme(), model.config().target(), imageLoss);
    return vq == null ? b.withFilter(filter) : b.withCodes(vq);
  }

  @Override
  public Loss forwardBackward(MultimodalBatch b) {
    MultimodalModel.Loss l = model.forwardBackward(b);
    Map<String, Double> parts = new LinkedHashMap<>();
    parts.put("text_loss", l.text());
    parts.put("image_loss", l.image());
    return new Loss(l.total(), parts);
  }

  @Override public long tokens(MultimodalBatch b) { return (long) b.batch() * b.seqLen(); }

  /** The model's configuration, the data and the task's options: what a resumed run must match. */
  @Override
  public Map<String, String> identity() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("data", geometry.data());
    for (Map.Entry<String, Object> e : MultimodalCheckpoint.describe(model.config()).entrySet()) m.put(e.getKey(), String.valueOf(e.getValue()));
    m.put("captionOnly", Boolean.toString(captionOnly));
    m.put("imageLoss", imageLoss.name());
    if (filter != null) m.put("inputFilter", filter.name()); // absent for raw patches, as before filters existed
    return m;
  }

  @Override public void save(Path dir) throws IOException { MultimodalCheckpoint.writeInto(dir, model, geometry); }

  @Override
  public void load(Path dir) {
    MultimodalModel saved = MultimodalCheckpoint.load(dir).model();
    if (!saved.config().equals(model.config())) {
      throw new IllegalArgumentException(dir + " holds a model of another configuration: " + saved.config());
    }
    for (int i = 0; i < model.params().size(); i++) {
      float[] src = saved.params().get(i).value();
      System.arraycopy(src, 0, model.params().get(i).value(), 0, src.length);
    }
  }

  /** Held-out caption exact-match accuracy over {@code test} (greedy decoding). */
  public static double captionAccuracy(MultimodalModel model, List<CaptionedImage> test, int patch, KMeansTokenizer vq) {
    return captionAccuracy(model, test, patch, vq, null);
  }

  /** As above, with the clean images passed through {@code filter} (null: raw patches). */
  public static double captionAccuracy(MultimodalModel model, List<CaptionedImage> test, int patch, KMeansTokenizer vq,
                                       PatchFilter filter) {
    if (test.isEmpty()) return Double.NaN;
    CaptionedImage first = test.get(0);
    MultimodalInference inf = new MultimodalInference(model, patch, first.image().channels(), first.image().levels());
    int right = 0;
    for (CaptionedImage ex : test) {
      if (inf.caption(ex.image(), ex.caption().length() + 2, vq, filter).equals(ex.caption())) right++;
    }
    return (double) right / test.size();
  }
}
