package dev.focus.multimodal;

import dev.focus.train.AdamW;
import dev.focus.train.CheckpointSwap;
import dev.focus.train.GradClip;
import dev.focus.train.LrSchedule;
import dev.focus.train.TensorFile;
import dev.focus.train.Trainable;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Trains a {@link MultimodalModel} on captioned images (spec 02 §4.2): each batch is half
 * text→image (the image noised at t ~ U{1..T}, diffusion loss) and half image→text (clean image,
 * caption loss). The VQ arm trains image→text only, since the article's argument is about input
 * fidelity ({@link Settings#imageToTextOnly()} trains a lossless arm the same way). Batch b of step s depends only on (seed, s), so an interrupted run resumes exactly.
 *
 * <p>The run directory holds metrics.jsonl (one JSON object per step) and checkpoint/ (weights,
 * AdamW state, trainer.json), replaced atomically by renames.
 */
public final class MultimodalTrainer {
  /** Training settings. */
  public record Settings(int steps, int batch, double lr, double minLr, int warmup, double weightDecay, double clip,
                         long seed, int checkpointEvery, boolean captionOnly) {
    public Settings {
      if (steps < 1) throw new IllegalArgumentException("steps=" + steps + " must be >= 1");
      if (batch < 2 || batch % 2 != 0) throw new IllegalArgumentException("batch=" + batch + " must be even and >= 2");
      if (!(lr > 0)) throw new IllegalArgumentException("lr=" + lr + " must be > 0");
      if (warmup < 0) throw new IllegalArgumentException("warmup=" + warmup + " must be >= 0");
    }

    public static Settings quick(int steps, long seed) {
      return new Settings(steps, 32, 2e-3, 2e-4, Math.min(100, steps / 10), 0.01, 1.0, seed, 0, false);
    }

    /** The same settings training image→text only (the VQ comparison's task). */
    public Settings imageToTextOnly() {
      return new Settings(steps, batch, lr, minLr, warmup, weightDecay, clip, seed, checkpointEvery, true);
    }

    public Settings withCheckpointEvery(int every) {
      return new Settings(steps, batch, lr, minLr, warmup, weightDecay, clip, seed, every, captionOnly);
    }
  }

  /** One step's numbers, for progress bars. */
  public record StepInfo(int step, int steps, double loss, double textLoss, double imageLoss, double lr, double secondsPerStep) {}

  private final MultimodalModel model;
  private final List<CaptionedImage> train;
  private final Settings s;
  private final int patch;
  private final KMeansTokenizer vq;
  private final Path runDir;
  private final AdamW opt;
  private final LrSchedule schedule;
  private final DiffusionSchedule diffusion = DiffusionSchedule.standard();
  private int step;
  private volatile boolean stop;
  private MultimodalBatch.ImageLoss imageLoss = MultimodalBatch.ImageLoss.MEAN;

  /** Chooses the per-image reduction of the diffusion loss (MEAN by default; SUM_PER_IMAGE is the author's). */
  public MultimodalTrainer withImageLoss(MultimodalBatch.ImageLoss reduction) {
    this.imageLoss = reduction;
    return this;
  }

  /**
   * @param vq the codebook of the VQ arm (required when the model has vqCodes > 0, else null)
   * @param runDir where metrics and checkpoints go, or null for none
   */
  public MultimodalTrainer(MultimodalModel model, List<CaptionedImage> train, int patch, KMeansTokenizer vq, Settings s,
                           Path runDir) {
    if (train.isEmpty()) throw new IllegalArgumentException("no training images");
    if (model.config().lossless() != (vq == null)) {
      throw new IllegalArgumentException("a VQ model needs its codebook and a lossless model none");
    }
    this.model = model;
    this.train = List.copyOf(train);
    this.patch = patch;
    this.vq = vq;
    this.s = s;
    this.runDir = runDir;
    this.opt = new AdamW(model.params(), 0.9, 0.95, 1e-8, s.weightDecay());
    this.schedule = new LrSchedule(s.lr(), s.minLr(), s.warmup(), s.steps());
  }

  public int step() { return step; }

  /** Stops after the current step (a Ctrl-C hook calls this); the run then saves a checkpoint. */
  public void requestStop() { stop = true; }

  /** The batch of step {@code step}: deterministic in (seed, step). */
  public MultimodalBatch batch(int step) {
    SplittableRandom rng = new SplittableRandom(s.seed() * 1_000_003L + step);
    Packer packer = new Packer(patch, model.config().context());
    List<PackedSequence> seqs = new ArrayList<>();
    List<float[]> noise = new ArrayList<>();
    for (int i = 0; i < s.batch(); i++) {
      CaptionedImage ex = train.get(rng.nextInt(train.size()));
      boolean textToImage = vq == null && !s.captionOnly() && i % 2 == 0;
      if (textToImage) {
        int t = 1 + rng.nextInt(diffusion.steps());
        PackedSequence q = packer.pack(List.of(new Segment.Text("[BOS]" + ex.caption()), new Segment.Image(ex.image(), t),
            new Segment.Text("[EOS]")));
        seqs.add(q);
        noise.add(DdimSampler.initialNoise(q.patches().length, rng.nextLong()));
      } else {
        seqs.add(packer.pack(List.of(new Segment.Text("[BOS]"), new Segment.Image(ex.image(), 0),
            new Segment.Text(ex.caption() + "[EOS]"))));
        noise.add(null);
      }
    }
    MultimodalBatch b = MultimodalBatch.of(seqs, noise, diffusion, model.position(), model.config().target(), imageLoss);
    return vq == null ? b : b.withCodes(vq);
  }

  /** Loads checkpoint/ if present; returns whether it did. */
  public boolean resume() throws IOException {
    if (runDir == null) return false;
    Path dir = runDir.resolve("checkpoint");
    if (!Files.isRegularFile(dir.resolve("trainer.json"))) return false;
    String json = Files.readString(dir.resolve("trainer.json"), StandardCharsets.UTF_8);
    int saved = Integer.parseInt(field(json, "step"));
    if (saved > s.steps()) throw new IllegalArgumentException("checkpoint is at step " + saved + " beyond steps=" + s.steps());
    Map<String, float[]> w = TensorFile.read(dir.resolve("params.bin"));
    for (Trainable.Param p : model.params()) TensorFile.copyInto(w, p.name(), p.value());
    opt.load(dir.resolve("optimizer.bin"));
    step = saved;
    return true;
  }

  /** Trains to {@code steps} (or a stop request), calling {@code onStep} after each step. */
  public void run(java.util.function.Consumer<StepInfo> onStep) throws IOException {
    BufferedWriter metrics = null;
    if (runDir != null) {
      Files.createDirectories(runDir);
      metrics = Files.newBufferedWriter(runDir.resolve("metrics.jsonl"), StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
    try {
      long t0 = System.nanoTime();
      int first = step;
      while (step < s.steps() && !stop) {
        model.zeroGrad();
        MultimodalModel.Loss loss = model.forwardBackward(batch(step));
        GradClip.clip(model.params(), s.clip());
        double lr = schedule.at(step);
        opt.step(lr);
        step++;
        double sps = (System.nanoTime() - t0) / 1e9 / (step - first);
        if (metrics != null) {
          metrics.write(String.format(Locale.ROOT,
              "{\"step\":%d,\"loss\":%.6f,\"text_loss\":%.6f,\"image_loss\":%.6f,\"lr\":%.6g,\"seconds_per_step\":%.4f}",
              step, loss.total(), loss.text(), loss.image(), lr, sps));
          metrics.newLine();
          metrics.flush();
        }
        if (onStep != null) onStep.accept(new StepInfo(step, s.steps(), loss.total(), loss.text(), loss.image(), lr, sps));
        if (runDir != null && s.checkpointEvery() > 0 && step % s.checkpointEvery() == 0) save();
      }
    } finally {
      if (metrics != null) metrics.close();
    }
    if (runDir != null) save();
  }

  /** Writes checkpoint/ and swaps it in ({@link CheckpointSwap}), so a crash leaves the old one intact. */
  public void save() throws IOException {
    Map<String, float[]> w = new LinkedHashMap<>();
    for (Trainable.Param p : model.params()) w.put(p.name(), p.value());
    CheckpointSwap.replace(runDir, tmp -> {
      TensorFile.write(tmp.resolve("params.bin"), w);
      opt.save(tmp.resolve("optimizer.bin"));
      Files.writeString(tmp.resolve("trainer.json"), "{\"format\":\"focus-multimodal-trainer\",\"step\":" + step + "}\n",
          StandardCharsets.UTF_8);
    });
  }

  /** Held-out caption exact-match accuracy over {@code test} (greedy decoding). */
  public static double captionAccuracy(MultimodalModel model, List<CaptionedImage> test, int patch, KMeansTokenizer vq) {
    if (test.isEmpty()) return Double.NaN;
    CaptionedImage first = test.get(0);
    MultimodalInference inf = new MultimodalInference(model, patch, first.image().channels(), first.image().levels());
    int right = 0;
    for (CaptionedImage ex : test) {
      if (inf.caption(ex.image(), ex.caption().length() + 2, vq).equals(ex.caption())) right++;
    }
    return (double) right / test.size();
  }

  private static String field(String json, String key) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"" + key + "\"\\s*:\\s*\"?([^,\"}]*)").matcher(json);
    if (!m.find()) throw new IllegalArgumentException("trainer.json has no field " + key);
    return m.group(1).trim();
  }

}
