package dev.focus.kernel;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * One shared pool for all large ops, so kernels never oversubscribe the machine. Small work stays on
 * the calling thread. Thread count: {@code -Dfocus.threads=N} (default: available processors).
 *
 * <p>The calling thread takes part: with N threads the pool holds N − 1 workers, and the caller works
 * on the chunks too, so a call never waits for a worker that has not started. Calls made from inside a
 * chunk (on the caller or on a worker) run inline, so nested loops never queue behind their own parent.
 *
 * <p>Why not a {@code ForkJoinPool}: a training step or a blocked matrix product is a train of
 * parallel loops of a few hundred microseconds each, with short serial stretches between them. A
 * parked worker takes tens to hundreds of microseconds to be scheduled again, so on a 2-core machine
 * the caller had often finished both chunks before the worker woke, and a 512³ product ran on one
 * core. Here an idle worker spins for {@code -Dfocus.spinMicros} (default 200 µs) on the job counter
 * before it parks, so back-to-back loops find it awake. Spinning uses {@link Thread#onSpinWait()} and
 * stops after the window, so an idle process costs nothing.
 */
public final class Parallel {
  private Parallel() {}

  /** Body of a parallel loop over the half-open range [lo, hi). */
  @FunctionalInterface
  public interface RangeTask {
    void run(int lo, int hi);
  }

  private static final long SPIN_NANOS = KernelProperties.spinNanos();

  private static volatile int threads = KernelProperties.threads();
  private static volatile Pool pool = Pool.start(threads);

  /** True on a thread that is running a chunk of some {@link #forRange} call. */
  private static final ThreadLocal<boolean[]> INSIDE = ThreadLocal.withInitial(() -> new boolean[1]);

  /** Threads used by large ops, the calling thread included. */
  public static int threads() { return threads; }

  /** Changes the thread count (benchmarks use 1 and 2). Not for use while ops are running. */
  public static synchronized void setThreads(int n) {
    KernelProperties.checkThreads(n, "threads");
    if (n == threads) return;
    Pool old = pool;
    pool = Pool.start(n);
    threads = n;
    if (old != null) old.stop();
  }

  /**
   * Runs {@code task} over [0, n) split into at most {@code threads()} contiguous chunks of at least
   * {@code minChunk} items (the last chunks may be one item shorter than the first). Runs inline when
   * one chunk suffices, when called from inside another {@code forRange}, or when another thread's
   * loop holds the pool. An exception from any chunk is rethrown after all chunks have finished.
   *
   * <p>Chunks are claimed, not assigned: the caller and the workers take the next unclaimed chunk
   * until none is left, and the caller waits only for chunks a worker actually took. A worker that
   * comes late finds nothing to do, and the call degrades to one thread instead of waiting for it.
   */
  public static void forRange(int n, int minChunk, RangeTask task) {
    forRange(n, minChunk, 1, task);
  }

  /**
   * As {@link #forRange(int, int, RangeTask)}, split into up to {@code chunksPerThread} chunks per
   * thread. Chunks are claimed, so with several per thread a thread that runs late (another process
   * on its core) takes fewer of them and the others take more, instead of the call waiting for its
   * one half.
   */
  public static void forRange(int n, int minChunk, int chunksPerThread, RangeTask task) {
    if (n <= 0) return;
    Pool p = pool;
    int chunks = Math.min(threads * Math.max(1, chunksPerThread), Math.max(1, n / Math.max(1, minChunk)));
    boolean[] inside = INSIDE.get();
    if (p == null || chunks <= 1 || inside[0] || !p.busy.compareAndSet(false, true)) {
      runInline(task, n, inside);
      return;
    }
    Claims claims = new Claims(task, n, chunks, Thread.currentThread());
    try {
      p.publish(claims);
      inside[0] = true;
      try {
        claims.work();
      } finally {
        inside[0] = false;
      }
      claims.awaitAll();
    } finally {
      p.busy.set(false);
    }
    Throwable failure = claims.failure.get();
    if (failure instanceof RuntimeException) throw (RuntimeException) failure;
    if (failure instanceof Error) throw (Error) failure;
    if (failure != null) throw new IllegalStateException(failure);
  }

  private static void runInline(RangeTask task, int n, boolean[] inside) {
    boolean was = inside[0];
    inside[0] = true;
    try {
      task.run(0, n);
    } finally {
      inside[0] = was;
    }
  }

  /**
   * N − 1 daemon workers sharing one job slot. {@link #publish} bumps the job counter; a worker that
   * sees a new count runs the job's unclaimed chunks, then spins for the window, then parks.
   */
  private static final class Pool {
    final Worker[] workers;
    final AtomicBoolean busy = new AtomicBoolean();
    volatile Claims job;
    volatile long generation;
    volatile boolean stopped;

    private Pool(int n) {
      workers = new Worker[n - 1];
      for (int i = 0; i < workers.length; i++) workers[i] = new Worker(this, i);
    }

    static Pool start(int n) {
      if (n <= 1) return null;
      Pool p = new Pool(n);
      for (Worker w : p.workers) w.start();
      return p;
    }

    /** Hands {@code c} to the workers (called by the one caller holding {@code busy}). */
    void publish(Claims c) {
      job = c;
      generation = generation + 1;   // volatile write after job: a worker that sees it sees the job
      for (Worker w : workers) {
        if (w.parked) LockSupport.unpark(w);
      }
    }

    void stop() {
      stopped = true;
      for (Worker w : workers) LockSupport.unpark(w);
    }
  }

  private static final class Worker extends Thread {
    final Pool pool;
    volatile boolean parked;

    Worker(Pool pool, int index) {
      super("focus-worker-" + index);
      this.pool = pool;
      setDaemon(true);
    }

    @Override
    public void run() {
      long seen = pool.generation;
      while (!pool.stopped) {
        long g = pool.generation;
        if (g != seen) {
          seen = g;
          Claims c = pool.job;
          if (c != null) c.work();
          continue;
        }
        long deadline = System.nanoTime() + SPIN_NANOS;
        while (pool.generation == seen && System.nanoTime() < deadline) Thread.onSpinWait();
        if (pool.generation != seen) continue;
        // Dekker handshake with publish(): set parked, then re-read the counter; publish writes the
        // counter, then reads parked. One of the two sees the other's write, so no wake-up is lost.
        parked = true;
        if (pool.generation == seen && !pool.stopped) LockSupport.park(this);
        parked = false;
      }
    }
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

    /** Waits (spinning, then parked) until every claimed chunk has finished. */
    void awaitAll() {
      long deadline = System.nanoTime() + SPIN_NANOS;
      while (unfinished.get() > 0 && System.nanoTime() < deadline) Thread.onSpinWait();
      while (unfinished.get() > 0) LockSupport.park(this);
    }
  }

  /** Start of chunk {@code c} of {@code chunks} over [0, n). */
  private static int bound(int n, int chunks, int c) {
    return (int) ((long) n * c / chunks);
  }
}
