package dev.focus.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.focus.attention.Attention;
import dev.focus.attention.FeatureMap;
import dev.focus.attention.FlashAttention;
import dev.focus.attention.HeadLayout;
import dev.focus.attention.LinearAttention;
import dev.focus.attention.Mask;
import dev.focus.attention.SoftmaxAttention;
import dev.focus.kernel.Kernels;
import dev.focus.kernel.Parallel;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Attention speed and memory, Focus vs PyTorch: causal attention at growing lengths, timed as the
 * median of several repetitions. Focus runs exact softmax, tiled (flash-style) softmax, and linear
 * attention (elu+1) in recurrent and chunked form; PyTorch (scripts/bench_attention.py, CPU eager)
 * runs the explicit matmul–mask–softmax–matmul form with the same thread count.
 *
 * <p>Peak extra memory for Focus is {@link Attention#workspaceBytes}: saved state plus worker scratch,
 * from the buffer sizes the code allocates (a test checks it against measured allocation under the
 * scalar kernels). A second table shows the bytes all threads allocate during one call, measured with
 * com.sun.management.ThreadMXBean, which also counts temporaries inside the kernel set. For PyTorch
 * the estimate is the (B, H, T, T) scores and probabilities plus the mask of the explicit form.
 */
@Command(name = "attention", mixinStandardHelpOptions = true,
    description = "Attention speed and memory, Focus vs PyTorch (causal, CPU).")
public final class BenchAttentionCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--lengths", split = ",", description = "Sequence lengths (default: ${DEFAULT-VALUE}).", defaultValue = "256,512,1024,2048,4096,8192") List<Integer> lengths;

  @Option(names = "--heads", defaultValue = "4", description = "Heads (default: ${DEFAULT-VALUE}).") int heads;

  @Option(names = "--head-size", defaultValue = "64", description = "Head size (default: ${DEFAULT-VALUE}).") int headSize;

  @Option(names = "--batch", defaultValue = "1", description = "Batch (default: ${DEFAULT-VALUE}).") int batch;

  @Option(names = "--reps", defaultValue = "5", description = "Timed repetitions; the median is shown (default: ${DEFAULT-VALUE}).") int reps;

  @Option(names = "--threads", description = "Threads for Focus and PyTorch (default: all processors).") Integer threads;

  @Option(names = "--chunk", defaultValue = "64", description = "Chunk size of chunked linear attention (default: ${DEFAULT-VALUE}).") int chunk;

  @Option(names = "--backward", description = "Also time forward+backward (a second table).") boolean backward;

  @Option(names = "--exact-cap-mib", defaultValue = "1024",
      description = "Skip exact softmax (and PyTorch) where B·H·T·T floats exceed this many MiB (default: ${DEFAULT-VALUE}).")
  long capMib;

  @Mixin Options.Torch reference;

  /** One measurement: median milliseconds and bytes allocated, or a reason it was skipped. */
  record Cell(double ms, long peak, long allocated, String skipped) {
    static Cell skip(String why) { return new Cell(Double.NaN, -1, -1, why); }
  }

  static final String[] VARIANTS = {"exact", "flash", "lin-rec", "lin-chunk"};

  @Override
  public Integer call() throws Exception {
    if (lengths.isEmpty()) throw new IllegalArgumentException("--lengths is empty");
    for (int t : lengths) if (t < 1) throw new IllegalArgumentException("--lengths value " + t + " must be >= 1");
    if (reps < 1) throw new IllegalArgumentException("--reps=" + reps + " must be >= 1");
    if (batch < 1) throw new IllegalArgumentException("--batch=" + batch + " must be >= 1");
    HeadLayout layout = HeadLayout.mha(heads, headSize); // validates heads and head size
    int nThreads = threads == null ? Parallel.threads() : threads;
    if (nThreads < 1) throw new IllegalArgumentException("--threads=" + nThreads + " must be >= 1");
    int previousThreads = Parallel.threads();
    Parallel.setThreads(nThreads);
    try {
      return bench(layout, nThreads);
    } finally {
      Parallel.setThreads(previousThreads);
    }
  }

  private int bench(HeadLayout layout, int nThreads) {
    PrintWriter out = spec.commandLine().getOut();
    long capBytes = capMib << 20;

    out.printf("focus bench attention: causal, B=%d H=%d HS=%d, threads=%d, kernels=%s, median of %d%n",
        batch, heads, headSize, nThreads, Kernels.get().name(), reps);
    out.println("(timings need a quiet machine: other processes inflate them)");
    out.flush();

    List<Attention> variants = List.of(
        SoftmaxAttention.of(layout), FlashAttention.of(layout),
        LinearAttention.of(layout, FeatureMap.ELU_PLUS_1).withForm(LinearAttention.Form.RECURRENT),
        LinearAttention.of(layout, FeatureMap.ELU_PLUS_1).withChunk(chunk));
    // JIT warm-up on a short sequence, so the first row of the table is not compilation time
    int warmT = Math.min(256, lengths.stream().min(Integer::compare).orElse(256));
    for (Attention a : variants) {
      long until = System.nanoTime() + 400_000_000L;
      for (int i = 0; i < 30 && System.nanoTime() < until; i++) measureOnce(a, warmT, backward);
    }
    Map<Integer, Cell[]> fwd = new LinkedHashMap<>(), fb = new LinkedHashMap<>();
    for (int t : lengths) {
      long tt = 4L * batch * heads * t * t;
      Cell[] f = new Cell[variants.size()], g = new Cell[variants.size()];
      for (int i = 0; i < variants.size(); i++) {
        if (i == 0 && tt > capBytes) {
          f[i] = g[i] = Cell.skip("skipped");
          continue;
        }
        f[i] = measure(variants.get(i), t, false);
        if (backward) g[i] = measure(variants.get(i), t, true);
      }
      fwd.put(t, f);
      if (backward) fb.put(t, g);
    }

    Map<Integer, JsonNode> torch = new LinkedHashMap<>();
    String torchNote = reference.skip ? "PyTorch: skipped (--no-torch)" : runTorch(nThreads, capBytes, torch);

    out.println(torchNote);
    printTable(out, "forward", fwd, torch, "fwd_ms");
    if (backward) printTable(out, "forward+backward", fb, torch, "fwdbwd_ms");
    out.println("ratios: torch/flash > 1 means Focus flash is faster; flash/chunk > 1 means chunked linear"
        + " attention is faster than flash softmax.");
    out.flush();
    return 0;
  }

  /** Median time of forward (and backward) over reps, after two warm-up calls and one that counts allocation. */
  private Cell measure(Attention a, int t, boolean withBackward) {
    HeadLayout l = a.layout();
    Random r = new Random(t);
    float[] q = gauss(r, batch * t * l.qWidth()), k = gauss(r, batch * t * l.kvWidth()), v = gauss(r, batch * t * l.kvWidth());
    float[] dOut = gauss(r, q.length);
    float[] o = new float[q.length], dq = new float[q.length], dk = new float[k.length], dv = new float[v.length];
    Runnable call = () -> {
      Attention.Saved s = a.forward(o, q, k, v, null, Mask.causal(), batch, t);
      if (withBackward) a.backward(dq, dk, dv, null, dOut, s);
    };
    call.run(); // warm-up: JIT compilation and class initialisation allocate too, so measure after it
    call.run();
    long before = allocatedBytes();
    call.run();
    long bytes = allocatedBytes() - before;
    double[] ms = new double[reps];
    for (int i = 0; i < reps; i++) {
      long t0 = System.nanoTime();
      call.run();
      ms[i] = (System.nanoTime() - t0) / 1e6;
    }
    Arrays.sort(ms);
    return new Cell(reps % 2 == 1 ? ms[reps / 2] : (ms[reps / 2 - 1] + ms[reps / 2]) / 2,
        a.workspaceBytes(batch, t, withBackward), bytes, null);
  }

  /** One untimed forward (and backward) call. */
  private void measureOnce(Attention a, int t, boolean withBackward) {
    HeadLayout l = a.layout();
    Random r = new Random(t);
    float[] q = gauss(r, batch * t * l.qWidth()), k = gauss(r, batch * t * l.kvWidth()), v = gauss(r, batch * t * l.kvWidth());
    float[] o = new float[q.length];
    Attention.Saved s = a.forward(o, q, k, v, null, Mask.causal(), batch, t);
    if (withBackward) a.backward(new float[q.length], new float[k.length], new float[v.length], null, o, s);
  }

  private static float[] gauss(Random r, int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) x[i] = (float) r.nextGaussian();
    return x;
  }

  /** Bytes allocated so far by all live threads (the pool's workers persist, so deltas are complete). */
  static long allocatedBytes() {
    var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (long b : mx.getThreadAllocatedBytes(mx.getAllThreadIds())) if (b > 0) sum += b;
    return sum;
  }

  /** Runs the PyTorch side, filling {@code rows} by T; returns a one-line description. */
  private String runTorch(int nThreads, long capBytes, Map<Integer, JsonNode> rows) {
    File s = reference.script("scripts/bench_attention.py");
    if (s == null || !s.isFile()) {
      return "PyTorch: skipped (scripts/bench_attention.py not found; pass --script)";
    }
    List<String> cmd = new ArrayList<>(List.of(reference.python.path, s.getPath(), "--lengths", joined(lengths),
        "--heads", "" + heads, "--head-size", "" + headSize, "--batch", "" + batch, "--reps", "" + reps,
        "--threads", "" + nThreads, "--cap-bytes", "" + capBytes));
    if (backward) cmd.add("--backward");
    ObjectMapper json = new ObjectMapper();
    String header = null;
    StringBuilder stderr = new StringBuilder();
    try {
      Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.PIPE).start();
      Thread errPump = new Thread(() -> {
        try (var err = p.getErrorStream()) {
          stderr.append(new String(err.readAllBytes(), StandardCharsets.UTF_8));
        } catch (java.io.IOException ignored) {
          // the process died; its exit code says so
        }
      });
      errPump.start();
      try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          JsonNode n = json.readTree(line);
          if (n.has("torch")) {
            header = String.format("PyTorch %s (CPU eager, threads=%d); torch.nn.functional.scaled_dot_product_attention: %s",
                n.get("torch").asText(), n.get("threads").asInt(),
                n.get("sdpa").asBoolean() ? "available" : "not in this version (added in PyTorch 2.0), explicit form only");
          } else {
            rows.put(n.get("T").asInt(), n);
          }
        }
      }
      int code = p.waitFor();
      errPump.join();
      if (code != 0) {
        String last = stderr.toString().strip();
        last = last.isEmpty() ? "" : last.substring(last.lastIndexOf('\n') + 1);
        return "PyTorch: failed (exit " + code + ") " + last;
      }
    } catch (java.io.IOException e) {
      return "PyTorch: skipped (" + reference.python.path + " could not run: " + e.getMessage() + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "PyTorch: interrupted";
    }
    return header == null ? "PyTorch: no output" : header;
  }

  private static String joined(List<Integer> xs) {
    StringBuilder sb = new StringBuilder();
    for (int x : xs) sb.append(sb.length() == 0 ? "" : ",").append(x);
    return sb.toString();
  }

  private void printTable(PrintWriter out, String title, Map<Integer, Cell[]> cells, Map<Integer, JsonNode> torch, String key) {
    out.println();
    out.printf("%s: time (ms, median)%n", title);
    out.printf("%7s %10s %10s %10s %10s %10s %11s %11s%n", "T", "exact", "flash", "lin-rec", "lin-chunk", "torch",
        "torch/flash", "flash/chunk");
    for (var e : cells.entrySet()) {
      Cell[] c = e.getValue();
      JsonNode tr = torch.get(e.getKey());
      double tms = tr != null && tr.has(key) ? tr.get(key).asDouble() : Double.NaN;
      String tcell = tr == null ? "-" : tr.has("skipped") ? "skipped" : fmt(tms);
      out.printf("%7d %10s %10s %10s %10s %10s %11s %11s%n", e.getKey(), cell(c[0]), cell(c[1]), cell(c[2]), cell(c[3]),
          tcell, ratio(tms, c[1].ms), ratio(c[1].ms, c[3].ms));
    }
    out.printf("%s: peak extra memory (MiB; Focus: analytic from its buffers, torch~: scores+probabilities+mask)%n", title);
    memoryTable(out, cells, torch, Cell::peak);
    out.printf("%s: bytes allocated per call (MiB, measured by ThreadMXBean; includes kernel temporaries)%n", title);
    memoryTable(out, cells, null, Cell::allocated);
    out.flush();
  }

  private static void memoryTable(PrintWriter out, Map<Integer, Cell[]> cells, Map<Integer, JsonNode> torch,
                                  java.util.function.ToLongFunction<Cell> what) {
    out.printf("%7s %10s %10s %10s %10s %10s%n", "T", "exact", "flash", "lin-rec", "lin-chunk", torch == null ? "" : "torch~");
    for (var e : cells.entrySet()) {
      Cell[] c = e.getValue();
      String tm = "";
      if (torch != null) {
        JsonNode tr = torch.get(e.getKey());
        tm = tr != null && tr.has("extra_bytes_est") ? mib(tr.get("extra_bytes_est").asLong())
            : tr != null && tr.has("skipped") ? "skipped" : "-";
      }
      String[] m = new String[4];
      for (int i = 0; i < 4; i++) m[i] = c[i].skipped != null ? c[i].skipped : mib(what.applyAsLong(c[i]));
      out.printf("%7d %10s %10s %10s %10s %10s%n", e.getKey(), m[0], m[1], m[2], m[3], tm);
    }
  }

  private static String cell(Cell c) { return c.skipped != null ? c.skipped : fmt(c.ms); }

  private static String mib(long bytes) { return String.format("%.3f", bytes / 1048576.0); }

  private static String fmt(double ms) { return Double.isNaN(ms) ? "-" : String.format(ms < 10 ? "%.3f" : "%.1f", ms); }

  private static String ratio(double a, double b) {
    return Double.isNaN(a) || Double.isNaN(b) || b == 0 ? "-" : String.format("%.3g", a / b);
  }
}
