package dev.focus.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-precision GEMM on the Vector API: C[M,N] (+)= op(A)·op(B) with op = identity or transpose,
 * all matrices dense and row-major. One driver serves {@code matmul} (A·B), {@code matmulNT} (A·Bᵀ)
 * and {@code matmulTN} (Aᵀ·B): the transpose of B is absorbed by packing, the transpose of A by the
 * strides the micro-kernel reads it with, so all three run the same register-blocked micro-kernel.
 *
 * <p>Structure (Goto &amp; van de Geijn 2008, "Anatomy of high-performance matrix multiplication",
 * §4–6; the BLIS loop nest of Van Zee &amp; van de Geijn 2015, Fig. 2):
 * <pre>
 *   for jc in N by NC                      B panel columns
 *     for pc in K by KP                    packed depth block
 *       pack op(B)[pc:pc+KP, jc:jc+NC] → micro-panels of KP×NR (row p holds NR consecutive columns)
 *       parallel over rows (or over NR panels when M is short):
 *         for ic in rows by MC             A block (MC×KP, stays in L2)
 *           for jr in NR panels            B micro-panel (KP×NR, in L1, or streamed from L2 when KP > KC)
 *             for ir in MC by MR           one MR×NR tile of C:
 *               for q in KP by KC            micro-kernel: a chain of KC fused multiply-adds in
 *                                            registers, then added to the tile in C (still in L1)
 * </pre>
 * The micro-kernel keeps an MR × (NR = 2 vectors) tile of C in 2·MR vector registers; each step of
 * p loads two vectors of packed B and broadcasts MR values of A into fused multiply-adds. A is read
 * in place: op(A)[i, p] = a[i·rs + p·ps] with (rs, ps) = (K, 1) for A and (1, M) for Aᵀ; six
 * sequential streams (or one row of six neighbours) are as cache-friendly as a packed copy, and
 * skipping the copy pays off on the thin products of training (N = 128…1024). Only a ragged last
 * micro-panel of rows is copied, zero-padded; ragged columns are zero-padded by the B packing and
 * their tiles go through a scratch tile, so the kernel itself has no edge cases.
 *
 * <p>Small products, and skinny ones with M &lt; MR (where packing B would cost as much as the
 * product), go to {@link SmallGemm}.
 *
 * <p>KC, KP, MC and NC come from {@link SgemmBlocking}: derived from this machine's cache sizes, or
 * set with {@code -Dfocus.sgemm.*}. KC fixes the summation order of every element of C,
 * (…((C + chain₁) + chain₂) + …) over chains of KC terms; KP, MC and NC only reorder whole tiles and
 * chains, so they leave every bit of C as it is. Running the KP/KC chains of a tile back to back
 * (rather than packing blocks of KC) keeps its C tile in L1 between chains: with KP = KC every chain
 * found its tile gone to L3 and waited for it, 10–15 % of the time at 1024³ on a Zen 4 core.
 */
final class Sgemm {
  private Sgemm() {}

  static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  static final int L = S.length();

  /** Rows of the register tile. */
  static final int MR = SgemmBlocking.MR;
  /** Columns of the register tile: two vectors. */
  static final int NR = SgemmBlocking.nr(L);

  /**
   * A transposed A (stored [K,M]) is read in place by tiles as MR neighbours per row of storage, at a
   * stride of M floats; when M is a multiple of a power of two (128, 1024, 2048: every width in
   * training) those rows fall into a few cache sets and a block of them does not stay in L2. When at
   * least this many B micro-panels reuse the block, it is copied first, rows of storage side by side
   * at a stride of an odd number of lines: 7–10 % faster at M = 1024 and 2048 on a Zen 4 core, no
   * change at M = 1000. Rows of an untransposed A are contiguous and gain nothing from a copy.
   */
  static final int PACK_AT_PANELS = 2;
  /** Packed-B blocks with at least this many elements are packed by all threads. */
  static final long PAR_PACK = 1L << 16;
  /** Minimum multiply-adds per parallel chunk (below this the fork/join costs more than it saves). */
  static final long PAR_MNK = 1L << 17;

  /** Per-thread scratch: a ragged A micro-panel, packed B, one edge tile. Grown on demand, never shrunk. */
  private static final class Workspace {
    float[] a = new float[0];
    float[] b = new float[0];
    final float[] tile = new float[MR * NR];

    float[] a(int size) {
      if (a.length < size) a = new float[size];
      return a;
    }

    float[] b(int size) {
      if (b.length < size) b = new float[size];
      return b;
    }
  }

  private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

