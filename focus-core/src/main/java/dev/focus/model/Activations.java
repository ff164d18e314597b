package dev.focus.model;

import dev.focus.attention.Attention;
import dev.focus.model.ModelConfig.MlpKind;
import dev.focus.model.ModelConfig.NormKind;

/**
 * Preallocated buffers for one batch shape (B, T): the forward activations that backward needs (one
 * {@link LayerCache} per layer when training, one shared cache for inference) and the backward scratch.
 * Allocated once per shape; the attention's own saved state is recycled from step to step
 * ({@link Attention#forward(float[], float[], float[], float[], float[], dev.focus.attention.Mask, int, int, Attention.Saved)}),
 * so a training step allocates no activation-sized buffers.
 *
 * <p>Legend: N = B·T rows, C width, I MLP width, V vocabulary, NH/KVH heads, HS head size, L layers.
 * Attention tensors are token-major, as the projections write them: q (B, T, NH, HS) is the
 * (N, NH·HS) output of q_proj, no permute.
 */
final class Activations {
  final int batch, seqLen, n;
  final boolean training;

  final float[][] res;      // L+1 × (N, C) residual stream entering each layer; res[L] enters the final norm
  final float[][] resMid;   // L × (N, C) residual stream after each attention sub-layer
  final LayerCache[] layer; // L (training) or 1 shared (inference)
  final float[] nf;         // (N, C) final norm output
  final float[] nfStatA;    // (N) 1/rms, or μ for LayerNorm
  final float[] nfStatB;    // (N) 1/σ for LayerNorm, else null
  final float[] logits;     // (N, V)
  final float[] probs;      // (N, V) softmax, then dLogits in place (training)
  final float[] losses;     // (N)
  final float[] proj;       // (N, C) a sub-layer output before the residual add

  // backward scratch (training only)
  final float[] dRes;       // (N, C) gradient of the residual stream
  final float[] dN;         // (N, C) gradient of a norm output
  final float[] dY;         // (N, NH·HS) gradient of the attention output
  final float[] dQ;         // (N, NH·HS) gradient of q (rotated, then rotated back)
  final float[] dK;         // (N, KVH·HS)
  final float[] dV;         // (N, KVH·HS)
  final float[] dH, dGate, dUp; // (N, I)

  /** Forward caches of one block. Field comments give shapes. */
  static final class LayerCache {
    final float[] n1, s1a, s1b;  // (N, C) attention norm output; (N) its statistics
    final float[] q;             // (N, NH·HS) queries, rotated under RoPE for softmax (linear rotates inside)
    final float[] k;             // (N, KVH·HS) keys, likewise
    final float[] v;             // (N, KVH·HS) values
    final float[] y;             // (N, NH·HS) attention output (input of W_o)
    Attention.Saved saved;       // what the attention's backward needs (recycled by the next forward)
    final float[] n2, s2a, s2b;  // (N, C) MLP norm output; (N) statistics
    final float[] gate;          // (N, I) SwiGLU gate pre-activation; null for GELU
    final float[] up;            // (N, I) SwiGLU up projection / GELU pre-activation
    final float[] h;             // (N, I) MLP hidden activation

    LayerCache(ModelConfig c, int b, int t) {
      int n = b * t, C = c.hidden(), I = c.intermediate(), hs = c.headSize();
      boolean ln = c.norm() == NormKind.LAYERNORM;
      n1 = new float[n * C];
      s1a = new float[n];
      s1b = ln ? new float[n] : null;
      q = new float[n * c.heads() * hs];
      k = new float[n * c.kvHeads() * hs];
      v = new float[n * c.kvHeads() * hs];
      y = new float[q.length];
      n2 = new float[n * C];
      s2a = new float[n];
      s2b = ln ? new float[n] : null;
      gate = c.mlp() == MlpKind.SWIGLU ? new float[n * I] : null;
      up = new float[n * I];
      h = new float[n * I];
    }
  }

  Activations(ModelConfig c, int batch, int seqLen, boolean training) {
    this.batch = batch;
    this.seqLen = seqLen;
    this.n = batch * seqLen;
    this.training = training;
    int C = c.hidden(), I = c.intermediate(), V = c.vocab(), L = c.layers();
    int qw = c.heads() * c.headSize(), kw = c.kvHeads() * c.headSize();
    res = new float[training ? L + 1 : 2][];
    for (int i = 0; i < res.length; i++) res[i] = new float[n * C];
    resMid = new float[training ? L : 1][];
    for (int i = 0; i < resMid.length; i++) resMid[i] = new float[n * C];
    layer = new LayerCache[training ? L : 1];
    for (int i = 0; i < layer.length; i++) layer[i] = new LayerCache(c, batch, seqLen);
    nf = new float[n * C];
    nfStatA = new float[n];
    nfStatB = c.norm() == NormKind.LAYERNORM ? new float[n] : null;
    logits = new float[n * V];
    probs = new float[n * V];
    losses = new float[n];
    proj = new float[n * C];
    if (training) {
      dRes = new float[n * C];
      dN = new float[n * C];
      dY = new float[n * qw];
      dQ = new float[n * qw];
      dK = new float[n * kw];
      dV = new float[n * kw];
      dH = new float[n * I];
      dGate = new float[n * I];
      dUp = new float[n * I];
    } else {
      dRes = dN = dY = dQ = dK = dV = dH = dGate = dUp = null;
    }
  }

  /** The residual stream entering layer {@code l} (inference reuses two buffers). */
  float[] resIn(int l) { return training ? res[l] : res[l & 1]; }

  /** The residual stream leaving layer {@code l}. */
  float[] resOut(int l) { return training ? res[l + 1] : res[(l + 1) & 1]; }

  float[] resMid(int l) { return training ? resMid[l] : resMid[0]; }

  LayerCache cache(int l) { return training ? layer[l] : layer[0]; }

  boolean fits(int b, int t, boolean needTraining) {
    return b == batch && t == seqLen && (training || !needTraining);
  }
}
