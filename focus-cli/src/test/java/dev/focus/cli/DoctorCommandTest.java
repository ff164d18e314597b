package dev.focus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.kernel.Kernels;
import dev.focus.kernel.SgemmBlocking;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The doctor's report has every line; its speed verdicts are not asserted (tests never time). */
class DoctorCommandTest {
  @Test
  void reportsJdkVectorApiThreadsAndSgemmSpeed() {
    StringWriter out = new StringWriter(), err = new StringWriter();
    int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), "doctor");
    String s = out.toString();
    assertEquals(0, code, err.toString());
    assertTrue(s.startsWith("java           " + Runtime.version()), s);
    assertTrue(s.contains("\nkernels        " + Kernels.get().name() + " "), s);
    assertTrue(s.contains("\ncores          " + Runtime.getRuntime().availableProcessors() + " available"), s);
    assertTrue(s.matches("(?s).*\nsgemm 1024     [0-9.]+ GFLOP/s on \\d+ threads? \\(wall clock\\), [0-9.]+ on 1 thread "
        + "\\(CPU time\\); medians of " + DoctorCommand.SGEMM_REPS + "\n.*"), s);
    if (Kernels.get().vectorBits() > 0) {
      SgemmBlocking b = SgemmBlocking.ofActiveKernels().orElseThrow();
      assertTrue(s.contains("\nsgemm blocking " + b.summary() + " (" + b.source() + ")\n"), s);
      assertTrue(s.contains("\nvector api     active: jdk.incubator.vector, " + Kernels.get().vectorBits() + "-bit"), s);
      assertTrue(s.matches("(?s).*\nvector/scalar  256³ .*NN [0-9]+× .*NT [0-9]+× .*TN [0-9]+× .*"), s);
      assertTrue(s.matches("(?s).*\nvector/scalar  64K elements .*gelu [0-9]+×, silu [0-9]+×, softmax [0-9]+×\n.*"), s);
    }
    assertTrue(s.strip().endsWith("doctor: ok") || s.strip().matches("(?s).*doctor: \\d+ warning\\(s\\)"), s);
  }
}
