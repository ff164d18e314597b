package dev.focus.lab.run;

/**
 * Progress of one experiment, reported by the experiment and drawn by the caller (a progress bar on
 * the CLI, nothing in tests). Experiments call {@link #total} once they know how many units they will
 * run, then {@link #step} per unit; {@link #message} names the current stage. The {@link LabRunner}
 * takes the units of the experiment's planned tasks whose results are already stored (after the plan
 * phase, all of them: {@link Task#progressUnits()}) out of the total the experiment announces, so the
 * bar's fraction and its rate (and so its ETA) count only the work the experiment still does.
 */
public interface Progress {
  void total(long units);

  void step(long units);

  void message(String text);

  /** True once the user asked to stop (Ctrl-C); long loops should return early and keep what is done. */
  boolean cancelled();

  Progress NONE = new Progress() {
    @Override public void total(long units) {}
    @Override public void step(long units) {}
    @Override public void message(String text) {}
    @Override public boolean cancelled() { return false; }
  };
}
