package dev.focus.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class ParallelTest {
  @Test
  void everyIndexRunsExactlyOnceEvenWhenNested() {
    int n = 1000;
    AtomicIntegerArray hits = new AtomicIntegerArray(n * 7);
    Parallel.forRange(n, 1, (lo, hi) -> {
      for (int i = lo; i < hi; i++) {
        int row = i;
        Parallel.forRange(7, 1, (l2, h2) -> {
          for (int j = l2; j < h2; j++) hits.incrementAndGet(row * 7 + j);
        });
      }
    });
    for (int i = 0; i < n * 7; i++) assertEquals(1, hits.get(i), "index " + i);
  }

  @Test
  void chunksRespectMinChunkAndThreadCount() {
    AtomicIntegerArray calls = new AtomicIntegerArray(1);
    Parallel.forRange(10, 100, (lo, hi) -> {
      calls.incrementAndGet(0);
      assertEquals(0, lo);
      assertEquals(10, hi);
    });
    assertEquals(1, calls.get(0), "10 items with minChunk 100 must run as one chunk");
    AtomicIntegerArray chunks = new AtomicIntegerArray(1);
    Parallel.forRange(1_000_000, 1, (lo, hi) -> chunks.incrementAndGet(0));
    assertTrue(chunks.get(0) >= 1 && chunks.get(0) <= Parallel.threads(), "chunks=" + chunks.get(0));
  }

  @Test
  void severalChunksPerThreadCoverTheRangeInOrderWithoutOverlap() {
    int before = Parallel.threads();
    try {
      Parallel.setThreads(2);
      int[] owner = new int[1000];
      AtomicIntegerArray chunks = new AtomicIntegerArray(1);
      Parallel.forRange(1000, 10, 4, (lo, hi) -> {
        chunks.incrementAndGet(0);
        for (int i = lo; i < hi; i++) owner[i]++;
      });
      assertEquals(8, chunks.get(0), "2 threads × 4 chunks");
      for (int i = 0; i < owner.length; i++) assertEquals(1, owner[i], "index " + i);
      chunks.set(0, 0);
      Parallel.forRange(30, 10, 4, (lo, hi) -> chunks.incrementAndGet(0));
      assertEquals(3, chunks.get(0), "30 items of at least 10: 3 chunks, not 8");
      Parallel.setThreads(1);
      chunks.set(0, 0);
      Parallel.forRange(1000, 10, 4, (lo, hi) -> chunks.incrementAndGet(0));
      assertEquals(1, chunks.get(0), "one thread runs the range as one chunk");
    } finally {
      Parallel.setThreads(before);
    }
  }

  @Test
  void anExceptionInAnyChunkReachesTheCaller() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> Parallel.forRange(1000, 1, (lo, hi) -> {
      if (hi == 1000) throw new IllegalStateException("last chunk failed");
    }));
    assertTrue(e.getMessage().contains("last chunk failed"), e.getMessage());
    // The pool still works afterwards.
    AtomicIntegerArray hits = new AtomicIntegerArray(100);
    Parallel.forRange(100, 1, (lo, hi) -> {
      for (int i = lo; i < hi; i++) hits.incrementAndGet(i);
    });
    for (int i = 0; i < 100; i++) assertEquals(1, hits.get(i));
  }

  @Test
  void workersTakeChunksOfBackToBackLoops() {
    int before = Parallel.threads();
    Parallel.setThreads(2);
    try {
      var names = ConcurrentHashMap.<String>newKeySet();
      for (int call = 0; call < 200; call++) {
        Parallel.forRange(2, 1, (lo, hi) -> {
          names.add(Thread.currentThread().getName());
          long end = System.nanoTime() + 200_000;   // 0.2 ms of work per chunk
          while (System.nanoTime() < end) Thread.onSpinWait();
        });
      }
      assertTrue(names.stream().anyMatch(n -> n.startsWith("focus-worker-")),
          "no chunk of 200 two-chunk loops ran on a worker: " + names);
    } finally {
      Parallel.setThreads(before);
    }
  }

  @Test
  void loopsFromManyThreadsAtOnceEachRunEveryIndexOnce() throws InterruptedException {
    int callers = 6, n = 5000;
    AtomicIntegerArray hits = new AtomicIntegerArray(callers * n);
    List<Thread> ts = new ArrayList<>();
    List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int c = 0; c < callers; c++) {
      int base = c * n;
      Thread t = new Thread(() -> {
        for (int rep = 0; rep < 50; rep++) {
          boolean last = rep == 49;
          Parallel.forRange(n, 100, (lo, hi) -> {
            if (last) for (int i = lo; i < hi; i++) hits.incrementAndGet(base + i);
          });
        }
      });
      t.setUncaughtExceptionHandler((th, e) -> errors.add(e));
      ts.add(t);
      t.start();
    }
    for (Thread t : ts) t.join();
    assertTrue(errors.isEmpty(), "errors: " + errors);
    for (int i = 0; i < callers * n; i++) assertEquals(1, hits.get(i), "index " + i);
  }

  @Test
  void setThreadsRejectsZero() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Parallel.setThreads(0));
    assertTrue(e.getMessage().contains("threads=0"), e.getMessage());
  }
}
