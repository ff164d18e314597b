package dev.focus.fuzz;

import dev.focus.lab.sweep.Grid;
import dev.focus.model.Model;
import dev.focus.model.ModelConfig;
import dev.focus.model.Overrides;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The sweep's {@code --grid KEY=V1,V2 …} parser ({@link Grid#parse}) on arbitrary lines, each line one
 * axis, with the keys {@code focus sweep} accepts; then, as the sweep does before anything runs, the
 * model keys of the first combinations applied with {@link Overrides} and the size check. Every input
 * is accepted or refused in one line, within the time and memory bounds.
 */
class GridFuzzTest extends FuzzTarget {
  /** Model keys, and training keys as focus sweep names them. */
  static final Set<String> KEYS = keys();

  private static Set<String> keys() {
    Set<String> k = new LinkedHashSet<>(Overrides.KEYS);
    k.addAll(List.of("steps", "batch", "seq", "lr", "warmup", "seed"));
    return k;
  }

  @Override
  void accept(byte[] input) {
    String text = new String(input, StandardCharsets.UTF_8);
    Grid g = Grid.parse(Arrays.asList(text.split("\n", 8)), KEYS);
    if (g.axes().isEmpty()) throw new AssertionError("a parsed grid has an axis");
    for (Map<String, String> point : firstCombinations(g, 4)) {
      Map<String, String> model = new LinkedHashMap<>(point);
      model.keySet().retainAll(Overrides.KEYS);
      Model.requireMemory(Overrides.apply(ModelConfig.micro(), model));
    }
  }

  /** The first {@code max} combinations without building all of them (a grid may hold 10,000). */
  private static List<Map<String, String>> firstCombinations(Grid g, int max) {
    List<Grid.Axis> axes = g.axes();
    java.util.ArrayList<Map<String, String>> out = new java.util.ArrayList<>();
    int[] index = new int[axes.size()];
    while (out.size() < max) {
      Map<String, String> m = new LinkedHashMap<>();
      for (int a = 0; a < axes.size(); a++) m.put(axes.get(a).key(), axes.get(a).values().get(index[a]));
      out.add(m);
      int a = axes.size() - 1;
      while (a >= 0 && ++index[a] == axes.get(a).values().size()) index[a--] = 0;
      if (a < 0) break;
    }
    return out;
  }

  @Override
  List<byte[]> seeds() {
    return List.of("attention=softmax,linear\nposition=rope,nope\nseed=1..3", "lr=1e-3,3e-3\nsteps=100,200", "layers=1..4\nhidden=32,64",
            "seed=-2..2", "position=alibi,sinusoidal,learned\nheads=2,4", "ropeTheta=10000,500000\nropeScaling=none,linear:factor=2",
            "seed=3..1", "colour=red", "attention=softmax,,linear")
        .stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
  }
}
