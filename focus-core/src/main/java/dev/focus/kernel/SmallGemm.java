package dev.focus.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Matrix products too small to pack, and skinny ones with M &lt; 6 (one decoded token): C[:, j0:j1]
 * (+)= op(A)·op(B)[:, j0:j1] without copying B. {@link Sgemm} sends them here. In training they are the
 * per-head products of attention: with head size 8 or 16 (the lab's micro models), Q·Kᵀ has depth 8 and
 * P·V eight columns, narrower than one 16-float vector.
 *
 * <p><b>The bits.</b> These loops define the rounding of every small product, and trained models
 * depend on it (TrainingGoldenTest), so each element is computed exactly as the first version of this
 * path computed it, whatever the loop order:
 * <ul>
 *   <li>A·B and Aᵀ·B: columns are taken in blocks of at most {@link #COLS} from j0; in a block of w
 *       columns, column t &lt; w − w mod L is c ← fma(a(i,p), b(p,j), c) for p = 0, 1, …, and the last
 *       w mod L columns are c ← c + a(i,p)·b(p,j) with the product rounded first; c starts at C
 *       (accumulate) or +0.</li>
 *   <li>A·Bᵀ: each element is C (or nothing) plus {@link VectorKernels#dotKernel} of row i of A and
 *       row j of B; for depth K &lt; L that is (…((+0 + a₀b₀) + a₁b₁) + …) with every product rounded.</li>
 * </ul>
 * {@code SmallGemmTest} checks every path against a scalar model of exactly these operations.
 *
 * <p><b>The speed.</b> The first version updated one row of C per (p, i) with a call of
 * {@link VectorKernels#axpyKernel}: for eight columns the call ran its scalar tail only, and the
 * per-head products took three quarters of a micro model's training step. Here a row of C stays in
 * registers across all of p (the fused columns four vectors at a time, the unfused tail four scalar
 * sums at a time), and A·Bᵀ of depth below L sums across L columns at once from a transposed copy
 * of B. When B's block is too large for
 * L1 (decoding against a large weight) the row-update loop stays: it reads each row of B once.
 */
final class SmallGemm {
  private SmallGemm() {}

  static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  static final int L = S.length();

  /** Column block of the row-update loops: the tail of each block rounds unfused (see the class comment). */
  static final int COLS = 1024;
  /** B blocks up to this many floats (32 KiB) are read once per row of C, from L1. */
  static final int L1_FLOATS = 8192;

  /** C[:, j0:j1] (+)= op(A)·op(B)[:, j0:j1]. {@code transA}: A is stored [K,M]; {@code transB}: B is stored [N,K]. */
  static void cols(boolean transA, boolean transB, float[] c, int cOff, float[] a, int aOff,
                   float[] b, int bOff, int m, int k, int n, int j0, int j1, boolean accumulate) {
    if (transB) {
      if (!transA && k < L && j1 - j0 >= L) {
        shallowDots(c, cOff, a, aOff, b, bOff, m, k, n, j0, j1, accumulate);
      } else {
        dots(transA, c, cOff, a, aOff, b, bOff, m, k, n, j0, j1, accumulate);
      }
      return;
    }
    for (int jb = j0; jb < j1; jb += COLS) {
      int w = Math.min(COLS, j1 - jb);
      if ((long) k * w <= L1_FLOATS) {
        rowsInRegisters(transA, c, cOff, a, aOff, b, bOff, m, k, n, jb, w, accumulate);
      } else {
        rowUpdates(transA, c, cOff, a, aOff, b, bOff, m, k, n, jb, w, accumulate);
      }
    }
  }

  // ---------------------------------------------------------------- A·B and Aᵀ·B

  /**
   * Columns [jb, jb+w) of every row of C with the sums in registers over all of p. Blocks narrower
   * than a vector (all of their columns round unfused) run along the rows instead: L rows of one
   * column per vector ({@link #narrow4}), reading A(i…i+L−1, p) contiguous from Aᵀ, or from a
   * transposed copy of A.
   */
  private static void rowsInRegisters(boolean transA, float[] c, int cOff, float[] a, int aOff, float[] b, int bOff,
                                      int m, int k, int n, int jb, int w, boolean accumulate) {
    int i = 0;
    if (w < L && m >= L) {
      float[] at = transA ? null : scratch(k * L);
      for (; i + L <= m; i += L) {
        float[] src = a;
        int s0 = aOff + i, sp = m;  // A(i + ii, p) = src[s0 + p·sp + ii]
        if (!transA) {
          for (int ii = 0; ii < L; ii++) {
            for (int p = 0, x = aOff + (i + ii) * k; p < k; p++) at[p * L + ii] = a[x + p];
          }
          src = at;
          s0 = 0;
          sp = L;
        }
        int j = 0;
        for (; j + 8 <= w; j += 8) narrow8(k, src, s0, sp, b, bOff + jb + j, n, c, cOff + i * n + jb + j, n, accumulate);
        for (; j + 4 <= w; j += 4) narrow4(k, src, s0, sp, b, bOff + jb + j, n, c, cOff + i * n + jb + j, n, accumulate);
        for (; j < w; j++) narrow1(k, src, s0, sp, b, bOff + jb + j, n, c, cOff + i * n + jb + j, n, accumulate);
      }
    }
    int fused = w - w % L;
    int ap = transA ? m : 1;  // A(i, p) = a[ai + p·ap]
    for (; i < m; i++) {
      int ai = transA ? aOff + i : aOff + i * k, ci = cOff + i * n + jb, bj = bOff + jb;
      int j = 0;
      for (; j + 4 * L <= fused; j += 4 * L) fused4(k, a, ai, ap, b, bj + j, n, c, ci + j, accumulate);
      for (; j < fused; j += L) fused1(k, a, ai, ap, b, bj + j, n, c, ci + j, accumulate);
      for (; j + 4 <= w; j += 4) unfused4(k, a, ai, ap, b, bj + j, n, c, ci + j, accumulate);
      for (; j < w; j++) {
        float s = accumulate ? c[ci + j] : 0f;
        for (int p = 0, x = ai, y = bj + j; p < k; p++, x += ap, y += n) s += a[x] * b[y];
        c[ci + j] = s;
      }
    }
  }

  /** c[c0 + 0 … 4L) = (C or 0) + Σ_p fma over p of a(p)·b[b0 + p·ldb …], four vectors in registers. */
  static void fused4(int k, float[] a, int ai, int ap, float[] b, int b0, int ldb, float[] c, int c0, boolean accumulate) {
    FloatVector c0v = accumulate ? FloatVector.fromArray(S, c, c0) : FloatVector.zero(S);
    FloatVector c1v = accumulate ? FloatVector.fromArray(S, c, c0 + L) : FloatVector.zero(S);
    FloatVector c2v = accumulate ? FloatVector.fromArray(S, c, c0 + 2 * L) : FloatVector.zero(S);
    FloatVector c3v = accumulate ? FloatVector.fromArray(S, c, c0 + 3 * L) : FloatVector.zero(S);
    for (int p = 0, x = ai, y = b0; p < k; p++, x += ap, y += ldb) {
      FloatVector av = FloatVector.broadcast(S, a[x]);
      c0v = FloatVector.fromArray(S, b, y).fma(av, c0v);
      c1v = FloatVector.fromArray(S, b, y + L).fma(av, c1v);
      c2v = FloatVector.fromArray(S, b, y + 2 * L).fma(av, c2v);
      c3v = FloatVector.fromArray(S, b, y + 3 * L).fma(av, c3v);
    }
    c0v.intoArray(c, c0);
    c1v.intoArray(c, c0 + L);
    c2v.intoArray(c, c0 + 2 * L);
    c3v.intoArray(c, c0 + 3 * L);
  }

  /** As {@link #fused4} for one vector. */
  static void fused1(int k, float[] a, int ai, int ap, float[] b, int b0, int ldb, float[] c, int c0, boolean accumulate) {
    FloatVector cv = accumulate ? FloatVector.fromArray(S, c, c0) : FloatVector.zero(S);
    for (int p = 0, x = ai, y = b0; p < k; p++, x += ap, y += ldb) {
      cv = FloatVector.fromArray(S, b, y).fma(FloatVector.broadcast(S, a[x]), cv);
    }
    cv.intoArray(c, c0);
  }

  /**
   * Four tail columns: c ← c + a(p)·b(p) with the product rounded first, as the scalar tail of
   * {@link VectorKernels#axpyKernel} does; four independent sums in scalar registers. (Narrower vector
   * species would do it in one instruction, but using a second species in the JVM spoils the type
   * profiles the 512-bit kernels are compiled from, and every vector op elsewhere gets boxed.)
   */
  static void unfused4(int k, float[] a, int ai, int ap, float[] b, int b0, int ldb, float[] c, int c0, boolean accumulate) {
    float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
    if (accumulate) {
      s0 = c[c0];
      s1 = c[c0 + 1];
      s2 = c[c0 + 2];
      s3 = c[c0 + 3];
    }
    for (int p = 0, x = ai, y = b0; p < k; p++, x += ap, y += ldb) {
      float ax = a[x];
      s0 += ax * b[y];
      s1 += ax * b[y + 1];
      s2 += ax * b[y + 2];
      s3 += ax * b[y + 3];
    }
    c[c0] = s0;
    c[c0 + 1] = s1;
    c[c0 + 2] = s2;
    c[c0 + 3] = s3;
  }

  /**
   * Four columns of L rows, unfused: C[i0 + ii, j + t] ← C + A(i0 + ii, p)·b(p, j + t) for p in order,
   * lane ii of vector t holding row ii. A's rows come as one vector per p, src[s0 + p·sp …]; C is
   * gathered and scattered with stride ldc through a scratch row.
   */
  static void narrow4(int k, float[] src, int s0, int sp, float[] b, int b0, int ldb, float[] c, int c0, int ldc,
                      boolean accumulate) {
    float[] t = TILE.get();
    FloatVector v0 = gather(c, c0, ldc, t, accumulate), v1 = gather(c, c0 + 1, ldc, t, accumulate);
    FloatVector v2 = gather(c, c0 + 2, ldc, t, accumulate), v3 = gather(c, c0 + 3, ldc, t, accumulate);
    for (int p = 0, x = s0, y = b0; p < k; p++, x += sp, y += ldb) {
      FloatVector av = FloatVector.fromArray(S, src, x);
      v0 = v0.add(av.mul(b[y]));
      v1 = v1.add(av.mul(b[y + 1]));
      v2 = v2.add(av.mul(b[y + 2]));
      v3 = v3.add(av.mul(b[y + 3]));
    }
    scatter(v0, c, c0, ldc, t);
    scatter(v1, c, c0 + 1, ldc, t);
    scatter(v2, c, c0 + 2, ldc, t);
    scatter(v3, c, c0 + 3, ldc, t);
  }

  /**
   * {@link #narrow4} of eight columns: each vector of A read once for all eight (a head of 8 in P·V).
   * Written out beside narrow4 on purpose (an intended twin, as Sgemm's micro-kernels): the sums must
   * stay in eight named registers, which an array of vectors or a loop over columns would send back
   * to memory on every p.
   */
  static void narrow8(int k, float[] src, int s0, int sp, float[] b, int b0, int ldb, float[] c, int c0, int ldc,
                      boolean accumulate) {
    float[] t = TILE.get();
    FloatVector v0 = gather(c, c0, ldc, t, accumulate), v1 = gather(c, c0 + 1, ldc, t, accumulate);
    FloatVector v2 = gather(c, c0 + 2, ldc, t, accumulate), v3 = gather(c, c0 + 3, ldc, t, accumulate);
    FloatVector v4 = gather(c, c0 + 4, ldc, t, accumulate), v5 = gather(c, c0 + 5, ldc, t, accumulate);
    FloatVector v6 = gather(c, c0 + 6, ldc, t, accumulate), v7 = gather(c, c0 + 7, ldc, t, accumulate);
    for (int p = 0, x = s0, y = b0; p < k; p++, x += sp, y += ldb) {
      FloatVector av = FloatVector.fromArray(S, src, x);
      v0 = v0.add(av.mul(b[y]));
      v1 = v1.add(av.mul(b[y + 1]));
      v2 = v2.add(av.mul(b[y + 2]));
      v3 = v3.add(av.mul(b[y + 3]));
      v4 = v4.add(av.mul(b[y + 4]));
      v5 = v5.add(av.mul(b[y + 5]));
      v6 = v6.add(av.mul(b[y + 6]));
      v7 = v7.add(av.mul(b[y + 7]));
    }
    scatter(v0, c, c0, ldc, t);
    scatter(v1, c, c0 + 1, ldc, t);
    scatter(v2, c, c0 + 2, ldc, t);
    scatter(v3, c, c0 + 3, ldc, t);
    scatter(v4, c, c0 + 4, ldc, t);
    scatter(v5, c, c0 + 5, ldc, t);
    scatter(v6, c, c0 + 6, ldc, t);
    scatter(v7, c, c0 + 7, ldc, t);
  }

  /** As {@link #narrow4} for one column. */
  static void narrow1(int k, float[] src, int s0, int sp, float[] b, int b0, int ldb, float[] c, int c0, int ldc,
                      boolean accumulate) {
    float[] t = TILE.get();
    FloatVector v = gather(c, c0, ldc, t, accumulate);
    for (int p = 0, x = s0, y = b0; p < k; p++, x += sp, y += ldb) v = v.add(FloatVector.fromArray(S, src, x).mul(b[y]));
    scatter(v, c, c0, ldc, t);
  }

  /** L elements of a column of C (stride ldc) as a vector, or zeros. */
  private static FloatVector gather(float[] c, int c0, int ldc, float[] t, boolean accumulate) {
    if (!accumulate) return FloatVector.zero(S);
    for (int ii = 0; ii < L; ii++) t[ii] = c[c0 + ii * ldc];
    return FloatVector.fromArray(S, t, 0);
  }

  private static void scatter(FloatVector v, float[] c, int c0, int ldc, float[] t) {
    v.intoArray(t, 0);
    for (int ii = 0; ii < L; ii++) c[c0 + ii * ldc] = t[ii];
  }

  /** Per-thread scratch: one vector's worth for gathers, and a growable array for transposed copies. */
  private static final ThreadLocal<float[]> TILE = ThreadLocal.withInitial(() -> new float[L]);
  private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[][] {new float[0]});

  /** This thread's scratch array of at least {@code size} floats (grown, never shrunk; contents undefined). */
  static float[] scratch(int size) {
    float[][] holder = SCRATCH.get();
    if (holder[0].length < size) holder[0] = new float[size];
    return holder[0];
  }

  /** The row-update loop: C_i[jb:jb+w] (+)= a(i,p)·B_p[jb:jb+w] for p, then i; each row of B read once. */
  private static void rowUpdates(boolean transA, float[] c, int cOff, float[] a, int aOff, float[] b, int bOff,
                                 int m, int k, int n, int jb, int w, boolean accumulate) {
    if (!accumulate) {
      for (int i = 0; i < m; i++) java.util.Arrays.fill(c, cOff + i * n + jb, cOff + i * n + jb + w, 0f);
    }
    for (int p = 0; p < k; p++) {
      int bp = bOff + p * n + jb;
      for (int i = 0; i < m; i++) {
        float aip = transA ? a[aOff + p * m + i] : a[aOff + i * k + p];
        VectorKernels.axpyKernel(aip, b, bp, c, cOff + i * n + jb, w);
      }
    }
  }

  // ---------------------------------------------------------------- A·Bᵀ

  /**
   * Depth below L (a head of 8 on 16-float vectors): every dot product is a scalar sum in p order, so L
   * columns at once give the same bits from B transposed block by block, bt[q·k·L + p·L + jj] =
   * b(j + q·L + jj, p), up to four blocks per row of C at once so that their sums overlap.
   * Columns past the last full block take {@link #dots}.
   */
  private static void shallowDots(float[] c, int cOff, float[] a, int aOff, float[] b, int bOff,
                                  int m, int k, int n, int j0, int j1, boolean accumulate) {
    int kl = k * L;
    float[] bt = scratch(4 * kl);
    int j = j0;
    while (j + L <= j1) {
      int blocks = Math.min(4, (j1 - j) / L); // up to four column blocks side by side: four chains per row of C
      for (int q = 0; q < blocks; q++) {
        for (int jj = 0; jj < L; jj++) {
          int src = bOff + (j + q * L + jj) * k;
          for (int p = 0; p < k; p++) bt[q * kl + p * L + jj] = b[src + p];
        }
      }
      for (int i = 0; i < m; i++) {
        int ci = cOff + i * n + j;
        if (blocks == 4) {
          shallowRow4(k, a, aOff + i * k, bt, kl, c, ci, accumulate);
        } else {
          for (int q = 0; q < blocks; q++) shallowRow(k, a, aOff + i * k, bt, q * kl, c, ci + q * L, accumulate);
        }
      }
      j += blocks * L;
    }
    if (j < j1) dots(false, c, cOff, a, aOff, b, bOff, m, k, n, j, j1, accumulate);
  }

  /** c[c0 … c0+L) (+)= Σ_p a[ai + p]·bt[b0 + p·L …] as (…(+0 + a₀b₀) + …), products rounded, then added to C. */
  static void shallowRow(int k, float[] a, int ai, float[] bt, int b0, float[] c, int c0, boolean accumulate) {
    FloatVector s = FloatVector.zero(S);
    for (int p = 0; p < k; p++) s = s.add(FloatVector.fromArray(S, bt, b0 + p * L).mul(a[ai + p]));
    if (accumulate) s = FloatVector.fromArray(S, c, c0).add(s);
    s.intoArray(c, c0);
  }

  /** {@link #shallowRow} of four column blocks at once (blocks kl floats apart in bt): four independent sums. */
  static void shallowRow4(int k, float[] a, int ai, float[] bt, int kl, float[] c, int c0, boolean accumulate) {
    FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
    for (int p = 0, x = 0; p < k; p++, x += L) {
      float ap = a[ai + p];
      s0 = s0.add(FloatVector.fromArray(S, bt, x).mul(ap));
      s1 = s1.add(FloatVector.fromArray(S, bt, kl + x).mul(ap));
      s2 = s2.add(FloatVector.fromArray(S, bt, 2 * kl + x).mul(ap));
      s3 = s3.add(FloatVector.fromArray(S, bt, 3 * kl + x).mul(ap));
    }
    if (accumulate) {
      s0 = FloatVector.fromArray(S, c, c0).add(s0);
      s1 = FloatVector.fromArray(S, c, c0 + L).add(s1);
      s2 = FloatVector.fromArray(S, c, c0 + 2 * L).add(s2);
      s3 = FloatVector.fromArray(S, c, c0 + 3 * L).add(s3);
    }
    s0.intoArray(c, c0);
    s1.intoArray(c, c0 + L);
    s2.intoArray(c, c0 + 2 * L);
    s3.intoArray(c, c0 + 3 * L);
  }

  /** C[i, j] (+)= dot(row i of op(A), row j of B) for j in [j0, j1): each row of B dotted with every row of A while in L1. */
  private static void dots(boolean transA, float[] c, int cOff, float[] a, int aOff, float[] b, int bOff,
                           int m, int k, int n, int j0, int j1, boolean accumulate) {
    float[] ar = a;
    int ao = aOff;
    if (transA) {
      // Rows of op(A) are columns of A: copy them out once.
      ar = new float[m * k];
      for (int p = 0; p < k; p++) {
        for (int i = 0; i < m; i++) ar[i * k + p] = a[aOff + p * m + i];
      }
      ao = 0;
    }
    for (int j = j0; j < j1; j++) {
      int bj = bOff + j * k;
      for (int i = 0; i < m; i++) {
        float d = VectorKernels.dotKernel(ar, ao + i * k, b, bj, k);
        int ci = cOff + i * n + j;
        c[ci] = accumulate ? c[ci] + d : d;
      }
    }
  }
}
