package dev.focus.lab.run;

/**
 * Progress of one experiment, reported by the experiment and drawn by the caller (a progress bar on
 * the CLI, nothing in tests). Experiments call {@link #total} once they know how many units they will
 * run, then {@link #step} per unit; {@link #message} names the current stage.
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
