package dev.focus.attention;

import java.util.Random;

/** Seeded random q, k, v and upstream gradient for one attention call. */
final class Inputs {
  final HeadLayout l;
  final int batch, t;
  final float[] q, k, v, dOut;

  Inputs(HeadLayout l, int batch, int t, long seed, float amplitude) {
    this.l = l;
    this.batch = batch;
    this.t = t;
    Random r = new Random(seed);
    q = gauss(r, batch * t * l.qWidth(), amplitude);
    k = gauss(r, batch * t * l.kvWidth(), amplitude);
    v = gauss(r, batch * t * l.kvWidth(), 1f);
    dOut = gauss(r, batch * t * l.qWidth(), 1f);
  }

  Inputs(HeadLayout l, int batch, int t, long seed) {
    this(l, batch, t, seed, 1f);
  }

  static float[] gauss(Random r, int n, float amplitude) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) x[i] = (float) r.nextGaussian() * amplitude;
    return x;
  }

  float[] newOut() { return new float[batch * t * l.qWidth()]; }

  float[] newKv() { return new float[batch * t * l.kvWidth()]; }

  /** Forward then backward; returns {out, dq, dk, dv}. */
  float[][] run(Attention a, float[] headScale, float[] dHeadScale, Mask mask) {
    return run(a, headScale, dHeadScale, mask, null);
  }

  /** As {@link #run(Attention, float[], float[], Mask)} with positions from a rotary table (or null). */
  float[][] run(Attention a, float[] headScale, float[] dHeadScale, Mask mask, dev.focus.position.RopeTable rotary) {
    float[] out = newOut(), dq = newOut(), dk = newKv(), dv = newKv();
    Attention.Saved s = a.forward(out, q, k, v, headScale, mask, rotary, batch, t, null);
    a.backward(dq, dk, dv, dHeadScale, dOut, s);
    return new float[][] {out, dq, dk, dv};
  }
}
