package dev.focus.kernel;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;

/**
 * One shared pool for all large ops, so kernels never oversubscribe the machine. Small work stays on
 * the calling thread. Thread count: {@code -Dfocus.threads=N} (default: available processors).
 */
public final class Parallel {
  private Parallel() {}

  /** Body of a parallel loop over the half-open range [lo, hi). */
  @FunctionalInterface
  public interface RangeTask {
    void run(int lo, int hi);
  }

  private static volatile int threads = defaultThreads();
  private static volatile ForkJoinPool pool = newPool(threads);

  private static int defaultThreads() {
    String p = System.getProperty("focus.threads");
    int n = p == null ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(p.trim());
    if (n < 1) throw new IllegalArgumentException("focus.threads=" + n + " must be >= 1");
    return n;
  }

  private static ForkJoinPool newPool(int n) {
    return n <= 1 ? null : new ForkJoinPool(n, pool -> {
      var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
      t.setName("focus-worker-" + t.getPoolIndex());
      t.setDaemon(true);
      return t;
    }, null, false);
  }

  /** Threads used by large ops. */
  public static int threads() { return threads; }

  /** Changes the thread count (benchmarks use 1 and 2). Not for use while ops are running. */
  public static synchronized void setThreads(int n) {
    if (n < 1) throw new IllegalArgumentException("threads=" + n + " must be >= 1");
    if (n == threads) return;
    ForkJoinPool old = pool;
    threads = n;
    pool = newPool(n);
    if (old != null) old.shutdown();
  }

  /**
   * Runs {@code task} over [0, n) split into at most {@code threads()} contiguous chunks of at least
   * {@code minChunk} items. Runs inline when one chunk suffices or we are already on a worker.
   */
  public static void forRange(int n, int minChunk, RangeTask task) {
    ForkJoinPool p = pool;
    int chunks = Math.min(threads, Math.max(1, n / Math.max(1, minChunk)));
    if (p == null || chunks <= 1 || onWorker(p)) {
      if (n > 0) task.run(0, n);
      return;
    }
    p.invoke(new Split(task, 0, n, chunks));
  }

  private static boolean onWorker(ForkJoinPool p) {
    return Thread.currentThread() instanceof java.util.concurrent.ForkJoinWorkerThread w && w.getPool() == p;
  }

  private static final class Split extends RecursiveAction {
    private final RangeTask task;
    private final int lo, hi, chunks;

    Split(RangeTask task, int lo, int hi, int chunks) {
      this.task = task;
      this.lo = lo;
      this.hi = hi;
      this.chunks = chunks;
    }

    @Override
    protected void compute() {
      if (chunks <= 1) {
        task.run(lo, hi);
        return;
      }
      int leftChunks = chunks / 2;
      int mid = lo + (int) ((long) (hi - lo) * leftChunks / chunks);
      invokeAll(new Split(task, lo, mid, leftChunks), new Split(task, mid, hi, chunks - leftChunks));
    }
  }
}
