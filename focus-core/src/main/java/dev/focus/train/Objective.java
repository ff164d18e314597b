package dev.focus.train;

import dev.focus.data.Batch;
import dev.focus.data.Dataset;
import dev.focus.data.Split;
import java.util.Locale;
import java.util.Map;

/**
 * What a text model learns from a {@link Dataset}'s batches: next-token prediction (a decoder's
 * language model, the data's own targets) or the masked-LM objective of an encoder ({@link MaskedLm}).
 * {@link TextTask} asks the objective for the batch of each step, for training and validation alike,
 * so both see the same rule.
 *
 * <p>{@link #apply} is a pure function of (the data's batch, split, seed, step), like the data itself,
 * so a resumed run sees the same inputs as an uninterrupted one.
 */
public sealed interface Objective permits Objective.NextToken, MaskedLm {

  /** Next-token prediction: the data's batch as it is (targets = the following tokens). */
  NextToken NEXT_TOKEN = new NextToken();

  /** The names {@link #parse} accepts. */
  String NAMES = "next-token, mlm";

  /** The batch a model trains (or is evaluated) on at {@code step} of {@code split}, from the data's batch {@code b}. */
  Batch apply(Batch b, Split split, long seed, long step);

  /** The vocabulary a model needs for data whose ids are 0..dataVocab−1 (more when the objective adds ids). */
  int vocabNeeded(int dataVocab);

  /** The objective's name and settings, as a run records it (compared on resume). */
  String describe();

  /** Next-token prediction (the data's own targets). */
  record NextToken() implements Objective {
    @Override public Batch apply(Batch b, Split split, long seed, long step) { return b; }

    @Override public int vocabNeeded(int dataVocab) { return dataVocab; }

    @Override public String describe() { return "next-token"; }
  }

  /**
   * The objective called {@code name} ({@link #NAMES}) for {@code data}: {@code mlm} is BERT's rule
   * ({@link MaskedLm#bert}) with [MASK] = the id after the data's last.
   */
  static Objective parse(String name, Dataset data) {
    switch (name == null ? "" : name.trim().toLowerCase(Locale.ROOT)) {
      case "next-token": return NEXT_TOKEN;
      case "mlm": return MaskedLm.bert(data.vocabSize());
      default: throw new IllegalArgumentException("objective '" + name + "' is not one of " + NAMES);
    }
  }

  /**
   * Throws one line when a model described by {@code model} ({@link Trainable#describe}: the
   * configuration's keys) cannot learn this objective: next-token prediction under a bidirectional
   * mask (every position would see the token it predicts), or a vocabulary without the objective's ids.
   */
  default void check(Map<String, String> model, int dataVocab) {
    if (this instanceof NextToken && "bidirectional".equals(model.get("mask"))) {
      throw new IllegalArgumentException("next-token training needs a causal model: with mask=bidirectional every position sees "
          + "the token it predicts; train an encoder with the masked-LM objective (mlm)");
    }
    if (this instanceof MaskedLm m && m.maskId() < dataVocab) {
      throw new IllegalArgumentException("maskId=" + m.maskId() + " is one of the data's ids 0.." + (dataVocab - 1) + "; [MASK] must be a reserved id");
    }
    String v = model.get("vocab");
    if (v != null && Integer.parseInt(v) < vocabNeeded(dataVocab)) {
      throw new IllegalArgumentException("vocab=" + v + " is too small for objective " + describe() + " on data of " + dataVocab
          + " ids (needs " + vocabNeeded(dataVocab) + ")");
    }
  }
}
