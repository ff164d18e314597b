package dev.focus.data;

import java.util.SplittableRandom;

/** Deterministic seed derivation (SplitMix64 finalizer), so every example has its own reproducible stream. */
public final class Seeds {
  private Seeds() {}

  /** SplitMix64's finalizer: a bijective 64-bit mix. */
  public static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Seed of example {@code row} of batch {@code step} of {@code split}, for run seed {@code seed}. */
  public static long example(long seed, Split split, long step, int row) {
    long h = mix(seed ^ 0x9E3779B97F4A7C15L);
    h = mix(h ^ split.salt());
    h = mix(h + step);
    return mix(h + row);
  }

  /** A generator for example {@code row} of batch {@code step}. */
  public static SplittableRandom rng(long seed, Split split, long step, int row) {
    return new SplittableRandom(example(seed, split, step, row));
  }
}
