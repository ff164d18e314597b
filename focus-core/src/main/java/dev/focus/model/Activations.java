package dev.focus.model;

import dev.focus.attention.Attention;
import dev.focus.model.ModelConfig.NormKind;

/**
 * Preallocated buffers for one batch shape (B, T): the residual stream, one {@link Block.Cache} per
 * layer when training (one shared when not), the blocks' shared {@link Block.Scratch}, and the final
 * norm and logits. Allocated once per shape; each attention's saved state is recycled from step to step
 * ({@link Attention#forward(float[], float[], float[], float[], float[], dev.focus.attention.Mask,
 * dev.focus.position.RopeTable, int, int, Attention.Saved)}), so a training step allocates no
 * activation-sized buffers.
 *
 * <p>Legend: N = B·T rows, C width, V vocabulary, L layers. Attention tensors are token-major, as the
 * projections write them: q (B, T, NH, HS) is the (N, NH·HS) output of q_proj, no permute.
 */
final class Activations {
  final int batch, seqLen, n;
  final boolean training;

  final float[][] res;        // L+1 × (N, C) residual stream entering each layer; res[L] enters the final norm
  final float[][] resMid;     // L × (N, C) residual stream after each attention sub-layer
  final Block.Cache[] layer;  // L (training) or 1 shared (inference)
  final Block.Scratch scratch;
  final float[] nf;           // (N, C) final norm output
  final float[] nfStatA;      // (N) 1/rms, or μ for LayerNorm
  final float[] nfStatB;      // (N) 1/σ for LayerNorm, else null
  final float[] logits;       // (N, V)
  final float[] probs;        // (N, V) softmax, then dLogits in place (training)
  final float[] losses;       // (N)
  final float[] dRes;         // (N, C) gradient of the residual stream (training only)

  Activations(ModelConfig c, int batch, int seqLen, boolean training) {
    this.batch = batch;
    this.seqLen = seqLen;
    this.n = batch * seqLen;
    this.training = training;
    int C = c.hidden(), V = c.vocab(), L = c.layers();
    Block.Shape shape = Block.Shape.of(c);
    res = new float[training ? L + 1 : 2][];
    for (int i = 0; i < res.length; i++) res[i] = new float[n * C];
    resMid = new float[training ? L : 1][];
    for (int i = 0; i < resMid.length; i++) resMid[i] = new float[n * C];
    layer = new Block.Cache[training ? L : 1];
    for (int i = 0; i < layer.length; i++) layer[i] = new Block.Cache(shape, n);
    scratch = new Block.Scratch(shape, n, training);
    nf = new float[n * C];
    nfStatA = new float[n];
    nfStatB = c.norm() == NormKind.LAYERNORM ? new float[n] : null;
    logits = new float[n * V];
    probs = new float[n * V];
    losses = new float[n];
    dRes = training ? new float[n * C] : null;
  }

  /** The residual stream entering layer {@code l} (inference reuses two buffers). */
  float[] resIn(int l) { return training ? res[l] : res[l & 1]; }

  /** The residual stream leaving layer {@code l}. */
  float[] resOut(int l) { return training ? res[l + 1] : res[(l + 1) & 1]; }

  float[] resMid(int l) { return training ? resMid[l] : resMid[0]; }

  Block.Cache cache(int l) { return training ? layer[l] : layer[0]; }

  boolean fits(int b, int t, boolean needTraining) {
    return b == batch && t == seqLen && (training || !needTraining);
  }
}
