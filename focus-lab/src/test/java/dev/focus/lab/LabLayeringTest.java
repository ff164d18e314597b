package dev.focus.lab;

import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The lab layers one way: it writes reports through focus-report and never pulls in the web server. */
class LabLayeringTest {
  @Test
  void theLabClassPathHoldsNoHttpServer() {
    assertThrows(ClassNotFoundException.class, () -> Class.forName("io.javalin.Javalin"));
    assertThrows(ClassNotFoundException.class, () -> Class.forName("org.eclipse.jetty.server.Server"));
    assertThrows(ClassNotFoundException.class, () -> Class.forName("dev.focus.web.server.SiteServer"));
  }
}
