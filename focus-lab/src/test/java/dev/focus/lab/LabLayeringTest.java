package dev.focus.lab;

import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * The lab writes reports through focus-report without pulling in the web server: its class path (what
 * focus-lab's pom declares) holds no HTTP server. How the lab's packages depend on each other (one
 * package per experiment, sharing only dev.focus.lab.run) and that no lab class uses Javalin are
 * checked on the classes themselves by focus-cli's ArchitectureTest, which sees every module.
 */
class LabLayeringTest {
  @Test
  void theLabClassPathHoldsNoHttpServer() {
    assertThrows(ClassNotFoundException.class, () -> Class.forName("io.javalin.Javalin"));
    assertThrows(ClassNotFoundException.class, () -> Class.forName("org.eclipse.jetty.server.Server"));
    assertThrows(ClassNotFoundException.class, () -> Class.forName("dev.focus.web.server.SiteServer"));
  }
}
