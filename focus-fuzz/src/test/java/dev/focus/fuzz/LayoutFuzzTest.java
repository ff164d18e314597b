package dev.focus.fuzz;

import dev.focus.position.Layout;
import dev.focus.position.PositionScheme;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The layout parser ({@link Layout#parse}) on arbitrary text; layouts of at most 4,096 tokens are
 * also assigned coordinates under every position scheme.
 */
class LayoutFuzzTest extends FuzzTarget {
  @Override
  void accept(byte[] input) {
    Layout l = Layout.parse(new String(input, StandardCharsets.UTF_8));
    if (l.tokens() > 4096) return;
    for (PositionScheme s : PositionScheme.values()) {
      try {
        s.assign(l);
      } catch (IllegalArgumentException e) {
        if (!Contract.isProjectException(e)) throw e; // e.g. video under a 2-D scheme: must say so in one line
      }
    }
  }

  @Override
  List<byte[]> seeds() {
    return List.of("T T T I2x3 T T", "V2x2x3 T I1x1", "I1x1", "T", "  T\tI3x3  V1x2x2 ", "I4x4 I4x4 T")
        .stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
  }
}
