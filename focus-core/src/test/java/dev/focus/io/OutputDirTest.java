package dev.focus.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.checkpoint.Checkpoint;
import dev.focus.model.Model;
import dev.focus.model.ModelConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputDirTest {
  @TempDir Path tmp;

  @Test
  void anEmptyPathIsNeverTheWorkingDirectory() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OutputDir.check(Path.of(""), OutputDir.CHECKPOINT));
    assertTrue(e.getMessage().startsWith("the output directory is empty"), e.getMessage());
  }

  @Test
  void theWorkingDirectoryAndItsParentsAreRefused() {
    for (String p : new String[] {".", "..", "./", Path.of("").toAbsolutePath().toString()}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OutputDir.check(Path.of(p), OutputDir.SITE), p);
      assertTrue(e.getMessage().contains("working directory"), e.getMessage());
    }
  }

  @Test
  void aFolderOfSomeoneElsesFilesIsRefusedAndKept() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("mine"));
    Files.writeString(dir.resolve("thesis.tex"), "keep me");
    for (OutputDir.Kind k : new OutputDir.Kind[] {OutputDir.CHECKPOINT, OutputDir.RUN, OutputDir.SITE, OutputDir.IMAGES,
        OutputDir.CACHE, OutputDir.REPORT}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OutputDir.clear(dir, k), k.description());
      assertTrue(e.getMessage().contains("is not empty and does not hold a " + k.description()), e.getMessage());
    }
    assertEquals("keep me", Files.readString(dir.resolve("thesis.tex")));
  }

  @Test
  void aFileIsNotADirectory() throws IOException {
    Path f = Files.writeString(tmp.resolve("notes.txt"), "x");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OutputDir.check(f, OutputDir.IMAGES));
    assertTrue(e.getMessage().contains("exists and is not a directory"), e.getMessage());
  }

  @Test
  void newEmptyAndOwnDirectoriesAreAccepted() throws IOException {
    assertEquals(OutputDir.State.NEW, OutputDir.check(tmp.resolve("new"), OutputDir.IMAGES));
    assertEquals(OutputDir.State.EMPTY, OutputDir.check(Files.createDirectories(tmp.resolve("empty")), OutputDir.IMAGES));
    Path images = Files.createDirectories(tmp.resolve("images"));
    Files.write(images.resolve("sample-000.png"), new byte[1]);
    Files.write(images.resolve("contact-sheet.png"), new byte[1]);
    assertEquals(OutputDir.State.OURS, OutputDir.check(images, OutputDir.IMAGES));
    Files.write(images.resolve("holiday.jpg"), new byte[1]);
    assertThrows(IllegalArgumentException.class, () -> OutputDir.check(images, OutputDir.IMAGES));
  }

  @Test
  void clearEmptiesOnlyItsOwnKind() throws IOException {
    Path site = Files.createDirectories(tmp.resolve("site"));
    Files.writeString(site.resolve(OutputDir.SITE_MARKER), "");
    Files.createDirectories(site.resolve("reports"));
    Files.writeString(site.resolve("reports/a.html"), "<p>");
    OutputDir.clear(site, OutputDir.SITE);
    assertTrue(OutputDir.isEmpty(site));
  }

  @Test
  void checkpointSaveRefusesAFolderThatIsNotACheckpoint() throws IOException {
    Model m = new Model(ModelConfig.micro(), 1);
    Path dir = Files.createDirectories(tmp.resolve("work"));
    Files.writeString(dir.resolve("data.csv"), "1,2");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.save(dir, m));
    assertTrue(e.getMessage().contains("nothing was changed"), e.getMessage());
    assertEquals("1,2", Files.readString(dir.resolve("data.csv")));
    try (var s = Files.list(tmp)) {
      assertEquals(1, s.count(), "no temporary sibling left behind");
    }
    // An earlier checkpoint is replaced.
    Path ck = tmp.resolve("ck");
    Checkpoint.save(ck, m);
    Checkpoint.save(ck, new Model(ModelConfig.micro(), 2));
    assertFalse(Files.exists(ck.resolve("data.csv")));
    assertEquals(OutputDir.State.OURS, OutputDir.check(ck, OutputDir.CHECKPOINT));
  }
}
