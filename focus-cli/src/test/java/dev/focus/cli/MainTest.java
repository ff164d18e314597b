package dev.focus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static dev.focus.cli.Cli.run;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MainTest {

  @Test
  void helpListsEverySubcommand() {
    Cli.Run r = run("--help");
    assertEquals(0, r.code());
    for (String c : new String[] {"lab", "doctor", "bench", "positions", "rope", "sparsity", "init", "train", "logits", "sample",
        "eval", "generate", "setup", "md", "serve", "site"}) {
      assertTrue(r.out().contains("  " + c + " "), c + " missing from:\n" + r.out());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"bogus", "--bogus", "lab --bogus", "positions --scheme", "sparsity --kind exp --beta x --gamma 1"})
  void userErrorsPrintOneLineAndExitTwo(String args) {
    Cli.Run r = run(args.split(" "));
    assertEquals(2, r.code(), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().startsWith("focus"), r.err());
    assertTrue(!r.err().contains("Exception") && !r.err().contains("\tat "), "no stack trace: " + r.err());
  }

  @Test
  void everySubcommandHasHelp() {
    for (String c : new String[] {"lab", "doctor", "bench", "positions", "rope", "sparsity", "init", "train", "logits", "sample",
        "eval", "generate", "setup", "md", "serve", "site"}) {
      Cli.Run r = run(c, "--help");
      assertEquals(0, r.code(), c);
      assertTrue(r.out().startsWith("Usage: focus " + c), c + ": " + r.out());
    }
  }
}
