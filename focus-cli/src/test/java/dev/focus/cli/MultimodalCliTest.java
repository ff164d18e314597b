package dev.focus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static dev.focus.cli.Cli.run;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MultimodalCliTest {
  @TempDir Path tmp;


  @Test
  void trainThenGenerateWritesSamplesAndAContactSheet() throws Exception {
    Path runDir = tmp.resolve("mm");
    Cli.Run t = run("train", "--preset", "mm-tiny", "--data", "glyphs-shapes", "--steps", "6", "--batch", "4", "--out",
        runDir.toString(), "--no-progress");
    assertEquals(0, t.code(), t.err());
    assertTrue(t.out().contains("held-out captioning accuracy"), t.out());
    assertTrue(Files.exists(runDir.resolve("checkpoint/config.json")) && Files.exists(runDir.resolve("checkpoint/model.safetensors")));
    assertEquals(6, Files.readAllLines(runDir.resolve("metrics.jsonl")).size());

    Cli.Run again = run("train", "--preset", "mm-tiny", "--data", "glyphs-shapes", "--steps", "6", "--batch", "4", "--out",
        runDir.toString(), "--no-progress");
    assertEquals(2, again.code(), "an existing run is never overwritten silently");

    Path out = tmp.resolve("gen");
    Cli.Run g = run("generate", "--checkpoint", runDir.toString(), "red circle top left", "--count", "2", "--steps", "2",
        "--out", out.toString());
    assertEquals(0, g.code(), g.err());
    assertTrue(Files.size(out.resolve("sample-000.png")) > 0 && Files.size(out.resolve("contact-sheet.png")) > 0);
    assertTrue(g.out().contains("the model captions its image"), g.out());
  }

  @Test
  void badInputGivesOneLineAndExitTwo() {
    Cli.Run missing = run("generate", "--checkpoint", tmp.resolve("nope").toString(), "digit one");
    assertEquals(2, missing.code());
    assertTrue(missing.err().contains("config.json: no such file"), missing.err());
    assertEquals(1, missing.err().strip().lines().count(), missing.err());
    Cli.Run preset = run("train", "--preset", "mm-huge", "--data", "glyphs-read", "--out", tmp.resolve("x").toString(), "--no-progress");
    assertEquals(2, preset.code());
    assertTrue(preset.err().contains("mm-huge"), preset.err());
    Cli.Run data = run("train", "--preset", "mm-tiny", "--data", "cats", "--out", tmp.resolve("y").toString(), "--no-progress");
    assertEquals(2, data.code());
    assertTrue(data.err().contains("cats"), data.err());
  }

  @Test
  void runsOfTheEarlierFormatAreRefusedInOneLineSayingWhatToDo() throws Exception {
    Path old = tmp.resolve("old");
    Files.createDirectories(old.resolve("checkpoint"));
    Files.writeString(old.resolve("mm-config.json"), "{\"format\": \"focus-multimodal\"}");
    Files.write(old.resolve("checkpoint/params.bin"), new byte[] {'F', 'O', 'C', 'U', 'S', 'T', 'F', '1'});
    Cli.Run g = run("generate", "--checkpoint", old.toString(), "digit one");
    assertEquals(2, g.code(), g.err());
    assertTrue(g.err().contains("earlier Focus") && g.err().contains("--force"), g.err());
    assertEquals(1, g.err().strip().lines().count(), g.err());
  }
}