  /**
   * C[M,N] (+)= op(A)·op(B). {@code transA}: A is stored [K,M]; {@code transB}: B is stored [N,K].
   * C must not overlap A or B.
   */
  static void gemm(boolean transA, boolean transB, float[] c, int cOff, float[] a, int aOff, float[] b, int bOff,
                   int m, int k, int n, boolean accumulate) {
    gemm(SgemmBlocking.active(L), transA, transB, c, cOff, a, aOff, b, bOff, m, k, n, accumulate);
  }

  /** As {@link #gemm(boolean, boolean, float[], int, float[], int, float[], int, int, int, int, boolean)} with a given blocking. */
  static void gemm(SgemmBlocking bl, boolean transA, boolean transB, float[] c, int cOff, float[] a, int aOff,
                   float[] b, int bOff, int m, int k, int n, boolean accumulate) {
    if (m == 0 || n == 0) return;
    if (k == 0) {
      if (!accumulate) java.util.Arrays.fill(c, cOff, cOff + m * n, 0f);
      return;
    }
    if ((long) m * n * k <= bl.small() || n < L / 2) {
      SmallGemm.cols(transA, transB, c, cOff, a, aOff, b, bOff, m, k, n, 0, n, accumulate);
      return;
    }
    if (m < MR) {
      int minCols = (int) Math.max(L, PAR_MNK / ((long) m * k));
      Parallel.forRange(n, minCols, (lo, hi) ->
          SmallGemm.cols(transA, transB, c, cOff, a, aOff, b, bOff, m, k, n, lo, hi, accumulate));
      return;
    }
    Workspace ws = WORKSPACE.get();
    int kb = bl.kp();
    float[] pb = ws.b(Math.min(kb, k) * roundUp(Math.min(bl.nc(), n), NR));
    int threads = Parallel.threads();
    for (int jc = 0; jc < n; jc += bl.nc()) {
      int nc = Math.min(bl.nc(), n - jc);
      int nPanels = (nc + NR - 1) / NR;
      for (int pc = 0; pc < k; pc += kb) {
        int depth = Math.min(kb, k - pc);
        if ((long) depth * nc >= PAR_PACK) {
          final int pcP = pc, jcP = jc, ncP = nc;
          Parallel.forRange(nPanels, 1, (lo, hi) -> packB(transB, b, bOff, k, n, pcP, depth, jcP + lo * NR,
              Math.min(ncP, hi * NR) - lo * NR, pb, lo * NR * depth));
        } else {
          packB(transB, b, bOff, k, n, pc, depth, jc, nc, pb, 0);
        }
        int mPanels = (m + MR - 1) / MR;
        long work = (long) m * nc * depth;
        final int jcF = jc, pcF = pc, ncF = nc;
        if (mPanels >= 2 * threads || nPanels < 2) {
          int minChunk = (int) Math.max(1, PAR_MNK / ((long) MR * nc * depth));
          Parallel.forRange(mPanels, minChunk, (lo, hi) -> macro(bl, transA, c, cOff, a, aOff, pb, m, k, n,
              lo * MR, Math.min(hi * MR, m), jcF, ncF, 0, nPanels, pcF, depth, accumulate));
        } else {
          int minChunk = (int) Math.max(1, PAR_MNK / ((long) m * NR * depth));
          Parallel.forRange(nPanels, work >= 2 * PAR_MNK ? minChunk : nPanels, (lo, hi) -> macro(bl, transA, c, cOff,
              a, aOff, pb, m, k, n, 0, m, jcF, ncF, lo, hi, pcF, depth, accumulate));
        }
      }
    }
  }

  static int roundUp(int x, int multiple) {
    return (x + multiple - 1) / multiple * multiple;
  }

