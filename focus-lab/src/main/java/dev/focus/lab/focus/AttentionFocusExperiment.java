package dev.focus.lab.focus;

import dev.focus.lab.run.Experiment;
import dev.focus.lab.run.Findings;
import dev.focus.lab.run.LabContext;
import dev.focus.lab.run.Profile;
import dev.focus.lab.run.Task;
import dev.focus.metrics.LogitMap;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Note 1 (spec 01, after Su 2023, kexue.fm/archives/9889): can an attention row concentrate? The
 * analytic claims are checked by closed form against quadrature and Monte Carlo ({@link ClosedForms},
 * E1), against length ({@link LengthSweep}, E2), query scale ({@link Temperature}, E3) and key bias
 * ({@link KeyBias}, E4), for general linear attention and query dependence ({@link GeneralLinear},
 * E5) and in the decoder framing ({@link DecoderFraming}, E6); E7 trains small softmax and linear
 * decoders on recall tasks, one {@link RecallRun} each, and relates their accuracy to the measured
 * S* of their heads.
 *
 * <p>Notation (spec 01 §2): a row x of n weights, S* = n^{-1/2}‖x‖₁/‖x‖₂, PR = nS*²; Gaussian logits
 * N(β, γ²), t = β/γ. Keys are N(0, I_d) with d = 64 unless stated; a query of norm γ then gives
 * logits q·k ~ N(0, γ²) exactly.
 */
public final class AttentionFocusExperiment implements Experiment<AttentionFocusExperiment.Settings, AttentionFocusExperiment.Results> {
  static final int D = 64;

  /** Every section's settings; each draws from its own seed stream ({@code seed·31 + section}, E1 its own). */
  public record Settings(ClosedForms.Settings e1, LengthSweep.Settings e2, Temperature.Settings e3, KeyBias.Settings e4,
                         GeneralLinear.Settings e5, DecoderFraming.Settings e6, RecallTasks.Plan e7) implements Serializable {}

  /**
   * {@code e7} holds the main runs that finished (all of them unless the lab was cancelled), {@code e7sweep}
   * the linear sweep's ({@link RecallTasks.Plan#sweepRuns()}).
   */
  public record Results(ClosedForms.Result e1, LengthSweep.Result e2, Temperature.Result e3, KeyBias.Result e4,
                        GeneralLinear.Result e5, DecoderFraming.Result e6, List<RecallRun.Run> e7, List<RecallRun.Run> e7sweep)
      implements Serializable {}

  @Override public String slug() { return "01-attention-focus"; }

  @Override public String title() { return "Can linear attention focus like softmax attention?"; }

  @Override
  public double expectedMinutes(Profile p) {
    // quick measured with one seed: 3.9 min (239 s of CPU) at load 4 on 2 cores while another lab run held one
    // core, 176 s of CPU on 2026-12-07; three seeds at the longest lengths add about 280 CPU-seconds, run two at a time;
    // the curves and the five-point linear sweep add 107 CPU-seconds (491 against 384, both at load 9-12); full's
    // 15 sweep runs of 3000 steps are an estimate, not measured
    return p.pick(0.3, 5.5, 105);
  }

  @Override
  public Settings settings(Profile p, long seed) {
    return new Settings(
        new ClosedForms.Settings(List.of(LogitMap.EXP, LogitMap.IDENTITY, LogitMap.RELU, LogitMap.RELU2), List.of(-2.0, -1.0, 0.0, 1.0, 2.0),
            p.pick(2000, 20_000, 1_000_000), p.pick(4, 20, 20), p.pick(7, 15, 25), seed * 1_000_003L + 1),
        new LengthSweep.Settings(D, p.pick(10, 16, 18), p.pick(4, 20, 32), seed * 31 + 2),
        new Temperature.Settings(D, p.pick(512, 4096, 4096), p.pick(4, 20, 32), p.pick(7, 21, 41), seed * 31 + 3),
        new KeyBias.Settings(D, p.pick(2048, 16_384, 262_144), p.pick(4, 20, 20), p.pick(9, 25, 49), seed * 31 + 4),
        new GeneralLinear.Settings(p.pick(256, 2048, 8192), p == Profile.MINI ? List.of(16) : p == Profile.QUICK ? List.of(16, 64)
            : List.of(16, 64, 256), D, p.pick(5, 12, 20), 64, 16, seed * 31 + 5),
        new DecoderFraming.Settings(D, p == Profile.MINI ? List.of(64, 128) : List.of(64, 256, 1024), 2.5, 256, seed * 31 + 6),
        RecallTasks.plan(p, seed));
  }

  @Override
  public Results run(Settings s, LabContext ctx) throws Exception {
    ctx.progress().total(6 + s.e7().totalSteps());
    ClosedForms.Result e1 = new ClosedForms().run(s.e1(), ctx);
    step(ctx, "E2 length sweep");
    LengthSweep.Result e2 = new LengthSweep().run(s.e2(), ctx);
    step(ctx, "E3 temperature");
    Temperature.Result e3 = new Temperature().run(s.e3(), ctx);
    step(ctx, "E4 key bias");
    KeyBias.Result e4 = new KeyBias().run(s.e4(), ctx);
    step(ctx, "E5 general linear");
    GeneralLinear.Result e5 = new GeneralLinear().run(s.e5(), ctx);
    step(ctx, "E6 decoder framing");
    DecoderFraming.Result e6 = new DecoderFraming().run(s.e6(), ctx);
    step(ctx, "E7 training");
    List<RecallRun.Run> e7 = ctx.results(recallRuns(s.e7()));
    List<RecallRun.Run> sweep = ctx.results(Task.each(s.e7().sweepRuns(), RecallRun::task));
    return new Results(e1, e2, e3, e4, e5, e6, e7, sweep);
  }

  /** E7's trainings, one task per task, length, seed and arm: the units a cluster runs side by side. */
  @Override
  public List<Task<?, ?>> plan(Settings s) {
    List<Task<?, ?>> out = new ArrayList<>(recallRuns(s.e7()));
    out.addAll(Task.each(s.e7().sweepRuns(), RecallRun::task));
    return List.copyOf(out);
  }

  static List<Task<RecallRun.Settings, RecallRun.Run>> recallRuns(RecallTasks.Plan plan) { return Task.each(plan.runs(), RecallRun::task); }

  private static void step(LabContext ctx, String message) {
    ctx.progress().step(1);
    ctx.progress().message(message);
  }

  @Override
  public Findings render(Settings settings, Results results) {
    return AttentionFocusReport.render(settings, results);
  }
}
