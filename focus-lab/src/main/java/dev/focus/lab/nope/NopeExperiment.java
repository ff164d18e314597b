package dev.focus.lab.nope;

import dev.focus.lab.run.Experiment;
import dev.focus.lab.run.Findings;
import dev.focus.lab.run.LabContext;
import dev.focus.lab.run.Profile;
import dev.focus.lab.run.Task;
import dev.focus.position.PositionKind;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Note 5 (spec 05): why decoder-only models need position encodings (Su 2024, kexue.fm/archives/10347).
 * The causal mask alone puts position into the variance of each head's output (D3: MS_n = σ²/n under
 * uniform attention), so NoPE decoders can learn position, but as one weak absolute scalar per head;
 * an explicit, preferably relative, encoding is cheaper, and without a distance prior attention
 * diffuses on long inputs. Sections: E1 {@link VarianceLaw}, E2 {@link FrozenProbes}, E3
 * {@link LanguageModels} (NoPE, RoPE, ALiBi, learned and sinusoidal positions), E4
 * {@link TrainedProbes}, E5 {@link ShuffledPrefixes}, E9 {@link LongContext} and
 * {@link TemperatureRepair} (Wang et al.), E7 {@link Resolution}, E8 {@link LengthGeneralisation}
 * (the counterweight of Kazemnejad et al. 2023), and E6 {@link MaskedLms}, the bidirectional control:
 * masked-LM encoders with and without positions against a bag of bytes, planned as one task per
 * scheme and seed. E4, E5 and E9 read the models E3 trained through an {@link LmStore}; E4, E9 and
 * the repair read every seed of them, and E8 trains as many seeds as E3's deciding arms.
 */
public final class NopeExperiment implements Experiment<NopeExperiment.Settings, NopeExperiment.Results> {
  /** Global logit scales λ of E9's repair (spec 05 §5). */
  static final List<Double> LAMBDAS = List.of(1.0, 1.25, 1.5, 2.0);

  /** Every section's settings. Spec 05 §5 asks 1500–3000 steps and 3 seeds per comparison; quick runs 3 seeds of the deciding arms and a quarter of the steps. */
  public record Settings(VarianceLaw.Settings e1, FrozenProbes.Settings e2, LanguageModels.Settings e3, TrainedProbes.Settings e4,
                         ShuffledPrefixes.Settings e5, LongContext.Settings e9, TemperatureRepair.Settings repair,
                         Resolution.Settings e7, LengthGeneralisation.Settings e8, MaskedLms.Settings e6) implements Serializable {}

  /** Every section's record (null for a section a cancelled run did not reach). */
  public record Results(VarianceLaw.Result e1, FrozenProbes.Result e2, LanguageModels.Result e3, TrainedProbes.Result e4,
                        ShuffledPrefixes.Result e5, LongContext.Result e9, TemperatureRepair.Result repair, Resolution.Result e7,
                        LengthGeneralisation.Result e8, MaskedLms.Result e6) implements Serializable {}

  @Override public String slug() { return "05-why-decoders-need-positions"; }

  @Override public String title() { return "Why decoders need positions"; }

  /**
   * Quick (E1–E9 with E4, E7 and the E9 repair): 3 min 33 s wall at a load of ≈ 3.8 on 2 cores (other jobs
   * held about 2.7 of them), 245 CPU-seconds, measured 2026-11-28; about 2.5 min on an idle 2-core machine
   * (≈ 60 s of serial work plus the rest on two cores). E6 adds nine masked-LM runs of 250 steps, about
   * 66 CPU-seconds in all (measured 2026-12-07), two at a time. With three seeds of E3's NoPE, RoPE and
   * ALiBi (six more runs of 750 steps, their E9 evaluations) and of E7's deciding runs: 395 CPU-seconds
   * before E7's seeds (measured 2026-12-07, against 284 for the one-seed plan on the same machine), so
   * about 4 minutes on two idle cores. With three seeds of E4, E8 and the repair (and E9's whole-window
   * losses): 572 CPU-seconds for the whole command against 492 before (measured 2026-12-07 at a load of
   * 15–19), so +80, about 40 s more on two idle cores: about 5 minutes. Full: an estimate, not measured.
   */
  @Override public double expectedMinutes(Profile p) { return p == Profile.MINI ? 0.1 : p == Profile.QUICK ? 5 : 60; }

