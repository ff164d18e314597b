package dev.focus.lab.positions;

import dev.focus.multimodal.MultimodalModel;
import dev.focus.testing.GoldenTable;
import dev.focus.train.Trainable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The symbol grids of report 4 train to the same weights for the same seed across versions: a SHA-256
 * of every parameter after a few steps, against a checked-in table written before the grids moved onto
 * the one training loop ({@link GoldenTable}).
 */
class SymbolGridsGoldenTest {
  @Test
  void gridsTrainToTheSameWeightsAsTheCheckedInTable() throws Exception {
    Map<String, String> got = new LinkedHashMap<>();
    for (String scheme : List.of("rope-tv", "flat")) {
      SymbolGrids.Settings s = new SymbolGrids.Settings(4, 4, 3e-3, 2, 3, 2, 16, 1, 2, 100.0, 0.1, 3);
      MultimodalModel m = SymbolGrids.train(scheme, s, SymbolGrids.CONTEXT, step -> { }, () -> false);
      List<Trainable.Param> ps = new ArrayList<>(m.params());
      ps.sort(Comparator.comparing(Trainable.Param::name));
      got.put("grids-" + scheme, GoldenTable.digest(ps.stream().map(Trainable.Param::value).toList()));
    }
    GoldenTable.compare(SymbolGridsGoldenTest.class, "symbol-grids-golden", "parameter digest", got);
  }
}
