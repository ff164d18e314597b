package dev.focus.fuzz;

import dev.focus.md.MathMarkdown;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The Markdown-with-math renderer ({@link MathMarkdown#render}) on arbitrary text. Beyond the
 * contract, the sanitiser's promise is checked on every output: no script or style element, no
 * event-handler attribute, no {@code javascript:} or {@code data:} URL.
 */
class MarkdownFuzzTest extends FuzzTarget {
  private static final MathMarkdown MD = MathMarkdown.create();
  private static final Pattern UNSAFE = Pattern.compile(
      "<\\s*(script|style|iframe|object|embed|svg|math|form|input|link|meta|base)\\b|\\son[a-z]+\\s*=|(href|src)\\s*=\\s*\"\\s*(javascript|data|vbscript):");

  @Override
  void accept(byte[] input) {
    String html = MD.render(new String(input, StandardCharsets.UTF_8));
    var m = UNSAFE.matcher(html.toLowerCase(Locale.ROOT));
    if (m.find()) throw new AssertionError("unsafe HTML survived the sanitiser: " + m.group());
  }

  @Override
  List<byte[]> seeds() {
    return List.of("# Title\n\nInline $x^2$ and display:\n\n$$\\sum_{i<n} a_i$$\n",
            "\\[ \\frac{a}{b} \\] and \\(c\\) with `code $x$`\n\n\\begin{align} a &= b \\\\ c &= d \\end{align}",
            "| a | $b|c$ |\n|---|:-:|\n| 1 | 2 |\n", "<script>alert(1)</script> <img src=x onerror=alert(1)>",
            "[x](javascript:alert(1)) ![y](data:image/png;base64,AA) <a href=\"http://e.com\" onclick=\"f()\">z</a>",
            "* item $a_1$\n  > quote **bold** ~~gone~~ _em_\n1. one\n2. two\n\n---\n", "$$\n\\begin{cases} x \\\\ y \\end{cases}\n$$")
        .stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
  }
}