  @Override
  public Settings settings(Profile p, long seed) {
    // E3's arms: NoPE, RoPE and ALiBi decide points 1, 2 and 4 and run three seeds (mini: two, to exercise
    // the intervals); learned and sinusoidal positions only feed E4's and E5's tables, one seed outside full
    int deciding = p.pick(2, 3, 3), other = p.pick(1, 1, 3);
    List<LanguageModels.Arm> lm = new ArrayList<>();
    for (PositionKind k : List.of(PositionKind.NOPE, PositionKind.ROPE, PositionKind.ALIBI)) lm.add(new LanguageModels.Arm(k, 2, deciding));
    lm.add(new LanguageModels.Arm(PositionKind.LEARNED, 2, other));
    if (p != Profile.MINI) lm.add(new LanguageModels.Arm(PositionKind.SINUSOIDAL, 2, other)); // E4 probes it beside learned positions
    List<LanguageModels.Arm> twoBlocks = List.copyOf(lm);
    if (p == Profile.FULL) {
      lm.add(new LanguageModels.Arm(PositionKind.NOPE, 4, 3));
      lm.add(new LanguageModels.Arm(PositionKind.LEARNED, 4, 3));
    }
    List<PositionKind> copy = new ArrayList<>(List.of(PositionKind.NOPE, PositionKind.ROPE, PositionKind.ALIBI));
    if (p == Profile.FULL) copy.add(PositionKind.SINUSOIDAL);
    int longBatches = p.pick(1, 16, 64);
    return new Settings(
        new VarianceLaw.Settings(256, p.pick(200, 1000, 2000), p.pick(4, 24, 128), p.pick(2, 16, 64), seed),
        new FrozenProbes.Settings(64, 64, p.pick(40, 300, 400), p.pick(10, 75, 100), p.pick(40, 1200, 3000), 128, 128, seed),
        new LanguageModels.Settings(lm, p.pick(8, 750, 3000), p.pick(2, 16, 64), 64, 16, seed),
        new TrainedProbes.Settings(twoBlocks.stream().map(LanguageModels.Arm::name).toList(), 64, p.pick(40, 300, 400),
            p.pick(10, 75, 100), p.pick(40, 1200, 3000), 128, 128, seed),
        new ShuffledPrefixes.Settings(lm.stream().map(LanguageModels.Arm::name).toList(), p.pick(32, 2000, 2000), seed),
        new LongContext.Settings(twoBlocks, List.of(64, 128, 256), 64, 16, longBatches, 8, seed),
        new TemperatureRepair.Settings("nope", LAMBDAS, 64, 256, p.pick(4, 200, 200), 8, 1e-2, 16, longBatches, 8, seed),
        new Resolution.Settings(Resolution.TASKS, Resolution.ARMS, Resolution.BUCKETS, 64, 16, deciding, other, p.pick(8, 400, 1500),
            p.pick(32, 256, 1024), seed),
        new LengthGeneralisation.Settings(p == Profile.FULL ? List.of("copy", "reverse") : List.of("copy"), copy, 16, 8, 32, deciding,
            p.pick(8, 1000, 3000), p.pick(4, 100, 500), seed),
        new MaskedLms.Settings(p == Profile.FULL ? List.of(PositionKind.NOPE, PositionKind.ROPE, PositionKind.LEARNED,
            PositionKind.SINUSOIDAL, PositionKind.ALIBI) : List.of(PositionKind.NOPE, PositionKind.ROPE, PositionKind.LEARNED),
            p.pick(2, 3, 3), p.pick(8, 250, 1500), 16, 64, p.pick(2, 16, 64), 8, p.pick(4, 100, 400), seed));
  }

