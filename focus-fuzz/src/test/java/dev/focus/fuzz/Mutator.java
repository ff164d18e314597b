package dev.focus.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Deterministic mutations of seed inputs for the fixed-seed run in {@code mvn verify}: bit flips,
 * interesting bytes and integers, insertions, deletions, duplications and splices, as a fuzzer's
 * first rounds would make them, but reproducible from one seed with no instrumentation.
 */
final class Mutator {
  private Mutator() {}

  private static final byte[] INTERESTING = "\0\u0001\u007f\"\\{}[],:-.0123456789eE+ \n\t$`*_#<>&;/=xIVT".getBytes(StandardCharsets.ISO_8859_1);
  private static final long[] NUMBERS = {0, 1, -1, 7, 8, 255, 256, 65535, Integer.MAX_VALUE, Integer.MIN_VALUE, Long.MAX_VALUE,
      Long.MIN_VALUE, 1L << 32, 100L << 20, 2_000_000_000L};

  /** {@code count} mutants of {@code seeds}, the same for the same {@code seed}. */
  static List<byte[]> mutants(List<byte[]> seeds, int count, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<byte[]> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      byte[] x = seeds.get(rng.nextInt(seeds.size())).clone();
      int rounds = 1 + rng.nextInt(rng.nextBoolean() ? 3 : 12);
      for (int r = 0; r < rounds; r++) x = mutate(x, seeds, rng);
      out.add(x);
    }
    return out;
  }

  private static byte[] mutate(byte[] x, List<byte[]> seeds, SplittableRandom rng) {
    int n = x.length;
    int at = n == 0 ? 0 : rng.nextInt(n);
    switch (rng.nextInt(8)) {
      case 0: // flip a bit
        if (n > 0) x[at] ^= (byte) (1 << rng.nextInt(8));
        return x;
      case 1: // an interesting byte
        if (n > 0) x[at] = INTERESTING[rng.nextInt(INTERESTING.length)];
        return x;
      case 2: { // an interesting little-endian integer (8 bytes) or its decimal text
        long v = NUMBERS[rng.nextInt(NUMBERS.length)];
        if (rng.nextBoolean() && n >= 8) {
          int p = rng.nextInt(n - 7);
          for (int b = 0; b < 8; b++) x[p + b] = (byte) (v >>> (8 * b));
          return x;
        }
        return splice(x, at, 0, Long.toString(v).getBytes(StandardCharsets.US_ASCII));
      }
      case 3: { // delete a run
        int len = Math.min(n - at, 1 + rng.nextInt(16));
        return splice(x, at, Math.max(0, len), new byte[0]);
      }
      case 4: { // insert random bytes
        byte[] ins = new byte[1 + rng.nextInt(8)];
        for (int i = 0; i < ins.length; i++) ins[i] = (byte) rng.nextInt(256);
        return splice(x, at, 0, ins);
      }
      case 5: { // duplicate a run
        if (n == 0) return x;
        int len = Math.min(n - at, 1 + rng.nextInt(64));
        return splice(x, at, 0, Arrays.copyOfRange(x, at, at + len));
      }
      case 6: { // splice in part of another seed
        byte[] o = seeds.get(rng.nextInt(seeds.size()));
        if (o.length == 0) return x;
        int from = rng.nextInt(o.length), len = Math.min(o.length - from, 1 + rng.nextInt(64));
        return splice(x, at, rng.nextInt(Math.max(1, Math.min(16, n - at + 1))), Arrays.copyOfRange(o, from, from + len));
      }
      default: // truncate
        return Arrays.copyOf(x, at);
    }
  }

  private static byte[] splice(byte[] x, int at, int remove, byte[] insert) {
    remove = Math.max(0, Math.min(remove, x.length - at));
    byte[] y = new byte[x.length - remove + insert.length];
    System.arraycopy(x, 0, y, 0, at);
    System.arraycopy(insert, 0, y, at, insert.length);
    System.arraycopy(x, at + remove, y, at + insert.length, x.length - at - remove);
    return y;
  }
}