  /**
   * Rows [rowLo, rowHi) of C times B panels [panelLo, panelHi) of the current (jc, pc) block, whose
   * packed depth is {@code depth}. Each tile runs the block's depth chunks of kc one after another, so
   * it sums exactly as with packed blocks of kc (C += Σ over chunk q, in order) while its C tile
   * stays in L1 between chunks. rowLo is a multiple of MR.
   */
  private static void macro(SgemmBlocking bl, boolean transA, float[] c, int cOff, float[] a, int aOff, float[] pb,
                            int m, int k, int n, int rowLo, int rowHi, int jc, int nc,
                            int panelLo, int panelHi, int pc, int depth, boolean accumulate) {
    Workspace ws = WORKSPACE.get();
    int kc = bl.kc(), mcMax = bl.mc();
    float[] tile = ws.tile;
    // op(A)[i, p] = a[aBase + i·rs + p·ps]
    int rs = transA ? 1 : k, ps = transA ? m : 1;
    // Equal blocks of at most mcMax rows (multiples of MR), so no block is a thin remainder that
    // streams every B micro-panel for one or two tiles.
    int blocks = (rowHi - rowLo + mcMax - 1) / mcMax;
    int step = roundUp((rowHi - rowLo + blocks - 1) / blocks, MR);
    boolean copyAt = transA && panelHi - panelLo >= PACK_AT_PANELS;
    int atStride = oddLines(step);
    float[] pa = ws.a(copyAt ? atStride * depth : MR * depth);
    for (int ic = rowLo; ic < rowHi; ic += step) {
      int mc = Math.min(step, rowHi - ic);
      if (copyAt) {
        copyRows(a, aOff + pc * m + ic, m, mc, pa, atStride, depth);
      } else if (mc % MR != 0) {
        // Full micro-panels read A in place; only a ragged last one is copied (zero-padded to MR rows).
        packA(transA, a, aOff, m, k, ic + mc / MR * MR, mc % MR, pc, depth, pa);
      }
      for (int jp = panelLo; jp < panelHi; jp++) {
        int j0 = jc + jp * NR;
        int nr = Math.min(NR, jc + nc - j0);
        int pbOff = jp * NR * depth;
        for (int ir = 0; ir < mc; ir += MR) {
          int mr = Math.min(MR, mc - ir);
          float[] src;
          int a0, srs, sps;
          if (copyAt) {
            src = pa; a0 = ir; srs = 1; sps = atStride;
          } else if (mr < MR) {
            src = pa; a0 = 0; srs = 1; sps = MR;
          } else {
            src = a; a0 = aOff + (ic + ir) * rs + pc * ps; srs = rs; sps = ps;
          }
          int c0 = cOff + (ic + ir) * n + j0;
          for (int q = 0; q < depth; q += kc) {
            int len = Math.min(kc, depth - q);
            boolean add = accumulate || pc + q > 0;
            int aq = a0 + q * sps, bq = pbOff + q * NR;
            if (mr == MR && nr == NR) {
              if (add) {
                kernelAdd(len, src, aq, srs, sps, pb, bq, c, c0, n);
              } else {
                kernelSet(len, src, aq, srs, sps, pb, bq, c, c0, n);
              }
            } else {
              kernelSet(len, src, aq, srs, sps, pb, bq, tile, 0, NR);
              for (int r = 0; r < mr; r++) {
                int cr = c0 + r * n;
                for (int j = 0; j < nr; j++) c[cr + j] = add ? c[cr + j] + tile[r * NR + j] : tile[r * NR + j];
              }
            }
          }
        }
      }
    }
  }

  /**
   * Copies {@code rows} rows of {@code width} floats, a[src + p·ld …], to pa[p·stride …], zeroing
   * columns width … roundUp(width, MR) − 1: the block of a transposed A as stored (row pc+p holds
   * the block's width values of op(A)[·, p] side by side).
   */
  static void copyRows(float[] a, int src, int ld, int width, float[] pa, int stride, int rows) {
    int padded = roundUp(width, MR);
    for (int p = 0; p < rows; p++, src += ld) {
      System.arraycopy(a, src, pa, p * stride, width);
      for (int j = width; j < padded; j++) pa[p * stride + j] = 0f;
    }
  }

  /**
   * A row length of at least {@code width} floats (rounded up to MR) that spans an odd number of
   * 64-byte lines, so that consecutive rows fall in different cache sets however wide A is.
   */
  static int oddLines(int width) {
    int lines = (roundUp(width, MR) + 15) / 16;
    return 16 * (lines % 2 == 0 ? lines + 1 : lines);
  }

  /**
   * Packs op(B)[pc:pc+kc, jc:jc+nc] into micro-panels: panel jp, row p holds columns
   * jc + jp·NR … + NR − 1 at {@code pb[jp·NR·kc + p·NR + j]}, zero-padded past nc.
   */
  static void packB(boolean transB, float[] b, int bOff, int k, int n, int pc, int kc, int jc, int nc,
                    float[] pb, int pbOff) {
    for (int j0 = 0, dst = pbOff; j0 < nc; j0 += NR, dst += NR * kc) {
      int nr = Math.min(NR, nc - j0);
      if (!transB && nr == NR) {
        copyRows(b, bOff + pc * n + jc + j0, n, pb, dst, kc);
      } else if (!transB) {
        // B[K,N]: row pc+p is contiguous.
        for (int p = 0; p < kc; p++) {
          int src = bOff + (pc + p) * n + jc + j0;
          int d = dst + p * NR;
          System.arraycopy(b, src, pb, d, nr);
          for (int j = nr; j < NR; j++) pb[d + j] = 0f;
        }
      } else {
        // B stored [N,K]: column j of op(B) is row jc+j0+j of B, contiguous in p.
        for (int j = 0; j < nr; j++) {
          int src = bOff + (jc + j0 + j) * k + pc;
          for (int p = 0; p < kc; p++) pb[dst + p * NR + j] = b[src + p];
        }
        for (int j = nr; j < NR; j++) {
          for (int p = 0; p < kc; p++) pb[dst + p * NR + j] = 0f;
        }
      }
    }
  }

