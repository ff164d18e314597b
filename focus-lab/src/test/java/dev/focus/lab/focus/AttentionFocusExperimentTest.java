package dev.focus.lab.focus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.lab.run.MiniRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AttentionFocusExperimentTest {
  @Test
  void miniProfilePublishesClosedFormResidualsFloorsAndTrainedTable(@TempDir Path runs) throws Exception {
    MiniRun.run(runs, new AttentionFocusExperiment());
    Path dir = runs.resolve("01-attention-focus");
    String md = Files.readString(dir.resolve("report.md"));

    // E1 table: kind, max abs(closed − quadrature), at, MC within 5 s.e., max abs(z); one row per kind
    for (String kind : List.of("softmax \\(exp\\)", "identity", "relu", "relu²")) {
      Matcher m = Pattern.compile("\\| " + kind + " \\| ([0-9.e+-]+) \\| β=[^|]+\\| (\\d+) / (\\d+) \\|").matcher(md);
      assertTrue(m.find(), "E1 row for " + kind);
      double resid = Double.parseDouble(m.group(1));
      assertTrue(resid < 1e-8, kind + ": closed form vs quadrature " + resid);
      assertEquals(m.group(3), m.group(2), kind + ": every Monte Carlo point within 5 standard errors");
    }
    // the identity floor √(2/π) = 0.7978845608 is the smallest closed-form identity value on the grid
    Matcher floor = Pattern.compile("smallest closed-form value on the grid is ([0-9.]+)").matcher(md);
    assertTrue(floor.find());
    double idMin = Double.parseDouble(floor.group(1));
    assertTrue(idMin >= 0.7978845608 - 1e-10 && idMin < 0.80, "identity minimum " + idMin);

    // E3: identity and relu² are exactly invariant to the query scale; softmax falls towards n^{-1/2}
    Matcher drift = Pattern.compile("across \\$c\\$ is ([0-9.e+-]+)").matcher(md);
    assertTrue(drift.find());
    assertTrue(Double.parseDouble(drift.group(1)) < 1e-9, "homogeneous drift " + drift.group(1));

    // E5: the general linear formula equals the direct S* at finite n
    Matcher exact = Pattern.compile("\\| 16 \\| elu\\+1 \\| [0-9.]+ \\| ([0-9.e+-]+) \\|").matcher(md);
    assertTrue(exact.find(), "E5 exactness row");
    assertTrue(Double.parseDouble(exact.group(1)) < 1e-10, "general formula " + exact.group(1));

    // E7: a trained row per (task, kind, length), with an accuracy in [0, 100] %
    Matcher run = Pattern.compile("\\| needle \\| (softmax|linear) \\| 16 \\| 0 \\| 6 \\| ([0-9.]+)% \\|").matcher(md);
    int found = 0;
    while (run.find()) {
      double acc = Double.parseDouble(run.group(2));
      assertTrue(acc >= 0 && acc <= 100);
      found++;
    }
    assertEquals(2, found, "needle T=16 rows for softmax and linear");
    // MQAR: trained at T = 4·kv = 32 on the 1..8-pair mixture, one row per kind with 8 per-head S* (2 layers × 4 heads)
    Matcher mq = Pattern.compile("\\| mqar \\| (softmax|linear) \\| 32 \\| 0 \\| 6 \\| ([0-9.]+)% \\| [0-9.]+ \\| "
        + "((?:[0-9.]+ ){3}[0-9.]+ / (?:[0-9.]+ ){3}[0-9.]+) \\|").matcher(md);
    java.util.Map<String, Double> mqarAcc = new java.util.HashMap<>();
    while (mq.find()) {
      for (String v : mq.group(3).split(" / | ")) {
        double s = Double.parseDouble(v);
        assertTrue(s >= 1 / Math.sqrt(32) - 1e-9 && s <= 1, "S* in [n^-1/2, 1] at the last answer: " + s);
      }
      mqarAcc.put(mq.group(1), Double.parseDouble(mq.group(2)));
    }
    assertEquals(java.util.Set.of("softmax", "linear"), mqarAcc.keySet(), "MQAR rows for both kinds");
    assertTrue(md.contains("| MQAR | `mqar:vocab=32,kv=8`") && md.contains("from 1..8, measured at 8 pairs and separately at kv = 2, 4, 8 | 32 | 4 | 4 | 0.1 | 32 | 6 |"),
        "MQAR settings row");
    // accuracy against kv: the kv = 8 column is the table's MQAR accuracy, the others are measured on their own data
    for (String kind : List.of("softmax", "linear")) {
      Matcher kv = Pattern.compile("\\| " + kind + " \\| 32 \\| ([0-9.]+)% \\| ([0-9.]+)% \\| ([0-9.]+)% \\|").matcher(md);
      assertTrue(kv.find(), "kv row for " + kind);
      for (int g = 1; g <= 3; g++) assertTrue(Double.parseDouble(kv.group(g)) <= 100);
      assertEquals(mqarAcc.get(kind), Double.parseDouble(kv.group(3)), 1e-9, kind + " at kv = 8");
    }
    List<String> kvCsv = Files.readAllLines(dir.resolve("e7-mqar-kv.csv"));
    assertEquals(1 + 2 * 3, kvCsv.size(), "header + 2 kinds × kv ∈ {2, 4, 8}");
    List<String> heads = Files.readAllLines(dir.resolve("e7-heads.csv"));
    assertEquals(1 + 2 * 2 * 4 + 2 * 8, heads.size(), "one line per head: needle 2 kinds × 2 lengths × 4, MQAR 2 kinds × 8");
    assertTrue(md.contains("{{chart:e1-residual}}") && md.contains("{{chart:e7-acc-vs-s}}"));
    assertTrue(Files.exists(dir.resolve("e1-closed-vs-simulation.csv")) && Files.exists(dir.resolve("e7-trained.csv")));
    assertTrue(md.contains("## Verdict"));
  }
}
