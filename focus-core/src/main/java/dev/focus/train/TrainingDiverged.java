package dev.focus.train;

/**
 * A run stopped because a step's loss or gradient norm, or the weights after an update, were NaN or
 * infinite ({@link TrainConfig.OnNan#STOP}). Nothing of that step was applied or saved: the run
 * directory still holds the last good checkpoint, if any ({@link #lastCheckpoint}, −1 for none).
 */
public final class TrainingDiverged extends IllegalStateException {
  private final long step, lastCheckpoint;

  TrainingDiverged(long step, String what, long lastCheckpoint, String where) {
    super("training diverged at step " + step + ": " + what + "; "
        + (lastCheckpoint < 0 ? "no checkpoint was written" : "the last good checkpoint (step " + lastCheckpoint + ") is in " + where)
        + "; lower the learning rate, or skip such steps (onNan=skip)");
    this.step = step;
    this.lastCheckpoint = lastCheckpoint;
  }

  /** The 1-based step that went wrong. */
  public long step() { return step; }

  /** The step of the checkpoint the run directory keeps, or −1 when there is none. */
  public long lastCheckpoint() { return lastCheckpoint; }
}