  /**
   * pb[dst + p·NR + j] = b[src + p·ld + j] for p &lt; rows, j &lt; NR: one full micro-panel of an
   * untransposed B, two vectors a row (a {@code System.arraycopy} per row of 32 floats cost as much
   * as a third of a 128-row product).
   */
  static void copyRows(float[] b, int src, int ld, float[] pb, int dst, int rows) {
    for (int p = 0; p < rows; p++, src += ld, dst += NR) {
      FloatVector.fromArray(S, b, src).intoArray(pb, dst);
      FloatVector.fromArray(S, b, src + L).intoArray(pb, dst + L);
    }
  }

  /**
   * Packs op(A)[ic:ic+mc, pc:pc+kc] into micro-panels: panel ir/MR, column p holds rows
   * ic + ir … + MR − 1 at {@code pa[ir·kc + p·MR + r]}, zero-padded past mc.
   */
  static void packA(boolean transA, float[] a, int aOff, int m, int k, int ic, int mc, int pc, int kc, float[] pa) {
    for (int ir = 0; ir < mc; ir += MR) {
      int mr = Math.min(MR, mc - ir);
      int dst = ir * kc;
      if (!transA) {
        // A[M,K]: row ic+ir+r is contiguous in p. Read MR rows side by side, write sequentially.
        int src = aOff + (ic + ir) * k + pc;
        if (mr == MR) {
          int s1 = src + k, s2 = src + 2 * k, s3 = src + 3 * k, s4 = src + 4 * k, s5 = src + 5 * k;
          for (int p = 0, d = dst; p < kc; p++, d += MR) {
            pa[d] = a[src + p];
            pa[d + 1] = a[s1 + p];
            pa[d + 2] = a[s2 + p];
            pa[d + 3] = a[s3 + p];
            pa[d + 4] = a[s4 + p];
            pa[d + 5] = a[s5 + p];
          }
        } else {
          for (int r = 0; r < mr; r++) {
            for (int p = 0; p < kc; p++) pa[dst + p * MR + r] = a[src + r * k + p];
          }
        }
      } else {
        // A stored [K,M]: row pc+p holds the MR wanted values side by side.
        for (int p = 0; p < kc; p++) {
          int src = aOff + (pc + p) * m + ic + ir;
          int d = dst + p * MR;
          for (int r = 0; r < mr; r++) pa[d + r] = a[src + r];
        }
      }
      if (mr < MR) {
        for (int p = 0; p < kc; p++) {
          for (int r = mr; r < MR; r++) pa[dst + p * MR + r] = 0f;
        }
      }
    }
  }

