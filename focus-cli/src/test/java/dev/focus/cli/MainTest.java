package dev.focus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MainTest {
  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter(), err = new StringWriter();
    int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void helpListsEverySubcommand() {
    Run r = run("--help");
    assertEquals(0, r.code());
    for (String c : new String[] {"lab", "doctor", "bench", "positions", "rope", "sparsity", "init", "train", "logits", "sample",
        "eval", "generate", "setup", "md", "serve", "site"}) {
      assertTrue(r.out().contains("  " + c + " "), c + " missing from:\n" + r.out());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"bogus", "--bogus", "lab --bogus", "positions --scheme", "sparsity --kind exp --beta x --gamma 1"})
  void userErrorsPrintOneLineAndExitTwo(String args) {
    Run r = run(args.split(" "));
    assertEquals(2, r.code(), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().startsWith("focus"), r.err());
    assertTrue(!r.err().contains("Exception") && !r.err().contains("\tat "), "no stack trace: " + r.err());
  }

  @Test
  void everySubcommandHasHelp() {
    for (String c : new String[] {"lab", "doctor", "bench", "positions", "rope", "sparsity", "init", "train", "logits", "sample",
        "eval", "generate", "setup", "md", "serve", "site"}) {
      Run r = run(c, "--help");
      assertEquals(0, r.code(), c);
      assertTrue(r.out().startsWith("Usage: focus " + c), c + ": " + r.out());
    }
  }
}
