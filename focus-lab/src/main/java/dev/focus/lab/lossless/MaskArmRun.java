package dev.focus.lab.lossless;

import dev.focus.lab.run.LabContext;
import dev.focus.lab.run.Section;
import dev.focus.lab.run.Task;
import java.io.IOException;
import java.io.Serializable;

/**
 * Spec 02 §3.5's hybrid mask against a causal image block, where the article says it matters: in
 * generation, where all patches of an image are denoised in parallel and, under a causal block, patch
 * k never sees patches after it. One unit: the digits demonstration's training and scoring
 * ({@link DigitsDemo#trainAndScore}) for one mask and seed; seed index q trains and splits with
 * {@code seed + q}, so the hybrid arm's seed 1 is the demonstration itself.
 */
public final class MaskArmRun implements Section<MaskArmRun.Settings, DigitsDemo.Result>, Serializable {
  private static final long serialVersionUID = 1L;

  /** The task kind; bump the version when a change here changes what a run computes. */
  static final String KIND = "lossless.mask-arm.v1";

  /** {@code mask}: {@code hybrid} or {@code causal}; {@code demo}: the demonstration's settings at seed index 0. */
  public record Settings(String mask, int seedIndex, DigitsDemo.Settings demo) implements Serializable {
    public Settings {
      if (!mask.equals("hybrid") && !mask.equals("causal")) throw new IllegalArgumentException("mask '" + mask + "' is not hybrid or causal");
    }

    DigitsDemo.Settings seeded() {
      return new DigitsDemo.Settings(demo.steps(), demo.seed() + seedIndex, demo.testImages(), demo.perDigit(), demo.ddimSteps());
    }
  }

  static Task<Settings, DigitsDemo.Result> task(Settings s) {
    return Task.of(KIND, new MaskArmRun(), s).labelled("digits " + s.mask() + " image block seed " + (s.seedIndex() + 1))
        .withCost(s.demo().steps()).withProgressUnits(s.demo().steps());
  }

  @Override
  public DigitsDemo.Result run(Settings s, LabContext ctx) throws IOException {
    DigitsDemo.Result r = DigitsDemo.trainAndScore(s.seeded(), s.mask().equals("causal"), null, ctx);
    // A stored "skipped" would outlive the data's arrival (the key does not see the cache): fail instead.
    if (r != null && r.skipped() != null) throw new IOException("the mask comparison needs the digits: " + r.skipped());
    return r;
  }
}
