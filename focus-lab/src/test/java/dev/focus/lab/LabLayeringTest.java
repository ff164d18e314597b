package dev.focus.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The lab layers one way: dev.focus.lab (the table of contents) → one package per experiment →
 * dev.focus.lab.run (what they share). Experiments never import each other, run imports none of
 * them, and the lab writes reports through focus-report without pulling in the web server.
 */
class LabLayeringTest {
  private static final Path SOURCES = Path.of("src/main/java/dev/focus/lab");
  private static final Pattern IMPORT = Pattern.compile("^import (?:static )?dev\\.focus\\.lab\\.([a-z]+)\\.", Pattern.MULTILINE);

  @Test
  void experimentPackagesImportOnlyTheSharedRunPackage() throws IOException {
    assertTrue(Files.isDirectory(SOURCES), "run from the module directory: " + SOURCES.toAbsolutePath());
    List<String> wrong = new ArrayList<>();
    int files = 0;
    try (Stream<Path> all = Files.walk(SOURCES)) {
      for (Path p : all.filter(f -> f.toString().endsWith(".java")).toList()) {
        Path rel = SOURCES.relativize(p);
        if (rel.getNameCount() < 2) continue; // dev.focus.lab itself lists the experiments
        String pkg = rel.getName(0).toString();
        files++;
        Matcher m = IMPORT.matcher(Files.readString(p));
        while (m.find()) {
          String target = m.group(1);
          boolean ok = pkg.equals("run") ? target.equals("run") : target.equals("run") || target.equals(pkg);
          if (!ok) wrong.add(rel + " imports dev.focus.lab." + target);
        }
      }
    }
    assertTrue(files > 40, "read " + files + " files");
    assertEquals(List.of(), wrong);
  }

  @Test
  void theLabClassPathHoldsNoHttpServer() {
    assertThrows(ClassNotFoundException.class, () -> Class.forName("io.javalin.Javalin"));
    assertThrows(ClassNotFoundException.class, () -> Class.forName("org.eclipse.jetty.server.Server"));
    assertThrows(ClassNotFoundException.class, () -> Class.forName("dev.focus.web.server.SiteServer"));
  }
}
