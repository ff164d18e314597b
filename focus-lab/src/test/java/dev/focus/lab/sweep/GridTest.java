package dev.focus.lab.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GridTest {
  static final Set<String> KEYS = Set.of("attention", "position", "seed", "lr", "layers");

  @Test
  void everyCombinationOnceTheLastAxisFastest() {
    Grid g = Grid.parse(List.of("attention=softmax,linear", "position=rope,nope", "seed=1..3"), KEYS);
    List<Map<String, String>> c = g.combinations();
    assertEquals(12, c.size());
    assertEquals(Map.of("attention", "softmax", "position", "rope", "seed", "1"), c.get(0));
    assertEquals(Map.of("attention", "softmax", "position", "rope", "seed", "3"), c.get(2));
    assertEquals(Map.of("attention", "softmax", "position", "nope", "seed", "1"), c.get(3));
    assertEquals(Map.of("attention", "linear", "position", "nope", "seed", "3"), c.get(11));
    assertEquals(List.of("attention", "position", "seed"), List.copyOf(c.get(5).keySet()), "axis order");
    assertEquals(List.of("-1", "0", "1"), Grid.parse(List.of("seed=-1..1"), KEYS).axes().get(0).values());
    assertEquals(List.of("3e-3", "1e-3"), Grid.parse(List.of("lr= 3e-3 , 1e-3"), KEYS).axes().get(0).values());
  }

  @Test
  void badAxesAreRefusedInOneLineNamingThem() {
    assertMessage("--grid key 'heads' is not a model or training key; valid keys: ", List.of("heads=2,4"));
    assertMessage("--grid 'attention' must have the form KEY=V1,V2,... or KEY=A..B", List.of("attention"));
    assertMessage("--grid key 'seed' is given twice", List.of("seed=1", "seed=2"));
    assertMessage("--grid seed=3..1: the range runs backwards", List.of("seed=3..1"));
    assertMessage("--grid attention='softmax,' has an empty value", List.of("attention=softmax,"));
    assertMessage("--grid attention lists 'linear' twice", List.of("attention=linear,linear"));
    assertMessage("--grid needs at least one KEY=V1,V2,... axis", List.of());
    assertMessage("--grid seed=1..100000 has too many values", List.of("seed=1..100000"));
    assertMessage("--grid makes more than 10000 combinations; split the sweep", List.of("seed=1..1000", "layers=1..11"));
    assertMessage("--grid key 'a\\u0007b' is not a model", List.of("a\u0007b=1"));
  }

  private static void assertMessage(String start, List<String> specs) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Grid.parse(specs, KEYS));
    assertTrue(e.getMessage().startsWith(start), e.getMessage());
    assertTrue(e.getMessage().lines().count() == 1, "one line: " + e.getMessage());
  }
}
