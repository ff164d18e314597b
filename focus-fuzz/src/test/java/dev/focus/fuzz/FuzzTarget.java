package dev.focus.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One fuzz target: a reader of untrusted bytes ({@link #accept}), its hand-made seeds, and the
 * {@link Contract} it keeps. Each target runs three ways:
 *
 * <ul>
 *   <li>in {@code mvn verify}, {@link #fuzz} replays the seeds and every input checked in under
 *       {@code src/test/resources/dev/focus/fuzz/<Target>Inputs/fuzz/} (crashes found earlier);
 *   <li>in {@code mvn verify}, {@link #fixedSeed} runs {@link #MUTANTS} deterministic mutants of the
 *       seeds ({@link Mutator}, seed {@link #SEED}): a few seconds of blind fuzzing that never varies;
 *   <li>with {@code -Pfuzz} ({@code JAZZER_FUZZ=1}), {@link #fuzz} is Jazzer's coverage-guided fuzzer
 *       for {@link #DURATION}, starting from the seeds and the checked-in inputs.
 * </ul>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class FuzzTarget {
  /** Length of a long run with -Pfuzz. */
  static final String DURATION = "10m";
  /** Mutants per target in the fixed-seed run. */
  static final int MUTANTS = 1500;
  /** Seed of the fixed-seed run. */
  static final long SEED = 12;

  /** Feeds one input to the reader under test; returns normally or throws what the reader throws. */
  abstract void accept(byte[] input) throws Exception;

  /** Valid (and a few interesting) inputs to start from. */
  abstract List<byte[]> seeds() throws Exception;

  Stream<byte[]> seedStream() throws Exception {
    return seeds().stream();
  }

  private boolean warm;

  @MethodSource("seedStream")
  @FuzzTest(maxDuration = DURATION)
  void fuzz(byte[] input) throws Exception {
    warmUp();
    Contract.holds(input.length, () -> accept(input));
  }

  /** Loads and initialises the reader's classes once, so that their one-time allocations count against no input. */
  private void warmUp() throws Exception {
    if (warm) return;
    warm = true;
    for (byte[] s : seeds()) {
      try {
        accept(s);
      } catch (Exception expected) {
        // some seeds are invalid on purpose; the contract is checked on them afterwards
      }
    }
  }

  @Test
  void fixedSeed() throws Exception {
    warmUp();
    List<byte[]> seeds = seeds();
    for (byte[] s : seeds) Contract.holds(s.length, () -> accept(s));
    int i = 0;
    for (byte[] m : Mutator.mutants(seeds, MUTANTS, SEED)) {
      int index = i++;
      try {
        Contract.holds(m.length, () -> accept(m));
      } catch (AssertionError e) {
        throw new AssertionError("mutant " + index + " (seed " + SEED + "): " + e.getMessage()
            + "\ninput (base64): " + java.util.Base64.getEncoder().encodeToString(m), e);
      }
    }
  }

  /** A scratch directory for readers of files, in memory where the machine has /dev/shm. */
  static Path scratch(String name) throws IOException {
    Path shm = Path.of("/dev/shm");
    Path base = Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
    Path d = Files.createTempDirectory(base, "focus-fuzz-" + name + "-");
    d.toFile().deleteOnExit();
    return d;
  }
}