  /** E3's language models, E7's and E8's runs and E6's encoders, one task per scheme (or arm and task) and seed: the units a cluster runs side by side. */
  @Override
  public List<Task<?, ?>> plan(Settings s) {
    List<Task<?, ?>> out = new ArrayList<>(LanguageModels.tasks(s.e3()));
    out.addAll(Resolution.tasks(s.e7()));
    out.addAll(LengthGeneralisation.tasks(s.e8()));
    out.addAll(MaskedLms.tasks(s.e6()));
    return out;
  }

  @Override
  public Results run(Settings s, LabContext ctx) throws Exception {
    long lmSteps = (long) s.e3().runs().size() * s.e3().steps();
    long resolutionSteps = (long) s.e7().runs().size() * s.e7().steps();
    long copySteps = (long) s.e8().seeds() * s.e8().arms().size() * s.e8().tasks().size() * s.e8().steps();
    long mlmSteps = (long) s.e6().arms().size() * s.e6().seeds() * s.e6().steps();
    long repairSteps = (long) s.repair().steps() * s.e3().arms().stream().filter(a -> a.name().equals(s.repair().arm()))
        .mapToInt(LanguageModels.Arm::seeds).sum();
    ctx.progress().total(20 + lmSteps + s.e4().arms().size() + repairSteps + resolutionSteps + copySteps + mlmSteps + 5);
    LmStore store = new LmStore();
    ctx.progress().message("E1: variance law at initialisation");
    VarianceLaw.Result e1 = new VarianceLaw().run(s.e1(), ctx);
    ctx.progress().step(10);
    if (ctx.cancelled()) return partial(e1, null, null, null, null, null, null, null);
    ctx.progress().message("E2: position probes on frozen random-init stacks");
    FrozenProbes.Result e2 = new FrozenProbes().run(s.e2(), ctx);
    ctx.progress().step(10);
    if (ctx.cancelled()) return partial(e1, e2, null, null, null, null, null, null);
    LanguageModels.Result e3 = new LanguageModels(store).run(s.e3(), ctx);
    if (ctx.cancelled()) return partial(e1, e2, e3, null, null, null, null, null);
    TrainedProbes.Result e4 = new TrainedProbes(store).run(s.e4(), ctx);
    if (ctx.cancelled()) return partial(e1, e2, e3, e4, null, null, null, null);
    ctx.progress().message("E5: shuffled prefixes");
    ShuffledPrefixes.Result e5 = new ShuffledPrefixes(store).run(s.e5(), ctx);
    if (ctx.cancelled()) return partial(e1, e2, e3, e4, e5, null, null, null);
    ctx.progress().message("E9: loss and attention entropy at 1-4x the training length");
    LongContext.Result e9 = new LongContext(store).run(s.e9(), ctx);
    ctx.progress().step(5);
    if (ctx.cancelled()) return partial(e1, e2, e3, e4, e5, e9, null, null);
    TemperatureRepair.Result repair = new TemperatureRepair(store).run(s.repair(), ctx);
    if (ctx.cancelled()) return partial(e1, e2, e3, e4, e5, e9, repair, null);
    Resolution.Result e7 = new Resolution().run(s.e7(), ctx);
    if (ctx.cancelled()) return partial(e1, e2, e3, e4, e5, e9, repair, e7);
    LengthGeneralisation.Result e8 = new LengthGeneralisation().run(s.e8(), ctx);
    if (ctx.cancelled()) return new Results(e1, e2, e3, e4, e5, e9, repair, e7, e8, null);
    ctx.progress().message("E6: masked-LM encoders and the bag of bytes");
    return new Results(e1, e2, e3, e4, e5, e9, repair, e7, e8, new MaskedLms().run(s.e6(), ctx));
  }

  private static Results partial(VarianceLaw.Result e1, FrozenProbes.Result e2, LanguageModels.Result e3, TrainedProbes.Result e4,
      ShuffledPrefixes.Result e5, LongContext.Result e9, TemperatureRepair.Result repair, Resolution.Result e7) {
    return new Results(e1, e2, e3, e4, e5, e9, repair, e7, null, null);
  }

  @Override
  public Findings render(Settings settings, Results results) {
    return NopeReport.render(settings, results);
  }
}
