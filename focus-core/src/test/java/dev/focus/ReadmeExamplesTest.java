package dev.focus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.metrics.Sparsity;
import dev.focus.model.Model;
import dev.focus.model.ModelConfig;
import dev.focus.model.ModelObserver;
import dev.focus.model.Parameter;
import dev.focus.tokenizer.ByteTokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Java example of the top-level README is the marked region of {@link #readmeExampleRuns} (STYLE.md
 * §2.14): one test checks that the README shows that region verbatim (dedented), the other runs it and
 * checks what its comments claim, so neither the README nor the example can drift.
 */
class ReadmeExamplesTest {
  private static final String BEGIN = "// README:begin", END = "// README:end";

  @Test
  void readmeExampleRuns() {
    // README:begin
    // A Llama-style decoder (RMSNorm, SwiGLU, RoPE): 4 layers of width 128, vocabulary 256, seed 1.
    Model model = new Model(ModelConfig.tiny(), 1);
    int[] tokens = ByteTokenizer.INSTANCE.encode("Hello, Focus!");   // byte ids, B = 1, T = 13
    int t = tokens.length;
    int[] targets = new int[t];                                      // next byte; −1 = no loss
    for (int i = 0; i < t; i++) targets[i] = i + 1 < t ? tokens[i + 1] : -1;
    float loss = model.forwardBackward(tokens, targets, 1, t);       // ≈ ln 256 at init; fills every grad

    // How concentrated is the last query's attention in layer 0, head 0? S* = 1 is uniform (note 1).
    double[] row = new double[t];
    model.setObserver(new ModelObserver() {
      @Override public void onAttentionWeights(int layer, float[] w, int batch, int heads, int seqLen) {
        if (layer == 0) for (int m = 0; m < seqLen; m++) row[m] = w[(seqLen - 1) * seqLen + m];
      }
    });
    float[] logits = model.logits(tokens, 1, t);                     // (B·T, V) = (13, 256)
    double focus = Sparsity.sparsity(row);                           // in [1/√13, 1]
    // README:end

    assertEquals(13, t);
    assertEquals(13 * 256, logits.length);
    assertEquals(Math.log(256), loss, 0.1, "loss at init is about ln V");
    double gradNorm = 0;
    for (Parameter p : model.parameters()) for (float g : p.grad()) gradNorm += (double) g * g;
    assertTrue(gradNorm > 0 && Double.isFinite(gradNorm), "forwardBackward filled the gradients: " + gradNorm);
    double sum = 0;
    for (double a : row) sum += a;
    assertEquals(1.0, sum, 1e-5, "a softmax row sums to 1 over the visible keys");
    assertTrue(focus >= 1 / Math.sqrt(t) && focus <= 1, "S* in range: " + focus);
    assertTrue(focus > 0.99, "near-uniform attention at initialisation (weights of s.d. 0.02): " + focus);
  }

  @Test
  void readmeShowsTheExampleVerbatim() throws IOException {
    String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
    String region = region(Path.of("src/test/java/dev/focus/ReadmeExamplesTest.java"));
    assertTrue(readme.contains("```java\n" + region + "```\n"),
        "README.md must show the marked region of ReadmeExamplesTest verbatim, dedented, in a ```java block:\n" + region);
  }

  /** The lines between the markers, with their common indentation removed, each ending in a newline. */
  static String region(Path source) throws IOException {
    List<String> lines = Files.readAllLines(source, StandardCharsets.UTF_8);
    int from = -1, to = -1;
    for (int i = 0; i < lines.size(); i++) {
      String s = lines.get(i).strip();
      if (s.equals(BEGIN)) from = i + 1;
      if (s.equals(END)) to = i;
    }
    assertTrue(from > 0 && to > from, "markers " + BEGIN + " / " + END + " in " + source);
    List<String> body = new ArrayList<>(lines.subList(from, to));
    int indent = Integer.MAX_VALUE;
    for (String l : body) if (!l.isBlank()) indent = Math.min(indent, l.length() - l.stripLeading().length());
    StringBuilder sb = new StringBuilder();
    for (String l : body) sb.append(l.isBlank() ? "" : l.substring(indent)).append('\n');
    return sb.toString();
  }
}
