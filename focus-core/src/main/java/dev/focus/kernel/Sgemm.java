package dev.focus.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-precision GEMM on the Vector API: C[M,N] (+)= op(A)·op(B) with op = identity or transpose,
 * all matrices dense and row-major. One driver serves {@code matmul} (A·B), {@code matmulNT} (A·Bᵀ)
 * and {@code matmulTN} (Aᵀ·B): the transposes are absorbed by packing, so all three run the same
 * register-blocked micro-kernel ({@link SgemmMicro}).
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
 * The micro-kernel keeps an MR × (NR = 2 vectors) tile of C in 2·MR vector registers (MR = 8 on
 * 16-float vectors, else 6); each step of p loads two vectors of packed B and broadcasts MR values
 * of A into fused multiply-adds. An untransposed A is read in place, MR rows side by side: MR
 * sequential streams are as cache-friendly as a packed copy, and skipping the copy pays off on the
 * thin products of training (N = 128…1024, where a scalar gather of the rows cost up to a quarter
 * of the product); only a ragged last micro-panel of rows is copied, zero-padded. A transposed A
 * (stored [K,M]) is packed block by block into micro-panels of MR values per p when two or more B
 * micro-panels reuse the block: each row of storage holds them side by side, so the copy is cheap,
 * and read in place at a stride of M its rows of a power-of-two width fell into a few cache sets;
 * with one B micro-panel it is read in place. Ragged columns are zero-padded by the B packing and their tiles go through a
 * scratch tile, so the kernels have no edge cases.
 *
 * <p>Small products, and skinny ones with M &lt; 6 (where packing B would cost as much as the
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
  static final int MR = SgemmBlocking.mr(L);
  /**
   * Products with fewer rows go to {@link SmallGemm}. Fixed at 6 (the register tile's rows before it
   * grew to 8 on 16-float vectors), not MR: the path decides how C is summed, so a 6- or 7-row product
   * (one short batch) rounds alike whatever the tile.
   */
  static final int SKINNY_M = 6;
  /** Columns of the register tile: two vectors. */
  static final int NR = SgemmBlocking.nr(L);

  /**
   * A transposed A block is packed into micro-panels when at least this many B micro-panels reuse it.
   * With one (N ≤ NR: the weight gradients of the lab's 32-wide models) the copy reads A as often as
   * the product does: packing every block, the Xeon model 207 trained the lab's MQAR model 20 % slower
   * on one thread (medians of four alternating pairs: 201,000 against 256,000 tokens per CPU-second;
   * micro 128,000 against 139,000, grid 66,000 against 70,000).
   */
  static final int PACK_AT_PANELS = 2;
  /** Packed-B blocks with at least this many elements are packed by all threads. */
  static final long PAR_PACK = 1L << 16;
  /**
   * Row blocks per thread in the parallel split over rows. On a shared 2-vCPU Xeon the second vCPU
   * sometimes ran at a fraction of the first's speed (two threads of SGEMM swung between 160 and 300
   * GFLOP/s); with one block per thread the call waited for the slow half, with four claimed blocks
   * the fast thread takes more of them: median over 60 paired timings +20–25 % at 1024³ and
   * 2048×512×128, the other training products within ±2 %.
   */
  static final int CHUNKS_PER_THREAD = 4;
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
    if (m < SKINNY_M) {
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
          Parallel.forRange(mPanels, minChunk, CHUNKS_PER_THREAD, (lo, hi) -> macro(bl, transA, c, cOff, a, aOff, pb, m, k, n,
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
    // Equal blocks of at most mcMax rows (multiples of MR), so no block is a thin remainder that
    // streams every B micro-panel for one or two tiles.
    int blocks = (rowHi - rowLo + mcMax - 1) / mcMax;
    int step = roundUp((rowHi - rowLo + blocks - 1) / blocks, MR);
    // A transposed A block is packed when two or more B micro-panels reuse it; for one panel the
    // copy would read A as often as the product does, so it is read in place at a stride of M.
    boolean packAt = transA && panelHi - panelLo >= PACK_AT_PANELS;
    int rs = transA ? 1 : k, ps = transA ? m : 1;  // op(A)[i, p] = a[i·rs + p·ps] in place
    float[] pa = ws.a(packAt ? roundUp(step, MR) * depth : MR * depth);
    for (int ic = rowLo; ic < rowHi; ic += step) {
      int mc = Math.min(step, rowHi - ic);
      int ragged = mc / MR * MR;  // first row of a ragged last micro-panel
      if (packAt) {
        packTransposed(a, aOff + pc * m + ic, m, mc, depth, pa);
      } else if (mc % MR != 0 && transA) {
        packTransposed(a, aOff + pc * m + ic + ragged, m, mc % MR, depth, pa);
      } else if (mc % MR != 0) {
        // Full micro-panels read A in place; only a ragged last one is copied (zero-padded to MR rows).
        packRows(a, aOff, k, ic + ragged, mc % MR, pc, depth, pa);
      }
      for (int jp = panelLo; jp < panelHi; jp++) {
        int j0 = jc + jp * NR;
        int nr = Math.min(NR, jc + nc - j0);
        int pbOff = jp * NR * depth;
        for (int ir = 0; ir < mc; ir += MR) {
          int mr = Math.min(MR, mc - ir);
          // A micro-panel in place (MR rows of op(A) at strides rs, ps) or packed (MR values per p)
          boolean inPlace = !packAt && mr == MR;
          int a0 = inPlace ? aOff + (ic + ir) * rs + pc * ps : packAt ? ir * depth : 0;
          int c0 = cOff + (ic + ir) * n + j0;
          boolean full = mr == MR && nr == NR;
          for (int q = 0; q < depth; q += kc) {
            int len = Math.min(kc, depth - q);
            boolean add = accumulate || pc + q > 0;
            int bq = pbOff + q * NR;
            // An edge tile goes through the scratch tile, overwritten by its chain.
            float[] dst = full ? c : tile;
            int d0 = full ? c0 : 0, ld = full ? n : NR;
            boolean addHere = full && add;
            if (inPlace) {
              SgemmMicro.rows(addHere, len, a, a0 + q * ps, rs, ps, pb, bq, dst, d0, ld);
            } else {
              SgemmMicro.packed(addHere, len, pa, a0 + q * MR, pb, bq, dst, d0, ld);
            }
            if (!full) {
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
   * Packs a block of a transposed A (stored [K,M]) into micro-panels of MR rows of op(A):
   * {@code pa[j·depth + p·MR + r] = a[src + p·ld + j + r]} for j a multiple of MR below width, zero
   * past width. Each row of storage holds MR wanted values side by side, so a panel is MR floats per
   * p; the kernel then reads A at constant strides (see {@link SgemmMicro}).
   */
  static void packTransposed(float[] a, int src, int ld, int width, int depth, float[] pa) {
    for (int j = 0; j < width; j += MR) {
      int s = src + j, d = j * depth;
      if (j + MR <= width) {
        for (int p = 0; p < depth; p++, s += ld, d += MR) {
          for (int r = 0; r < MR; r++) pa[d + r] = a[s + r];
        }
      } else {
        int w = width - j;
        for (int p = 0; p < depth; p++, s += ld, d += MR) {
          for (int r = 0; r < MR; r++) pa[d + r] = r < w ? a[s + r] : 0f;
        }
      }
    }
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
   * Packs rows ic … ic + mc − 1 (mc &lt;= MR) of an untransposed A[M,K], columns pc … pc + kc − 1, into
   * one micro-panel, {@code pa[p·MR + r]}, zero-padded to MR rows: the ragged last panel of a block.
   */
  static void packRows(float[] a, int aOff, int k, int ic, int mc, int pc, int kc, float[] pa) {
    for (int r = 0; r < MR; r++) {
      int src = aOff + (ic + r) * k + pc;
      for (int p = 0; p < kc; p++) pa[p * MR + r] = r < mc ? a[src + p] : 0f;
    }
  }
}
