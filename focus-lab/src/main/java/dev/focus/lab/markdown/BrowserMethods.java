package dev.focus.lab.markdown;

import dev.focus.checkpoint.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Report 3's cases as four methods handled them in headless Chromium (issue 15), read from the
 * checked-in {@link #FIXTURE}: focus-it's {@code BrowserMethodsTest} measures them in every build
 * (Debian Chromium, MathJax, marked) and fails when they differ from the file, so the lab shows
 * browser numbers without starting a browser. The methods:
 * <ul>
 *   <li>{@code naive}: marked with its defaults, the HTML put in the page as it is, then MathJax 3 with
 *       {@code $…$}, {@code $$…$$}, {@code \(…\)}, {@code \[…\]} and environments;</li>
 *   <li>{@code note}: the note's fix [A] rebuilt from spec 03 §1 — MathJax 2.7.9 typesets the raw
 *       Markdown in a detached div, marked parses what is left, the math/tex scripts are put back in
 *       order, and a second typeset;</li>
 *   <li>{@code focus-java}: Focus's Java renderer, sanitised, typeset by the site's MathJax 3
 *       configuration (only Focus's wrappers);</li>
 *   <li>{@code focus-twin}: Focus's browser twin, marked + {@code focus-math.js} + DOMPurify with
 *       Focus's policy, typeset the same way.</li>
 * </ul>
 * A case is intact for a method when the TeX the engine typeset equals the case's expected TeX (each
 * trimmed at both ends), none of the engine's markup shows as text, and no script is live.
 */
public final class BrowserMethods {
  private BrowserMethods() {}

  /** The class-path location of the fixture (in focus-lab's resources). */
  public static final String FIXTURE = "dev/focus/lab/markdown/browser-methods.json";

  /** The methods, in report order. */
  public static final List<String> METHODS = List.of("naive", "note", "focus-java", "focus-twin");

  /** One method on one case: whether it stayed intact, the TeX the engine typeset, and why not ("" when intact). */
  public record Outcome(boolean intact, List<String> tex, String problem) implements Serializable {
    public Outcome {
      tex = List.copyOf(tex);
    }
  }

  /** One case: its set, category and name (as in {@link ManglingCases}), expected TeX, and one outcome per method in {@link #METHODS} order. */
  public record Case(String set, String category, String name, List<String> expected, List<Outcome> outcomes) implements Serializable {
    public Case {
      expected = List.copyOf(expected);
      outcomes = List.copyOf(outcomes);
    }

    public Outcome of(String method) { return outcomes.get(METHODS.indexOf(method)); }
  }

  /** The fixture: where it was measured (browser and library versions) and every case. */
  public record Result(String browser, String mathjax2, String mathjax3, String marked, String dompurify, List<Case> cases)
      implements Serializable {
    public Result {
      cases = List.copyOf(cases);
    }

    /** The cases of one set and category (null: any). */
    public List<Case> of(String set, String category) {
      return cases.stream().filter(c -> (set == null || c.set().equals(set)) && (category == null || c.category().equals(category)))
          .toList();
    }

    /** How many of {@code cases} {@code method} kept intact. */
    public static int intact(List<Case> cases, String method) {
      return (int) cases.stream().filter(c -> c.of(method).intact()).count();
    }
  }

  /** Formulas trimmed at both ends (spec 03 §2.2 whitespace), as every comparison of report 3 takes them. */
  public static List<String> trimmed(List<String> tex) {
    return tex.stream().map(t -> t.replaceAll("^[ \\t\\n\\f\\r]+|[ \\t\\n\\f\\r]+$", "")).toList();
  }

  /** The checked-in fixture. */
  @SuppressWarnings("unchecked")
  public static Result read() {
    try (InputStream in = BrowserMethods.class.getClassLoader().getResourceAsStream(FIXTURE)) {
      if (in == null) throw new IllegalStateException(FIXTURE + " missing from the classpath");
      Map<String, Object> json = Json.parseObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      List<Case> cases = new ArrayList<>();
      for (Object o : (List<Object>) json.get("cases")) {
        Map<String, Object> c = (Map<String, Object>) o;
        List<Outcome> outcomes = new ArrayList<>();
        for (String m : METHODS) {
          Map<String, Object> x = (Map<String, Object>) c.get(m);
          outcomes.add(new Outcome((Boolean) x.get("intact"), strings(x.get("tex")), (String) x.get("problem")));
        }
        cases.add(new Case((String) c.get("set"), (String) c.get("category"), (String) c.get("name"), strings(c.get("expected")),
            outcomes));
      }
      return new Result((String) json.get("browser"), (String) json.get("mathjax2"), (String) json.get("mathjax3"),
          (String) json.get("marked"), (String) json.get("dompurify"), cases);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + FIXTURE + ": " + e.getMessage(), e);
    }
  }

  @SuppressWarnings("unchecked")
  private static List<String> strings(Object list) {
    return ((List<Object>) list).stream().map(String.class::cast).toList();
  }
}
