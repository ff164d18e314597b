package dev.focus.lab.run;

/**
 * How much work each experiment does. QUICK is the default of {@code ./focus lab} and fits in about
 * 20 minutes on 2 cores; FULL gives the publishable numbers and may take hours; MINI runs every
 * experiment in seconds so tests can keep experiments from rotting.
 */
public enum Profile {
  MINI, QUICK, FULL;

  /** Picks a value by profile: {@code pick(mini, quick, full)}. */
  public int pick(int mini, int quick, int full) {
    return this == MINI ? mini : this == QUICK ? quick : full;
  }

  public double pick(double mini, double quick, double full) {
    return this == MINI ? mini : this == QUICK ? quick : full;
  }

  public static Profile parse(String name) {
    for (Profile p : values()) if (p.name().equalsIgnoreCase(name)) return p;
    throw new IllegalArgumentException("profile '" + name + "' is not one of mini, quick, full");
  }
}
