package dev.focus.lab.run;

/**
 * Progress of one experiment, reported by the experiment and drawn by the caller (a progress bar on
 * the CLI, nothing in tests). Experiments call {@link #total} once they know how many units they will
 * run, then {@link #step} per unit; {@link #message} names the current stage. Units that a planned
 * {@link Task} would step but that were done before (its result is stored: the lab runs every plan
 * first) are taken out of the total by {@link #doneBefore}, so the bar's fraction and its rate (and so
 * its ETA) count only the work this run still does.
 */
public interface Progress {
  void total(long units);

  void step(long units);

  void message(String text);

  /**
   * {@code units} of the announced total were done before this run and will not be stepped (a stored
   * task's {@link Task#progressUnits()}): they leave the total.
   */
  default void doneBefore(long units) {}

  /** True once the user asked to stop (Ctrl-C); long loops should return early and keep what is done. */
  boolean cancelled();

  Progress NONE = new Progress() {
    @Override public void total(long units) {}
    @Override public void step(long units) {}
    @Override public void message(String text) {}
    @Override public boolean cancelled() { return false; }
  };
}
