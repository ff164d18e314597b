package dev.focus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #12 item 1: no command deletes or overwrites a directory it did not create. Every writing
 * command is pointed at a folder of someone else's files, at the working directory and at an empty
 * path; each refuses in one line with exit 2 and leaves the files as they were.
 */
class OutputSafetyTest {
  @TempDir Path tmp;

  /** A folder with a file that must survive. */
  private Path foreign(String name) throws Exception {
    Path d = Files.createDirectories(tmp.resolve(name));
    Files.writeString(d.resolve("thesis.tex"), "keep me");
    return d;
  }

  private void assertRefusedAndKept(Cli.Run r, Path d, String... args) throws Exception {
    assertEquals(Main.EXIT_USAGE, r.code(), String.join(" ", args) + "\n" + r.out() + r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().contains("is not empty and does not hold a"), r.err());
    assertEquals("keep me", Files.readString(d.resolve("thesis.tex")), String.join(" ", args));
    try (var s = Files.list(d)) {
      assertEquals(1, s.count(), "nothing added to " + d + " by " + String.join(" ", args));
    }
  }

  @Test
  void everyWritingCommandRefusesAFolderOfOtherFiles() throws Exception {
    Path ck = tmp.resolve("ck");
    assertEquals(0, Cli.run("init", "--preset", "micro", "--out", ck.toString()).code());
    Path runs = Files.createDirectories(tmp.resolve("runs"));
    String[][] commands = {
        {"init", "--preset", "micro", "--out", "%s"},
        {"train", "--preset", "micro", "--data", "copy", "--steps", "1", "--no-progress", "--out", "%s"},
        {"train", "--preset", "mm-tiny", "--data", "digits", "--steps", "1", "--no-progress", "--out", "%s"},
        {"site", "--runs", runs.toString(), "--out", "%s"},
        {"lab", "--profile", "mini", "--no-serve", "--no-setup", "--only", "5", "--runs", runs.toString(), "--site", "%s"},
        {"lab", "--profile", "mini", "--no-serve", "--no-setup", "--only", "5", "--runs", "%s"},
        {"setup", "digits", "--cache", "%s"},
    };
    int i = 0;
    for (String[] c : commands) {
      Path d = foreign("f" + i++);
      String[] args = c.clone();
      for (int j = 0; j < args.length; j++) args[j] = args[j].replace("%s", d.toString());
      assertRefusedAndKept(Cli.run(args), d, args);
    }
    assertTrue(Files.isRegularFile(ck.resolve("config.json")));
  }

  @Test
  void generateRefusesAFolderOfOtherFilesBeforeLoading() throws Exception {
    Path d = foreign("pictures");
    String[] args = {"generate", "--checkpoint", tmp.resolve("no-such-run").toString(), "--out", d.toString(), "a 3"};
    assertRefusedAndKept(Cli.run(args), d, args);
  }

  @Test
  void anEmptyPathIsRefusedEverywhere() {
    for (String[] args : List.of(new String[] {"init", "--preset", "micro", "--out", ""},
        new String[] {"train", "--preset", "micro", "--data", "copy", "--out", ""},
        new String[] {"site", "--out", ""}, new String[] {"setup", "--cache", ""})) {
      Cli.Run r = Cli.run(args);
      assertEquals(Main.EXIT_USAGE, r.code(), String.join(" ", args) + r.err());
      assertTrue(r.err().contains("the output directory is empty"), r.err());
    }
  }

  /**
   * {@code focus init --out .} used to move the working directory aside and delete it. Run in a child
   * JVM whose working directory is a scratch folder, so that a regression cannot harm the checkout.
   */
  @Test
  void initRefusesTheWorkingDirectoryAndItsParent() throws Exception {
    Path cwd = foreign("cwd").resolve("sub");
    Files.createDirectories(cwd);
    Files.writeString(cwd.resolve("notes.txt"), "mine");
    for (String out : new String[] {".", "..", ""}) {
      ChildJvm.Result r = ChildJvm.run(cwd, List.of(), 60, "init", "--preset", "micro", "--out", out);
      assertEquals(Main.EXIT_USAGE, r.code(), out + ": " + r.err());
      assertEquals(1, r.err().strip().lines().count(), r.err());
      assertEquals("mine", Files.readString(cwd.resolve("notes.txt")));
      assertEquals("keep me", Files.readString(cwd.getParent().resolve("thesis.tex")));
    }
  }

  @Test
  void anEarlierOutputOfTheSameKindIsReplaced() throws Exception {
    Path ck = tmp.resolve("ck");
    assertEquals(0, Cli.run("init", "--preset", "micro", "--seed", "1", "--out", ck.toString()).code());
    byte[] first = Files.readAllBytes(ck.resolve("model.safetensors"));
    Cli.Run again = Cli.run("init", "--preset", "micro", "--seed", "2", "--out", ck.toString());
    assertEquals(0, again.code(), again.err());
    assertFalse(java.util.Arrays.equals(first, Files.readAllBytes(ck.resolve("model.safetensors"))));
    // ... but a checkpoint is not a run, nor a site.
    Cli.Run train = Cli.run("train", "--preset", "micro", "--data", "copy", "--steps", "1", "--no-progress", "--out", ck.toString());
    assertEquals(Main.EXIT_USAGE, train.code(), train.err());
    assertTrue(train.err().contains("does not hold a Focus training run"), train.err());
  }
}
