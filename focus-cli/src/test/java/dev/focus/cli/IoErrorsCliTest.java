package dev.focus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #12 item 7: I/O errors are one line naming the path and what to do, exit 2 for bad input,
 * never a bare Java exception name and never raw bytes from a file.
 */
class IoErrorsCliTest {
  @TempDir Path tmp;

  private static void oneLine(Cli.Run r, String expected) {
    assertEquals(Main.EXIT_USAGE, r.code(), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertEquals(expected, r.err().strip());
    assertFalse(r.err().contains("Exception"), r.err());
  }

  @Test
  void markdownThatIsNotUtf8() throws Exception {
    Path f = Files.write(tmp.resolve("latin1.md"), new byte[] {'c', 'a', 'f', (byte) 0xe9, '\n'});
    oneLine(Cli.run("md", f.toString()), "focus md: " + f + ": is not UTF-8 text; convert it (for example with iconv) and try again");
  }

  @Test
  void missingFilesAndCheckpoints() {
    oneLine(Cli.run("md", tmp.resolve("nope.md").toString()), "focus md: no such file: " + tmp.resolve("nope.md"));
    Cli.Run r = Cli.run("logits", "--checkpoint", tmp.resolve("nope").toString(), "--tokens", "1");
    assertEquals(Main.EXIT_USAGE, r.code(), r.err());
    assertTrue(r.err().contains(tmp.resolve("nope").toString()) && r.err().contains("no such file"), r.err());
  }

  @Test
  void anExistingFileWhereADirectoryGoes() throws Exception {
    Path f = Files.writeString(tmp.resolve("ck"), "mine");
    oneLine(Cli.run("init", "--preset", "micro", "--out", f.toString()),
        "focus init: " + f + " exists and is not a directory; name a directory for the Focus checkpoint (config.json + model.safetensors)");
    assertEquals("mine", Files.readString(f));
  }

  @Test
  void aCorruptCheckpointNeverEchoesItsBytes() throws Exception {
    Path ck = tmp.resolve("ck");
    assertEquals(0, Cli.run("init", "--preset", "micro", "--out", ck.toString()).code());
    byte[] header = "{\"a\":\u0000\u001b[2J}".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    byte[] file = new byte[8 + header.length];
    file[0] = (byte) header.length;
    System.arraycopy(header, 0, file, 8, header.length);
    Files.write(ck.resolve("model.safetensors"), file);
    Cli.Run r = Cli.run("logits", "--checkpoint", ck.toString(), "--tokens", "1");
    assertEquals(Main.EXIT_USAGE, r.code(), r.err());
    assertTrue(r.err().contains("unexpected character '\\u0000'"), r.err());
    assertFalse(r.err().chars().anyMatch(c -> c < 0x20 && c != '\n'), "raw control bytes in: " + r.err());
  }
}
