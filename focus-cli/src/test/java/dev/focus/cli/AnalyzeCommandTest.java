package dev.focus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.checkpoint.Checkpoint;
import dev.focus.model.Model;
import dev.focus.model.ModelConfig;
import dev.focus.model.Overrides;
import dev.focus.model.Parameter;
import dev.focus.report.Report;
import dev.focus.report.ReportReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code focus analyze} end to end. A NoPE model whose q and k projections are zero attends
 * uniformly (every logit is 0), so its report is known exactly: S* = 1 and H/ln n = 1 for every head,
 * PR = n, and the entropy of the last queries of a window is the mean of ln n over them.
 */
class AnalyzeCommandTest {
  @TempDir Path dir;

  private Path uniformCheckpoint(String... overrides) throws IOException {
    List<String> sets = new ArrayList<>(List.of("position=nope"));
    sets.addAll(List.of(overrides));
    Model m = new Model(Overrides.apply(ModelConfig.micro(), sets), 3);
    for (Parameter p : m.parameters()) {
      if (p.name().endsWith("q_proj.weight") || p.name().endsWith("k_proj.weight")) Arrays.fill(p.value(), 0f);
    }
    Path ck = dir.resolve("ck");
    Checkpoint.save(ck, m);
    return ck;
  }

  /** heads.csv as column → values, one value per row. */
  static Map<String, double[]> csv(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    String[] header = lines.get(0).split(",");
    Map<String, double[]> cols = new HashMap<>();
    for (int c = 0; c < header.length; c++) {
      double[] v = new double[lines.size() - 1];
      for (int r = 1; r < lines.size(); r++) v[r - 1] = Double.parseDouble(lines.get(r).split(",")[c]);
      cols.put(header[c], v);
    }
    return cols;
  }

  @Test
  void uniformAttentionGivesTheUniformDistributionsMetricsExactly() throws IOException {
    Path ck = uniformCheckpoint();
    StringBuilder ids = new StringBuilder();
    for (int i = 0; i < 40; i++) ids.append(i * 7 % 256).append(' ');
    Path out = dir.resolve("runs").resolve("analyze-uniform");
    Cli.Run r = Cli.run("analyze", "--checkpoint", ck.toString(), "--tokens", ids.toString(), "--window", "16", "--windows", "2",
        "--tail", "4", "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("2 windows of 16 tokens, 2 layers × 4 heads"), r.out());

    Map<String, double[]> heads = csv(out.resolve("heads.csv"));
    assertEquals(8, heads.get("layer").length, "one row per layer and head");
    double prMean = 0;
    for (int n = 8; n <= 16; n++) prMean += n / 9.0;
    double lastFour = (Math.log(13) + Math.log(14) + Math.log(15) + Math.log(16)) / 4;
    for (int i = 0; i < 8; i++) {
      assertEquals(1.0, heads.get("sparsity_mean")[i], 1e-6, "S* of uniform rows");
      assertEquals(1.0, heads.get("sparsity_min")[i], 1e-6);
      assertEquals(prMean, heads.get("participation_ratio_mean")[i], 1e-4, "PR = n, averaged over n = 8..16");
      assertEquals(1.0, heads.get("entropy_over_ln_n_mean")[i], 1e-6, "H = ln n");
      assertEquals(lastFour, heads.get("entropy_at_window")[i], 1e-5, "entropy of the last 4 queries of 16");
      assertEquals(2, heads.get("windows")[i]);
      assertEquals(16, heads.get("window")[i]);
    }
    Map<String, double[]> ctx = csv(out.resolve("context.csv"));
    assertEquals(8 * 3, ctx.get("context").length, "contexts 4, 8, 16 for each head");
    assertEquals((Math.log(5) + Math.log(6) + Math.log(7) + Math.log(8)) / 4, ctx.get("entropy")[1], 1e-5, "context 8");
    assertEquals(8 * 16, csv(out.resolve("positions.csv")).get("position").length);

    // The site reads it like a lab report.
    Report report = ReportReader.read(dir.resolve("runs"), "analyze-uniform");
    assertEquals("Attention analysis: ck", report.meta().title());
    assertTrue(report.meta().chart("sparsity").isPresent() && report.meta().chart("entropy-context").isPresent());
    assertTrue(report.markdown().contains("{{chart:variance-slope}}"), report.markdown());
    assertTrue(report.data().stream().anyMatch(d -> d.name().equals("heads.csv")));

    // A second run replaces the report.
    assertEquals(0, Cli.run("analyze", "--checkpoint", ck.toString(), "--tokens", ids.toString(), "--window", "8", "--out",
        out.toString()).code());
    assertEquals(8, csv(out.resolve("heads.csv")).get("window")[0]);
  }

  @Test
  void textIsTokenizedWithTheCheckpointsTokenizerJsonAndEachWindowStartsWithItsPrefix() throws IOException {
    Path ck = uniformCheckpoint("vocab=461");
    try (InputStream in = getClass().getResourceAsStream("/dev/focus/tokenizer/hf/llama2/tokenizer.json")) {
      Files.write(ck.resolve("tokenizer.json"), in.readAllBytes());
    }
    Path text = dir.resolve("note.txt");
    Files.writeString(text, "Attention focus asks whether linear attention can concentrate like softmax attention. ".repeat(4));
    Path out = dir.resolve("runs").resolve("analyze-text");
    Cli.Run r = Cli.run("analyze", "--checkpoint", ck.toString(), "--text", text.toString(), "--window", "32", "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    String md = Files.readString(out.resolve("report.md"));
    assertTrue(md.contains("tokenizer.json (461 ids)"), md);
    assertTrue(md.contains("each starting with the tokenizer's 1-token prefix"), md);
    assertEquals(1.0, csv(out.resolve("heads.csv")).get("sparsity_mean")[0], 1e-6);
  }

  @Test
  void badArgumentsExitTwoWithOneLine() throws IOException {
    Path ck = uniformCheckpoint();
    Path notReport = Files.createDirectories(dir.resolve("mine"));
    Files.writeString(notReport.resolve("keep.txt"), "x");
    Cli.Run r = Cli.run("analyze", "--checkpoint", ck.toString(), "--tokens", "1 2 3", "--out", notReport.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("is not empty and does not hold a Focus report"), r.err());
    assertTrue(Files.exists(notReport.resolve("keep.txt")), "nothing of the user's is deleted");
    r = Cli.run("analyze", "--checkpoint", ck.toString(), "--tokens", "1 2 3", "--text", "x.txt", "--out", dir.resolve("a").toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("mutually exclusive"), r.err());
    r = Cli.run("analyze", "--checkpoint", ck.toString(), "--tokens", "1 2 3", "--out", dir.resolve("Bad Name").toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("must match"), r.err());
    r = Cli.run("analyze", "--checkpoint", ck.toString(), "--tokens", "5", "--out", dir.resolve("one").toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("windows of 1 token; need at least 2"), r.err());
  }
}
