package dev.focus.kernel;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * One shared pool for all large ops, so kernels never oversubscribe the machine. Small work stays on
 * the calling thread. Thread count: {@code -Dfocus.threads=N} (default: available processors).
 *
 * <p>The calling thread takes part: with N threads the pool holds N − 1 workers, and the caller works
 * on the chunks too, so a call never waits for a worker that has not started. Calls made from inside a chunk (on the caller or on a worker) run
 * inline, so nested loops never queue behind their own parent.
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

  /** True on a thread that is running a chunk of some {@link #forRange} call. */
  private static final ThreadLocal<boolean[]> INSIDE = ThreadLocal.withInitial(() -> new boolean[1]);

  private static int defaultThreads() {
    String p = System.getProperty("focus.threads");
    int n;
    try {
      n = p == null ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(p.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("focus.threads=" + p + " is not an integer");
    }
    if (n < 1) throw new IllegalArgumentException("focus.threads=" + n + " must be >= 1");
    return n;
  }

  private static ForkJoinPool newPool(int n) {
    return n <= 1 ? null : new ForkJoinPool(n - 1, pool -> {
      var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
      t.setName("focus-worker-" + t.getPoolIndex());
      t.setDaemon(true);
      return t;
    }, null, false);
  }

  /** Threads used by large ops, the calling thread included. */
  public static int threads() { return threads; }

  /** Changes the thread count (benchmarks use 1 and 2). Not for use while ops are running. */
  public static synchronized void setThreads(int n) {
    if (n < 1) throw new IllegalArgumentException("threads=" + n + " must be >= 1");
    if (n == threads) return;
    ForkJoinPool old = pool;
    pool = newPool(n);
    threads = n;
    if (old != null) old.shutdown();
  }

  /**
   * Runs {@code task} over [0, n) split into at most {@code threads()} contiguous chunks of at least
   * {@code minChunk} items (the last chunks may be one item shorter than the first). Runs inline when
   * one chunk suffices or when called from inside another {@code forRange}. An exception from any
   * chunk is rethrown after all chunks have finished.
   *
   * <p>Chunks are claimed, not assigned: the caller and the woken workers take the next unclaimed
   * chunk until none is left, and the caller waits only for chunks a worker actually took. On a busy
   * machine a worker that wakes late finds nothing to do, and the call degrades to one thread instead
   * of waiting a scheduler slice for it.
   */
  public static void forRange(int n, int minChunk, RangeTask task) {
    if (n <= 0) return;
    ForkJoinPool p = pool;
    int chunks = Math.min(threads, Math.max(1, n / Math.max(1, minChunk)));
    boolean[] inside = INSIDE.get();
    if (p == null || chunks <= 1 || inside[0]) {
      task.run(0, n);
      return;
    }
    Claims claims = new Claims(task, n, chunks, Thread.currentThread());
    for (int c = 1; c < chunks; c++) p.execute(claims::work);
    inside[0] = true;
    try {
      claims.work();
    } finally {
      inside[0] = false;
    }
    claims.awaitAll();
    Throwable failure = claims.failure.get();
    if (failure instanceof RuntimeException) throw (RuntimeException) failure;
    if (failure instanceof Error) throw (Error) failure;
    if (failure != null) throw new IllegalStateException(failure);
  }

  /** The chunks of one {@link #forRange} call, handed out to whoever asks first. */
  private static final class Claims {
    final RangeTask task;
    final int n, chunks;
    final Thread caller;
    final AtomicInteger next = new AtomicInteger();
    final AtomicInteger unfinished;
    final AtomicReference<Throwable> failure = new AtomicReference<>();

    Claims(RangeTask task, int n, int chunks, Thread caller) {
      this.task = task;
      this.n = n;
      this.chunks = chunks;
      this.caller = caller;
      this.unfinished = new AtomicInteger(chunks);
    }

    /** Runs unclaimed chunks until none is left. */
    void work() {
      boolean[] inside = INSIDE.get();
      boolean was = inside[0];
      inside[0] = true;
      try {
        for (int c; (c = next.getAndIncrement()) < chunks; ) {
          try {
            task.run(bound(n, chunks, c), bound(n, chunks, c + 1));
          } catch (Throwable e) {
            if (!failure.compareAndSet(null, e) && failure.get() != e) failure.get().addSuppressed(e);
          } finally {
            if (unfinished.decrementAndGet() == 0) LockSupport.unpark(caller);
          }
        }
      } finally {
        inside[0] = was;
      }
    }

    /** Waits (briefly spinning, then parked) until every claimed chunk has finished. */
    void awaitAll() {
      for (int spin = 0; unfinished.get() > 0 && spin < 2_000; spin++) Thread.onSpinWait();
      while (unfinished.get() > 0) LockSupport.park(this);
    }
  }

  /** Start of chunk {@code c} of {@code chunks} over [0, n). */
  private static int bound(int n, int chunks, int c) {
    return (int) ((long) n * c / chunks);
  }

}
