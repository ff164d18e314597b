package dev.focus.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.checkpoint.Checkpoint;
import dev.focus.model.Model;
import dev.focus.model.ModelConfig;
import dev.focus.testing.FaultyFileSystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #12 items 6 and 7: a checkpoint write that hits a full disk or a read-only directory fails
 * with one line naming the path, keeps the previous checkpoint loadable, and leaves no temporary files.
 */
class WriteFaultsTest {
  @TempDir Path tmp;

  @Test
  void aFullDiskAtAnyPointKeepsThePreviousCheckpoint() throws IOException {
    Path dir = tmp.resolve("ck");
    Model before = new Model(ModelConfig.micro(), 1), after = new Model(ModelConfig.micro(), 2);
    Checkpoint.save(dir, before);
    byte[] weights = Files.readAllBytes(dir.resolve(Checkpoint.WEIGHTS));
    int failures = 0;
    for (long budget : new long[] {0, 7, 8, 200, 4096, 65_536, 100_000, 148_000, 150_000}) {
      FaultyFileSystem full = FaultyFileSystem.diskFull(budget);
      IOException e = assertThrows(IOException.class, () -> Checkpoint.save(full.wrap(dir), after), "budget " + budget);
      failures++;
      String line = IoErrors.describe(e);
      assertTrue(line.startsWith(dir.getParent().toString()) && line.contains("no space left on the device"), line);
      assertTrue(Text.isOneLine(line), line);
      assertArrayEquals(weights, Files.readAllBytes(dir.resolve(Checkpoint.WEIGHTS)), "budget " + budget);
      assertEquals(before.parameterCount(), Checkpoint.load(dir).parameterCount());
      try (Stream<Path> s = Files.list(tmp)) {
        assertEquals(1, s.count(), "temporary files left after a failure at budget " + budget);
      }
    }
    assertEquals(9, failures);
    Checkpoint.save(dir, after); // and the next try, with space, succeeds
    assertFalse(java.util.Arrays.equals(weights, Files.readAllBytes(dir.resolve(Checkpoint.WEIGHTS))));
  }

  @Test
  void aReadOnlyDirectoryIsOneLineNamingThePath() throws IOException {
    Path dir = tmp.resolve("ro/ck");
    Files.createDirectories(dir.getParent());
    IOException e = assertThrows(IOException.class, () -> Checkpoint.save(FaultyFileSystem.readOnly().wrap(dir), new Model(ModelConfig.micro(), 1)));
    String line = IoErrors.describe(e);
    assertTrue(line.startsWith(tmp.resolve("ro").toString()) && line.contains("permission denied; choose a location you can write to"), line);
    assertTrue(IoErrors.isBadInput(e));
    assertFalse(Files.exists(dir));
  }

  @Test
  void javasBareMessagesBecomeOneActionableLine() {
    assertEquals("/x/y: no such file or directory; check the path", IoErrors.describe(new java.nio.file.NoSuchFileException("/x/y")));
    assertEquals("/x/y: already exists; choose another name or remove it first",
        IoErrors.describe(new java.nio.file.FileAlreadyExistsException("/x/y")));
    assertEquals("/x/y: is not UTF-8 text; convert it (for example with iconv) and try again",
        IoErrors.describe(IoErrors.at(Path.of("/x/y"), new java.nio.charset.MalformedInputException(1))));
    assertEquals("/x/y: I/O error: bad \\u001b[31m", IoErrors.describe(IoErrors.at(Path.of("/x/y"), new IOException("bad \u001b[31m"))));
    assertFalse(IoErrors.isBadInput(new IOException("No space left on device")));
  }
}
