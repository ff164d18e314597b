package dev.focus.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.checkpoint.Checkpoint;
import dev.focus.model.Model;
import dev.focus.model.ModelConfig;
import dev.focus.tokenizer.HfTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code focus sample --prompt} takes text through the checkpoint's tokenizer.json when it has one. */
class CheckpointTextTest {
  @TempDir Path dir;

  @Test
  void samplePromptsGoThroughTheTokenizerJsonAndTheOutputIsItsText() throws IOException {
    Path ck = dir.resolve("ck");
    Model model = new Model(ModelConfig.micro().withVocab(461), 4);
    Checkpoint.save(ck, model);
    try (InputStream in = getClass().getResourceAsStream("/dev/focus/tokenizer/hf/llama2/tokenizer.json")) {
      Files.write(ck.resolve("tokenizer.json"), in.readAllBytes());
    }
    HfTokenizer tok = HfTokenizer.load(ck);
    int[] prompt = tok.encode("the attention", true);
    assertEquals(1, prompt[0], "<s> first, from the template");

    Cli.Run ids = Cli.run("sample", "--checkpoint", ck.toString(), "--prompt", "the attention", "--tokens", "6", "--temperature", "0", "--ids");
    assertEquals(0, ids.code(), ids.err());
    int[] drawn = Arrays.stream(ids.out().strip().split(" ")).mapToInt(Integer::parseInt).toArray();
    assertArrayEquals(SampleCommand.generate(model, prompt, 6, 0, 0, 0), drawn, "the prompt reached the model as the tokenizer's ids");

    Cli.Run text = Cli.run("sample", "--checkpoint", ck.toString(), "--prompt", "the attention", "--tokens", "6", "--temperature", "0");
    assertEquals(0, text.code(), text.err());
    int[] all = Arrays.copyOf(tok.encode("the attention"), prompt.length - 1 + drawn.length);
    System.arraycopy(drawn, 0, all, prompt.length - 1, drawn.length);
    assertEquals(tok.decode(all), text.out().strip());
    assertTrue(text.out().startsWith("the attention"), text.out());

    Cli.Run big = Cli.run("sample", "--checkpoint", dir.resolve("none").toString(), "--prompt", "x");
    assertEquals(2, big.code());
  }
}
