package dev.focus.lab.nope;

import dev.focus.data.SyntheticDataset;
import dev.focus.data.SyntheticTask;
import dev.focus.model.Model;
import dev.focus.model.ModelConfig;
import dev.focus.model.Overrides;
import dev.focus.model.Parameter;
import dev.focus.testing.GoldenTable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Report 5's language-model runs give the same numbers for the same seed across versions: every
 * step's loss bits and a SHA-256 of every parameter after a few steps, against a checked-in table
 * written before they moved onto the one training loop ({@link GoldenTable}).
 */
class NopeTrainingGoldenTest {
  @Test
  void runsGiveTheSameLossesAndWeightsAsTheCheckedInTable() throws Exception {
    Map<String, String> got = new LinkedHashMap<>();
    SyntheticDataset data = new SyntheticDataset(new SyntheticTask.KBack(8, 1, false));
    for (String pos : List.of("nope", "rope", "alibi")) {
      ModelConfig cfg = Overrides.apply(ModelConfig.micro(), List.of("vocab=8", "context=16", "position=" + pos));
      Model model = new Model(cfg, 4);
      double[] losses = NopeTraining.train(model, data, new NopeTraining.Settings(5, 4, 16, 1e-2, 2, 6), step -> { }, () -> false);
      StringBuilder sb = new StringBuilder();
      for (double l : losses) sb.append(GoldenTable.bits(l)).append(',');
      List<Parameter> ps = new ArrayList<>(model.parameters());
      ps.sort(Comparator.comparing(Parameter::name));
      got.put("nope-lm-" + pos, sb + " " + GoldenTable.digest(ps.stream().map(Parameter::value).toList()));
    }
    GoldenTable.compare(NopeTrainingGoldenTest.class, "nope-training-golden", "per-step loss bits, parameter digest", got);
  }
}
