package dev.focus.lab.positions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.lab.run.Findings;
import dev.focus.lab.run.LabRunner;
import dev.focus.lab.run.MiniRun;
import dev.focus.multimodal.CaptionVocab;
import dev.focus.multimodal.PackedSequence;
import dev.focus.multimodal.Packer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PositionsExperimentTest {
  @Test
  void miniProfilePublishesTablesChecksMapsAndTraining(@TempDir Path runs) throws Exception {
    LabRunner runner = MiniRun.run(runs, new PositionsExperiment());
    Path dir = runs.resolve("04-multimodal-positions");
    String md = Files.readString(dir.resolve("report.md"));
    // Sequence A (spec 04 §7) under RoPE-TV and RoPE-Tie-frac, as the library computes them.
    assertTrue(md.contains("| 3 | patch r1c1 | 3 | (6, 5) | (4.333, 3.75) | (5, 4.5) |"), "Sequence A row 3");
    assertTrue(md.contains("| 9 | text | 9 | (14, 14) | (9, 9) | (9, 9) | (9, 9, 9) | (6, 6, 6) |"), "Sequence A row 9");
    // Budgets of a 24×32 image: hw = 768, rope-tie hw+h+w = 824, mrope max(h, w) = 32.
    assertTrue(md.contains("| 24 × 32 | 768 | 768 | 824 | 768 | 768 | 768 | 32 |"), "budget row 24x32");
    assertTrue(md.contains("{{chart:logits-wide-rope-tv-ones}}") && md.contains("{{chart:grid-accuracy}}"));
    assertTrue(Files.exists(dir.resolve("grid-accuracy.csv")) && Files.exists(dir.resolve("checks.csv")));
    // Training settings and the at reference levels: one axis found, the other guessed, 1/w + (1 − 1/w)/4.
    assertTrue(md.contains("4 steps of batch 32 (the first half on 2×2 and 3×3 grids only"), "curriculum stated");
    assertTrue(md.contains("50% on 3×3, 43.8% on 4×4 (46.9% on the two squares)"), "one-axis levels");
    // Four steps teach nothing: no scheme grounds, and the verdict says it leaves at out.
    assertTrue(md.contains("No scheme grounds both coordinates in this run"), "at table conclusion");
    assertTrue(md.contains("At is left out of the verdict: flat, rope-tie, rope-tv, mrope do not beat the one-axis level"));
    assertTrue(runner.finished(new PositionsExperiment()), "a rerun skips the finished report");
  }

  @Test
  void checksPassRopeTvAndFailTheOthersWhereTheNoteSays() {
    var c = PositionsExperiment.checks(new Findings()).byScheme();
    assertTrue(c.get("rope-tv").allThree() && c.get("rope-tv").cropConsistent(), "rope-tv passes every check");
    assertTrue(c.get("rope-tv").image2dUnit());
    for (String s : PositionsExperiment.SCHEMES) assertEquals(0, c.get(s).textBitMismatches(), s + ": text equals RoPE-1D bit for bit");
    assertTrue(c.get("rope-tie").compatible() && !c.get("rope-tie").equivalent() && c.get("rope-tie").symmetric());
    assertFalse(c.get("mrope").equivalent() || c.get("mrope").symmetric(), "mrope fails equivalence and symmetry");
    assertTrue(c.get("mrope").compatible() && c.get("mrope").cropConsistent());
    assertFalse(c.get("flat").compatible(), "a flat index is no 2-D grid");
    assertFalse(c.get("rope-tie-frac").cropConsistent(), "fractional steps depend on the shape");
    // Largest misplacement of text: rope-tie adds h + w per block (I6x2 then I2x6: 8 + 8 = 16).
    assertEquals(16, c.get("rope-tie").equivalenceGap(), 0);
    // mrope on Sequence A: left gap (1,1,1), right gap (3,2,1); on I6x2 the h axis differs by 5, on T I3x7: 6.
    assertEquals(6, c.get("mrope").symmetryGap(), 0);
  }

  @Test
  void budgetsFollowTheClosedForms() {
    for (int[] s : PositionsExperiment.BUDGET_SHAPES) {
      int h = s[0], w = s[1];
      for (String scheme : List.of("flat", "rope-tie-frac", "rope-tv", "rope-tv-3d")) {
        assertEquals(h * w, PositionsExperiment.budget(scheme, h, w), 1e-9, scheme + " " + h + "x" + w);
      }
      assertEquals((w + 1) * (h + 1) - 1, PositionsExperiment.budget("rope-tie", h, w), 0, "rope-tie " + h + "x" + w);
      assertEquals(Math.max(h, w), PositionsExperiment.budget("mrope", h, w), 0, "mrope " + h + "x" + w);
    }
  }

  @Test
  void logitMapsAreSymmetricUnderRopeTvAndNotUnderMrope() {
    // q = k = 1: the logit depends on |Δ| per axis only, so equal gaps give equal logits.
    double[][] tv = PositionsExperiment.logitMap("rope-tv", 4, 8, 0, 1);
    assertEquals(tv[0][0], tv[3][15], 1e-9, "rope-tv: before→first = after→last");
    double[][] mr = PositionsExperiment.logitMap("mrope", 4, 8, 0, 1);
    assertTrue(Math.abs(mr[0][0] - mr[3][15]) > 0.1, "mrope: before→first ≠ after→last");
    // Flat text right before the first patch: Δ = 1 on every pair, Σ 2cos θ_i / d.
    double[][] flat = PositionsExperiment.logitMap("flat", 4, 8, 0, 1);
    double expect = 0;
    for (int i = 0; i < 64; i++) expect += 2 * Math.cos(1.0 / Math.pow(10000, 2.0 * i / 128));
    assertEquals(expect, flat[0][0], 1e-12);
  }

  @Test
  void groundingNeedsBothCoordinatesBeyondTheOneAxisLevel() {
    assertEquals(1.0, PositionsExperiment.oneAxis(1), 0, "a one-wide grid: the row is the cell");
    assertEquals(0.4375, PositionsExperiment.oneAxis(4), 1e-15);
    assertEquals((0.5 + 0.4375) / 2, PositionsExperiment.ONE_AXIS_SQUARES, 1e-15);
    // One seed: margin 3 points, so 0.50 (3.1 above the level) grounds and 0.49 does not.
    java.util.Map<String, double[][][]> acc = new java.util.LinkedHashMap<>();
    acc.put("rope-tv", accuracies(0.50, 0.9));
    acc.put("rope-tie", accuracies(0.49, 0.9));
    PositionsExperiment.Training tr = new PositionsExperiment.Training(acc, 1);
    assertEquals(0.03, tr.atMargin(), 0);
    assertTrue(tr.grounds("rope-tv"));
    assertFalse(tr.grounds("rope-tie"));
    // Two seeds 0.6 and 0.8 on squares: s.d. of the per-seed means 0.1414 (n − 1), margin 0.283.
    acc.put("rope-tv", new double[][][] {{{0.6, 0.8}, {0.6, 0.8}, null, null, null, null}, new double[6][]});
    acc.put("rope-tie", new double[][][] {{{0.7, 0.7}, {0.7, 0.7}, null, null, null, null}, new double[6][]});
    PositionsExperiment.Training two = new PositionsExperiment.Training(acc, 2);
    assertEquals(2 * Math.sqrt(0.02), two.atMargin(), 1e-12);
    assertFalse(two.grounds("rope-tv"), "0.7 < 0.469 + 0.283");
  }

  /** One seed: at = {@code at} on every shape, rel = {@code rel}. */
  private static double[][][] accuracies(double at, double rel) {
    double[][][] a = new double[2][6][];
    for (int sh = 0; sh < 6; sh++) {
      a[0][sh] = new double[] {at};
      a[1][sh] = new double[] {rel};
    }
    return a;
  }

  @Test
  void theCurriculumLeavesTheLargestSideOutForItsSteps() {
    SymbolGrids.Settings s = new SymbolGrids.Settings(100, 32, 3e-3, 2, 4, 40, 64, 2, 4, 100, 0.02, 1);
    SplittableRandom rng = new SplittableRandom(5);
    int[] early = new int[5], late = new int[5];
    for (int k = 0; k < 400; k++) {
      early[SymbolGrids.side(s, k % 40, rng)]++;
      late[SymbolGrids.side(s, 40 + k % 60, rng)]++;
    }
    assertEquals(0, early[4], "no 4×4 grid during the curriculum");
    assertTrue(early[2] > 0 && early[3] > 0);
    assertTrue(late[2] > 0 && late[3] > 0 && late[4] > 0, "every side afterwards");
  }

  @Test
  void symbolGridQuestionsAnswerFromTheGrid() {
    SplittableRandom rng = new SplittableRandom(3);
    for (int n = 0; n < 50; n++) {
      int h = 1 + rng.nextInt(4), w = 1 + rng.nextInt(4);
      SymbolGrids.Example e = SymbolGrids.example(h, w, 3, rng);
      int anchors = 0;
      char[][] g = new char[h][w];
      for (int i = 0; i < h; i++) {
        for (int j = 0; j < w; j++) {
          int[] p = {e.image().get(2 * i, 2 * j, 0), e.image().get(2 * i, 2 * j + 1, 0), e.image().get(2 * i + 1, 2 * j, 0),
              e.image().get(2 * i + 1, 2 * j + 1, 0)};
          g[i][j] = p[0] + p[1] + p[2] + p[3] == 4 ? 'x' : p[0] == 1 && p[1] == 1 ? 'a' : p[0] == 1 && p[2] == 1 ? 'b' : p[0] == 1 ? 'c' : 'd';
          if (g[i][j] == 'x') anchors++;
        }
      }
      assertEquals(h * w >= 2 ? 1 : 0, anchors);
      for (SymbolGrids.Question q : e.questions()) {
        if (q.task() == SymbolGrids.Task.AT) {
          int r = q.text().charAt(1) - '1', c = q.text().charAt(3) - '1';
          assertEquals(g[r][c], q.answer(), q.text());
        } else {
          int ar = -1, ac = -1;
          for (int i = 0; i < h; i++) for (int j = 0; j < w; j++) if (g[i][j] == 'x') { ar = i; ac = j; }
          int dr = q.text().equals("up") ? -1 : q.text().equals("dn") ? 1 : 0, dc = q.text().equals("lt") ? -1 : q.text().equals("rt") ? 1 : 0;
          assertEquals(g[ar + dr][ac + dc], q.answer(), q.text());
        }
      }
      int[] rows = new int[e.questions().size()];
      PackedSequence s = SymbolGrids.pack(e, new Packer(SymbolGrids.PATCH, SymbolGrids.CONTEXT), rows);
      int targets = 0;
      for (int t : s.targets()) if (t != PackedSequence.IGNORE) targets++;
      assertEquals(e.questions().size(), targets, "only answers carry a loss");
      for (int k = 0; k < rows.length; k++) {
        assertEquals(CaptionVocab.encode(" ")[0], s.tokens()[rows[k]], "the answer is predicted from the space after the question");
        assertEquals(CaptionVocab.encode(String.valueOf(e.questions().get(k).answer()))[0], s.targets()[rows[k]]);
      }
    }
  }
}
