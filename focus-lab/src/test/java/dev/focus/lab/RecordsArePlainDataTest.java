package dev.focus.lab;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.lab.run.Experiment;
import dev.focus.lab.run.Profile;
import java.io.Serializable;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every experiment's settings and results are plain data that can be sent to another machine and
 * stored: serializable records whose components are, all the way down, primitives, strings, enums,
 * arrays, lists or string-keyed maps of those, or such records. No model, dataset or open resource
 * hides in a result.
 */
class RecordsArePlainDataTest {
  @Test
  void settingsAndResultsOfEveryExperimentArePlainSerializableRecords() throws Exception {
    for (Experiment<?, ?> e : Experiments.all()) {
      Class<?> settings = e.settings(Profile.MINI, 1).getClass();
      Class<?> results = declared(e.getClass(), "run");
      List<String> problems = new ArrayList<>();
      check(settings, settings.getSimpleName(), problems, new HashSet<>());
      check(results, results.getSimpleName(), problems, new HashSet<>());
      assertTrue(problems.isEmpty(), e.slug() + ": " + problems);
    }
  }

  /** The return type of the non-bridge method {@code name} an experiment declares. */
  private static Class<?> declared(Class<?> c, String name) {
    for (Method m : c.getDeclaredMethods()) if (m.getName().equals(name) && !m.isBridge()) return m.getReturnType();
    throw new AssertionError(c + " declares no " + name);
  }

  private static void check(Type t, String path, List<String> problems, Set<Type> seen) {
    if (t instanceof Class<?> c) {
      if (c.isPrimitive() || c == String.class || c.isEnum() || Number.class.isAssignableFrom(c) || c == Boolean.class) return;
      if (c.isArray()) {
        check(c.getComponentType(), path + "[]", problems, seen);
        return;
      }
      if (c.isRecord()) {
        if (!seen.add(c)) return;
        if (!Serializable.class.isAssignableFrom(c)) problems.add(path + ": " + c.getName() + " is not Serializable");
        for (RecordComponent rc : c.getRecordComponents()) check(rc.getGenericType(), path + "." + rc.getName(), problems, seen);
        return;
      }
      problems.add(path + ": " + c.getName() + " is not plain data");
    } else if (t instanceof ParameterizedType p && p.getRawType() == List.class) {
      check(p.getActualTypeArguments()[0], path + "[i]", problems, seen);
    } else if (t instanceof ParameterizedType p && p.getRawType() == Map.class && p.getActualTypeArguments()[0] == String.class) {
      check(p.getActualTypeArguments()[1], path + "[key]", problems, seen);
    } else if (t instanceof GenericArrayType g) {
      check(g.getGenericComponentType(), path + "[]", problems, seen);
    } else {
      problems.add(path + ": " + t.getTypeName() + " is not plain data");
    }
  }
}
