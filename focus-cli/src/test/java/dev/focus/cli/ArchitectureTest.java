package dev.focus.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The package rules of Focus, checked on the main classes of every module (this module depends on all
 * of them; tests are left out): the top-level packages dev.focus.X form no cycle, the lab does not
 * use the web server, and the lab's experiment packages share only dev.focus.lab.run. The lab's own test
 * (LabLayeringTest) checks what only its class path shows: that no HTTP server is on it at all.
 */
@AnalyzeClasses(packages = "dev.focus", importOptions = {ImportOption.DoNotIncludeTests.class, ArchitectureTest.NoTestJars.class})
class ArchitectureTest {
  /** focus-core's test jar (tests and shared test helpers) is on this module's test class path too; it is not main code. */
  static final class NoTestJars implements ImportOption {
    @Override
    public boolean includes(Location location) { return !location.contains("-tests.jar"); }
  }

  private static final String LAB = "dev.focus.lab.";

  /** The packages dev.focus.X (with their subpackages) depend on each other one way only. */
  @ArchTest
  static final ArchRule topLevelPackagesFormNoCycle = slices().matching("dev.focus.(*)..").should().beFreeOfCycles();

  /** The lab writes reports through focus-report; Javalin and the site server belong to focus-web. */
  @ArchTest
  static final ArchRule theLabDoesNotUseTheWebServer = noClasses().that().resideInAPackage("dev.focus.lab..")
      .should().dependOnClassesThat().resideInAnyPackage("io.javalin..", "org.eclipse.jetty..", "dev.focus.web..");

  /** The rules read every module: a class path without one of them would make them pass vacuously. */
  @ArchTest
  static void everyModuleIsRead(JavaClasses classes) {
    Set<String> read = new TreeSet<>();
    for (JavaClass c : classes) read.add(c.getPackageName());
    for (String p : List.of("dev.focus.attention", "dev.focus.model", "dev.focus.position", "dev.focus.md", "dev.focus.report",
        "dev.focus.web.server", "dev.focus.lab.run", "dev.focus.spark", "dev.focus.cli")) {
      assertTrue(read.contains(p), "no classes of " + p + " among " + read.size() + " packages read");
    }
  }

  /**
   * dev.focus.lab lists the experiments, one package each (and the sweep's), and dev.focus.lab.run is
   * what they share: none of those packages uses another, and run uses none of them.
   */
  @ArchTest
  static void labPackagesShareOnlyTheRunPackage(JavaClasses classes) {
    Set<String> experiments = new TreeSet<>();
    for (JavaClass c : classes) {
      String p = c.getPackageName();
      if (p.startsWith(LAB)) experiments.add(p.substring(LAB.length()).split("\\.")[0]);
    }
    experiments.remove("run");
    assertTrue(experiments.size() >= 4, "experiment packages " + experiments);
    for (String e : experiments) {
      String[] others = experiments.stream().filter(o -> !o.equals(e)).map(o -> LAB + o + "..").toArray(String[]::new);
      noClasses().that().resideInAPackage(LAB + e + "..").should().dependOnClassesThat().resideInAnyPackage(others).check(classes);
    }
    String[] all = experiments.stream().map(o -> LAB + o + "..").toArray(String[]::new);
    noClasses().that().resideInAPackage(LAB + "run..").should().dependOnClassesThat().resideInAnyPackage(all).check(classes);
  }
}