  /**
   * The MR×NR micro-kernel: C[0:MR, 0:NR] = Σ_p pa[p·MR + r] · pb[p·NR + j], with C at
   * {@code c[c0 + r·ldc + j]}. Twelve accumulators live in registers across the p loop.
   *
   * <p>Two copies, one that overwrites C and one that adds to it, each straight-line: a single
   * method with both store paths (or with store helpers) exceeds C2's inlining node budget, the
   * Vector API calls at the end stay un-inlined, and every vector gets boxed (ten times slower).
   */
  static void kernelSet(int kc, float[] a, int a0, int rs, int ps, float[] pb, int pb0, float[] c, int c0, int ldc) {
    FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
    FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
    FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
    FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
    FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
    FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
    int rs2 = 2 * rs, rs3 = 3 * rs, rs4 = 4 * rs, rs5 = 5 * rs;
    int ai = a0, bi = pb0;
    for (int p = 0; p < kc; p++, ai += ps, bi += NR) {
      FloatVector b0 = FloatVector.fromArray(S, pb, bi);
      FloatVector b1 = FloatVector.fromArray(S, pb, bi + L);
      FloatVector av = FloatVector.broadcast(S, a[ai]);
      c00 = av.fma(b0, c00);
      c01 = av.fma(b1, c01);
      av = FloatVector.broadcast(S, a[ai + rs]);
      c10 = av.fma(b0, c10);
      c11 = av.fma(b1, c11);
      av = FloatVector.broadcast(S, a[ai + rs2]);
      c20 = av.fma(b0, c20);
      c21 = av.fma(b1, c21);
      av = FloatVector.broadcast(S, a[ai + rs3]);
      c30 = av.fma(b0, c30);
      c31 = av.fma(b1, c31);
      av = FloatVector.broadcast(S, a[ai + rs4]);
      c40 = av.fma(b0, c40);
      c41 = av.fma(b1, c41);
      av = FloatVector.broadcast(S, a[ai + rs5]);
      c50 = av.fma(b0, c50);
      c51 = av.fma(b1, c51);
    }
    c00.intoArray(c, c0);
    c01.intoArray(c, c0 + L);
    c10.intoArray(c, c0 + ldc);
    c11.intoArray(c, c0 + ldc + L);
    c20.intoArray(c, c0 + 2 * ldc);
    c21.intoArray(c, c0 + 2 * ldc + L);
    c30.intoArray(c, c0 + 3 * ldc);
    c31.intoArray(c, c0 + 3 * ldc + L);
    c40.intoArray(c, c0 + 4 * ldc);
    c41.intoArray(c, c0 + 4 * ldc + L);
    c50.intoArray(c, c0 + 5 * ldc);
    c51.intoArray(c, c0 + 5 * ldc + L);
  }

  /** As {@link #kernelSet} but C += the tile. */
  static void kernelAdd(int kc, float[] a, int a0, int rs, int ps, float[] pb, int pb0, float[] c, int c0, int ldc) {
    FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
    FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
    FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
    FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
    FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
    FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
    int rs2 = 2 * rs, rs3 = 3 * rs, rs4 = 4 * rs, rs5 = 5 * rs;
    int ai = a0, bi = pb0;
    for (int p = 0; p < kc; p++, ai += ps, bi += NR) {
      FloatVector b0 = FloatVector.fromArray(S, pb, bi);
      FloatVector b1 = FloatVector.fromArray(S, pb, bi + L);
      FloatVector av = FloatVector.broadcast(S, a[ai]);
      c00 = av.fma(b0, c00);
      c01 = av.fma(b1, c01);
      av = FloatVector.broadcast(S, a[ai + rs]);
      c10 = av.fma(b0, c10);
      c11 = av.fma(b1, c11);
      av = FloatVector.broadcast(S, a[ai + rs2]);
      c20 = av.fma(b0, c20);
      c21 = av.fma(b1, c21);
      av = FloatVector.broadcast(S, a[ai + rs3]);
      c30 = av.fma(b0, c30);
      c31 = av.fma(b1, c31);
      av = FloatVector.broadcast(S, a[ai + rs4]);
      c40 = av.fma(b0, c40);
      c41 = av.fma(b1, c41);
      av = FloatVector.broadcast(S, a[ai + rs5]);
      c50 = av.fma(b0, c50);
      c51 = av.fma(b1, c51);
    }
    c00.add(FloatVector.fromArray(S, c, c0)).intoArray(c, c0);
    c01.add(FloatVector.fromArray(S, c, c0 + L)).intoArray(c, c0 + L);
    c10.add(FloatVector.fromArray(S, c, c0 + ldc)).intoArray(c, c0 + ldc);
    c11.add(FloatVector.fromArray(S, c, c0 + ldc + L)).intoArray(c, c0 + ldc + L);
    c20.add(FloatVector.fromArray(S, c, c0 + 2 * ldc)).intoArray(c, c0 + 2 * ldc);
    c21.add(FloatVector.fromArray(S, c, c0 + 2 * ldc + L)).intoArray(c, c0 + 2 * ldc + L);
    c30.add(FloatVector.fromArray(S, c, c0 + 3 * ldc)).intoArray(c, c0 + 3 * ldc);
    c31.add(FloatVector.fromArray(S, c, c0 + 3 * ldc + L)).intoArray(c, c0 + 3 * ldc + L);
    c40.add(FloatVector.fromArray(S, c, c0 + 4 * ldc)).intoArray(c, c0 + 4 * ldc);
    c41.add(FloatVector.fromArray(S, c, c0 + 4 * ldc + L)).intoArray(c, c0 + 4 * ldc + L);
    c50.add(FloatVector.fromArray(S, c, c0 + 5 * ldc)).intoArray(c, c0 + 5 * ldc);
    c51.add(FloatVector.fromArray(S, c, c0 + 5 * ldc + L)).intoArray(c, c0 + 5 * ldc + L);
  }
}
