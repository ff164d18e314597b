package dev.focus.lab;

import dev.focus.lab.focus.AttentionFocusExperiment;
import dev.focus.lab.lossless.LosslessInputExperiment;
import dev.focus.lab.markdown.MarkdownMathExperiment;
import dev.focus.lab.nope.NopeExperiment;
import dev.focus.lab.positions.PositionsExperiment;
import dev.focus.lab.run.Experiment;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The lab's experiments, in report order (explicit registration). */
public final class Experiments {
  private Experiments() {}

  /** All experiments, one per note. */
  public static List<Experiment<?, ?>> all() {
    return List.of(
        new AttentionFocusExperiment(),
        new LosslessInputExperiment(),
        new MarkdownMathExperiment(),
        new PositionsExperiment(),
        new NopeExperiment());
  }

  /**
   * The experiments selected by {@code only}: a slug, its leading number ("1" or "01") or a word of
   * it ("nope"); null or empty selects all. An unknown name throws, listing the valid ones.
   */
  public static List<Experiment<?, ?>> select(String only) {
    List<Experiment<?, ?>> all = all();
    if (only == null || only.isBlank()) return all;
    String key = only.trim().toLowerCase(Locale.ROOT);
    List<Experiment<?, ?>> out = new ArrayList<>();
    for (Experiment<?, ?> e : all) {
      String slug = e.slug();
      String number = slug.substring(0, slug.indexOf('-'));
      if (slug.equals(key) || number.equals(key) || String.valueOf(Integer.parseInt(number)).equals(key)
          || slug.substring(number.length() + 1).equals(key)) {
        out.add(e);
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("--only " + only + " names no experiment (expected one of "
          + String.join(", ", all.stream().map(Experiment::slug).toList()) + ", or its number)");
    }
    return out;
  }
}
