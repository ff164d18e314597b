package dev.focus.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The MR×NR micro-kernels of {@link Sgemm}: C[0:MR, 0:NR] (=|+=) Σ_p op(A)[r, p] · pb[p·NR + j] over
 * one chain of kc terms, with C at {@code c[c0 + r·ldc + j]}. Twelve accumulators (MR = 6 rows × two
 * vectors) live in registers across the p loop; each step loads two vectors of packed B and
 * broadcasts MR values of A into twelve fused multiply-adds.
 *
 * <p>Two layouts of A: {@code Rows} reads MR rows of A in place, row r at {@code a[a0 + r·rs + p·ps]}
 * (an untransposed A: ps = 1); {@code Packed} reads a packed micro-panel, {@code a[a0 + p·MR + r]},
 * at compile-time strides, so that C2 removes the range checks and address arithmetic of the A
 * loads from the loop. With A and B in L1 on an Intel Xeon (model 207), the packed kernel ran at
 * 0.90 of the machine's FMA peak and the in-place one at 0.84 (median of 300 paired timings: +7 %).
 * An in-place kernel with ps fixed at 1 was as fast alone, but inside the product it ran at 0.6 of
 * this one (its B loads stalled), so the in-place kernel keeps both strides as arguments.
 *
 * <p>Each layout has a copy that overwrites C and one that adds to it, all straight-line, which is
 * why the four bodies repeat each other: a single method with both store paths (or with store
 * helpers) exceeds C2's inlining node budget, the Vector API calls at the end stay un-inlined, and
 * every vector gets boxed (ten times slower). For the same reason this class uses one vector species
 * only: a 256-bit load in a packing loop of the same class once left the kernels un-intrinsified.
 */
final class SgemmMicro {
  private SgemmMicro() {}

  static final VectorSpecies<Float> S = Sgemm.S;
  static final int L = Sgemm.L;
  static final int MR = Sgemm.MR;
  static final int NR = Sgemm.NR;

  /** C = the tile, A read in place: row r of the panel at {@code a[a0 + r·rs + p·ps]}. */
  static void setRows(int kc, float[] a, int a0, int rs, int ps, float[] pb, int pb0, float[] c, int c0, int ldc) {
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


  /** C += the tile, A in place as in {@link #setRows}. */
  static void addRows(int kc, float[] a, int a0, int rs, int ps, float[] pb, int pb0, float[] c, int c0, int ldc) {
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

  /** C = the tile, A packed: {@code a[a0 + p·MR + r]}. */
  static void setPacked(int kc, float[] a, int a0, float[] pb, int pb0, float[] c, int c0, int ldc) {
    FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
    FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
    FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
    FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
    FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
    FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
    int ai = a0, bi = pb0;
    for (int p = 0; p < kc; p++, ai += MR, bi += NR) {
      FloatVector b0 = FloatVector.fromArray(S, pb, bi);
      FloatVector b1 = FloatVector.fromArray(S, pb, bi + L);
      FloatVector av = FloatVector.broadcast(S, a[ai]);
      c00 = av.fma(b0, c00);
      c01 = av.fma(b1, c01);
      av = FloatVector.broadcast(S, a[ai + 1]);
      c10 = av.fma(b0, c10);
      c11 = av.fma(b1, c11);
      av = FloatVector.broadcast(S, a[ai + 2]);
      c20 = av.fma(b0, c20);
      c21 = av.fma(b1, c21);
      av = FloatVector.broadcast(S, a[ai + 3]);
      c30 = av.fma(b0, c30);
      c31 = av.fma(b1, c31);
      av = FloatVector.broadcast(S, a[ai + 4]);
      c40 = av.fma(b0, c40);
      c41 = av.fma(b1, c41);
      av = FloatVector.broadcast(S, a[ai + 5]);
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


  /** C += the tile, A packed as in {@link #setPacked}. */
  static void addPacked(int kc, float[] a, int a0, float[] pb, int pb0, float[] c, int c0, int ldc) {
    FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
    FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
    FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
    FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
    FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
    FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
    int ai = a0, bi = pb0;
    for (int p = 0; p < kc; p++, ai += MR, bi += NR) {
      FloatVector b0 = FloatVector.fromArray(S, pb, bi);
      FloatVector b1 = FloatVector.fromArray(S, pb, bi + L);
      FloatVector av = FloatVector.broadcast(S, a[ai]);
      c00 = av.fma(b0, c00);
      c01 = av.fma(b1, c01);
      av = FloatVector.broadcast(S, a[ai + 1]);
      c10 = av.fma(b0, c10);
      c11 = av.fma(b1, c11);
      av = FloatVector.broadcast(S, a[ai + 2]);
      c20 = av.fma(b0, c20);
      c21 = av.fma(b1, c21);
      av = FloatVector.broadcast(S, a[ai + 3]);
      c30 = av.fma(b0, c30);
      c31 = av.fma(b1, c31);
      av = FloatVector.broadcast(S, a[ai + 4]);
      c40 = av.fma(b0, c40);
      c41 = av.fma(b1, c41);
      av = FloatVector.broadcast(S, a[ai + 5]);
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
