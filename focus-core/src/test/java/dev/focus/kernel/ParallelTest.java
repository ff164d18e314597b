package dev.focus.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
  void setThreadsRejectsZero() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Parallel.setThreads(0));
    assertTrue(e.getMessage().contains("threads=0"), e.getMessage());
  }
}
