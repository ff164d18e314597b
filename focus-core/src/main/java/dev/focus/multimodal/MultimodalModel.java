package dev.focus.multimodal;

import dev.focus.attention.HeadLayout;
import dev.focus.attention.Mask;
import dev.focus.attention.SoftmaxAttention;
import dev.focus.kernel.KernelSet;
import dev.focus.kernel.Kernels;
import dev.focus.model.Block;
import dev.focus.model.Model;
import dev.focus.model.ModelConfig;
import dev.focus.model.Parameter;
import dev.focus.op.CrossEntropy;
import dev.focus.op.Linear;
import dev.focus.op.RmsNorm;
import dev.focus.position.PositionKind;
import dev.focus.position.PositionScheme;
import dev.focus.position.Rope;
import dev.focus.position.RopeTable;
import dev.focus.train.Trainable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * One decoder Transformer that reads text and raw image patches and writes text and images
 * (spec 02 §3; Su, kexue.fm/archives/9984; Transfusion realised the same design):
 * <pre>
 *   x₀[text]  = E[token]
 *   x₀[patch] = W_in·x_t + W_time·φ(t)              bias-free projection of raw patches + time embedding
 *   x_{l+1}   = Block_l(x_l)  the text model's {@link Block}: pre-RMSNorm, softmax attention under the
 *                             hybrid mask with rotary positions per sequence, SwiGLU
 *   logits    = Norm_f(x_L)·W_lmᵀ                     next-token logits at every row (used at text rows)
 *   ŷ[patch]  = Norm_f(x_L)·W_imgᵀ                    ε̂ (or x̂₀) at patch rows
 *   L         = CE(text) + λ·Σ_patch w·‖ŷ − y‖²
 * </pre>
 * The hybrid mask is causal overall and bidirectional inside each image (spec 02 §3.5), so all
 * patches of an image are denoised in parallel. Backward runs the same ops in exact reverse.
 *
 * <p>Legend: B batch, S positions, N = B·S rows, C width, I MLP width, V vocabulary, D patch values,
 * F time features, L layers, NH heads, HS head size.
 */
public final class MultimodalModel {
  private static final float NORM_EPS = 1e-5f;

  private final MultimodalConfig config;
  private final Rope rope;
  private final Block.Shape shape;
  private final List<Trainable.Param> params = new ArrayList<>();
  private final Trainable.Param embed, timeIn, normF, lmHead, imgHead; // (V,C) (C,F) (C) (V,C) (D,C)
  private final Trainable.Param patchIn;   // (C, D) lossless input; null in the VQ arm
  private final Trainable.Param codeEmbed; // (K, C) VQ input; null when lossless
  private final Block[] blocks;

  public MultimodalModel(MultimodalConfig config, long seed) {
    this.config = config;
    int c = config.hidden(), i = config.intermediate(), hs = config.headSize();
    this.rope = (Rope) config.positionSpec().create(c, config.heads(), config.context());
    this.shape = new Block.Shape(c, i, config.heads(), config.heads(), ModelConfig.NormKind.RMSNORM, NORM_EPS,
        ModelConfig.MlpKind.SWIGLU, ModelConfig.Bias.NONE, false);
    SoftmaxAttention attention = SoftmaxAttention.of(HeadLayout.mha(config.heads(), hs));
    Random rng = new Random(seed);
    embed = param("embed_tokens.weight", config.vocab() * c, false, rng, true);
    patchIn = config.lossless() ? param("patch_in.weight", c * config.patchDim(), true, rng, true) : null;
    codeEmbed = config.lossless() ? null : param("code_embed.weight", config.vqCodes() * c, false, rng, true);
    timeIn = param("time_in.weight", c * config.timeFeatures(), true, rng, true);
    blocks = new Block[config.layers()];
    for (int l = 0; l < blocks.length; l++) {
      // the block's weights in Block.specs order, drawn from the same stream as before (gains draw nothing)
      String prefix = "layers." + l + ".";
      java.util.Map<String, Parameter> made = new java.util.HashMap<>();
      for (Model.Spec sp : Block.specs(prefix, shape)) {
        Trainable.Param t = sp.kind() == Model.Kind.GAIN ? gain(sp.name(), sp.size()) : param(sp.name(), sp.size(), true, rng, true);
        made.put(sp.name(), new Parameter(sp.name(), sp.shape(), t.value(), t.grad(), t.decay()));
      }
      blocks[l] = new Block(prefix, shape, attention, made::get);
    }
    normF = gain("norm.weight", c);
    lmHead = param("lm_head.weight", config.vocab() * c, true, rng, true);
    imgHead = param("image_head.weight", config.patchDim() * c, true, rng, true);
  }

  private Trainable.Param param(String name, int size, boolean decay, Random rng, boolean init) {
    float[] v = new float[size];
    if (init) for (int j = 0; j < size; j++) v[j] = (float) (rng.nextGaussian() * config.initStd());
    Trainable.Param p = new Trainable.Param(name, v, new float[size], decay);
    params.add(p);
    return p;
  }

  private Trainable.Param gain(String name, int size) {
    float[] v = new float[size];
    Arrays.fill(v, 1f);
    Trainable.Param p = new Trainable.Param(name, v, new float[size], false);
    params.add(p);
    return p;
  }

  public MultimodalConfig config() { return config; }

  /** The layout rule of the positions (its coordinates per token; {@code GRID} for rope-2d). */
  public PositionScheme scheme() { return config.position().scheme(); }

  /** The position kind of the config ({@link MultimodalConfig#POSITIONS}). */
  public PositionKind position() { return config.position(); }

  /** Every parameter, in a fixed order (the optimizer state follows it). */
  public List<Trainable.Param> params() { return params; }

  public void zeroGrad() {
    for (Trainable.Param p : params) Arrays.fill(p.grad(), 0f);
  }

  // ---- forward -----------------------------------------------------------------------------------

  /** What one forward pass keeps for the backward pass. */
  private static final class Cache {
    final int n;
    final float[][] resIn, resMid;   // (L+1 or L, N, C) residual stream
    final Block.Cache[] layer;       // L
    final Block.Scratch scratch;
    float[] nf, sf, logits, probs, pred; // (N,C) (N) (N,V) (N,V) (N,D)

    Cache(Block.Shape shape, int layers, int n) {
      this.n = n;
      resIn = new float[layers + 1][n * shape.hidden()];
      resMid = new float[layers][n * shape.hidden()];
      layer = new Block.Cache[layers];
      for (int l = 0; l < layers; l++) layer[l] = new Block.Cache(shape, n);
      scratch = new Block.Scratch(shape, n, true);
    }
  }

  /** Sinusoidal features φ(t) of a diffusion time: [sin(tω_j), cos(tω_j)], ω_j = 10000^(−2j/F). */
  static void timeFeatures(float[] out, int off, int t, int f) {
    for (int j = 0; j < f / 2; j++) {
      double w = Math.pow(10000.0, -2.0 * j / f);
      out[off + 2 * j] = (float) Math.sin(t * w);
      out[off + 2 * j + 1] = (float) Math.cos(t * w);
    }
  }

  private Cache forward(MultimodalBatch b) {
    int c = config.hidden(), i = config.intermediate(), v = config.vocab(), d = config.patchDim(), f = config.timeFeatures();
    int n = b.batch * b.seqLen;
    if (b.seqLen > config.context()) {
      throw new IllegalArgumentException("sequence length " + b.seqLen + " exceeds the model context " + config.context());
    }
    if (b.patchInput.length > 0 && b.patchDim != d) {
      throw new IllegalArgumentException("patch dimension " + b.patchDim + " does not match the model's D=" + d);
    }
    Cache cc = new Cache(shape, blocks.length, n);
    KernelSet k = Kernels.get();
    // Embeddings: text rows look up E, patch rows project the raw patch and add the time embedding.
    float[] x = cc.resIn[0];
    float[] feat = new float[f];
    for (int r = 0; r < n; r++) {
      int pr = b.patchRow[r];
      if (pr < 0) {
        int tok = b.tokens[r];
        if (tok < 0 || tok >= v) throw new IllegalArgumentException("token id " + tok + " at row " + r + " outside 0.." + (v - 1));
        System.arraycopy(embed.value(), tok * c, x, r * c, c);
      } else {
        if (codeEmbed == null) {
          k.matmulNT(x, r * c, b.patchInput, pr * d, patchIn.value(), 0, 1, d, c, false);
        } else {
          System.arraycopy(codeEmbed.value(), code(b, pr) * c, x, r * c, c);
        }
        timeFeatures(feat, 0, b.patchTime[pr], f);
        k.matmulNT(x, r * c, feat, 0, timeIn.value(), 0, 1, f, c, true);
      }
    }
    RopeTable table = rope.table(b.coords).perSequence(b.seqLen); // (B·S, A) coordinates, S rows per sequence
    // The hybrid mask (spec 02 §3.5), or plain causal over everything for the causal-image ablation.
    Mask mask = config.causalImages() ? Mask.causal() : Mask.causalWithBlocksPerBatch(b.spans);
    for (int l = 0; l < blocks.length; l++) {
      blocks[l].forward(cc.layer[l], cc.scratch, cc.resIn[l], cc.resMid[l], cc.resIn[l + 1], mask, table, b.batch, b.seqLen);
    }
    cc.nf = new float[n * c];
    cc.sf = new float[n];
    RmsNorm.forward(cc.nf, cc.sf, cc.resIn[blocks.length], normF.value(), n, c, NORM_EPS);
    cc.logits = new float[n * v];
    Linear.forward(cc.logits, cc.nf, lmHead.value(), null, n, c, v);
    cc.pred = new float[n * d];
    Linear.forward(cc.pred, cc.nf, imgHead.value(), null, n, c, d);
    return cc;
  }

  private int code(MultimodalBatch b, int patchRow) {
    if (b.patchCode == null) throw new IllegalArgumentException("the VQ model needs patch codes: call MultimodalBatch.withCodes");
    int code = b.patchCode[patchRow];
    if (code < 0 || code >= config.vqCodes()) {
      throw new IllegalArgumentException("patch code " + code + " outside 0.." + (config.vqCodes() - 1));
    }
    return code;
  }

  /** The two losses of one forward pass. */
  public record Loss(double text, double image, double total) {}

  /** Forward only. */
  public Loss loss(MultimodalBatch b) {
    Cache cc = forward(b);
    return losses(b, cc, false);
  }

  /** Forward and backward: returns the losses and <b>accumulates</b> every parameter gradient. */
  public Loss forwardBackward(MultimodalBatch b) {
    Cache cc = forward(b);
    Loss loss = losses(b, cc, true);
    backward(b, cc);
    return loss;
  }

  /** Cross-entropy over text targets and the weighted squared error over noised patches. */
  private Loss losses(MultimodalBatch b, Cache cc, boolean withGrad) {
    int n = cc.n, v = config.vocab(), d = config.patchDim();
    cc.probs = new float[n * v];
    float[] rowLoss = new float[n];
    int count = CrossEntropy.count(b.targets, n);
    double ce = count == 0 ? 0 : CrossEntropy.forward(rowLoss, cc.probs, cc.logits, b.targets, n, v);
    if (withGrad) {
      if (count > 0) CrossEntropy.backward(cc.probs, cc.probs, b.targets, n, v, 1f / count);
      else Arrays.fill(cc.probs, 0f);
    }
    double img = 0;
    float lambda = (float) config.imageWeight();
    for (int r = 0; r < n; r++) {
      int pr = b.patchRow[r];
      float wgt = pr < 0 ? 0f : b.patchWeight[pr];
      for (int e = 0; e < d; e++) {
        int idx = r * d + e;
        if (wgt == 0f) {
          cc.pred[idx] = withGrad ? 0f : cc.pred[idx];
          continue;
        }
        float diff = cc.pred[idx] - b.patchTarget[pr * d + e];
        img += (double) wgt * diff * diff;
        if (withGrad) cc.pred[idx] = 2f * lambda * wgt * diff; // pred now holds dPred
      }
    }
    return new Loss(ce, img, ce + config.imageWeight() * img);
  }

  // ---- backward ----------------------------------------------------------------------------------

  private void backward(MultimodalBatch b, Cache cc) {
    int n = cc.n, c = config.hidden(), v = config.vocab(), d = config.patchDim(), f = config.timeFeatures();
    float[] scratch = new float[n * Math.max(c, Math.max(config.intermediate(), Math.max(v, d)))];
    // heads: dNf = dLogits·W_lm + dPred·W_img
    float[] dNf = new float[n * c];
    Linear.backward(dNf, lmHead.grad(), null, cc.probs, cc.nf, lmHead.value(), n, c, v, scratch);
    Linear.backwardInput(dNf, cc.pred, imgHead.value(), n, c, d, true);
    Linear.backwardWeights(imgHead.grad(), null, cc.pred, cc.nf, n, c, d, scratch);
    float[] dRes = new float[n * c];
    RmsNorm.backward(dRes, normF.grad(), dNf, cc.resIn[blocks.length], normF.value(), cc.sf, n, c);
    for (int l = blocks.length - 1; l >= 0; l--) blocks[l].backward(cc.layer[l], cc.scratch, dRes, cc.resIn[l], cc.resMid[l]);
    // embeddings, in reverse: text rows into E, patch rows into W_in and W_time
    KernelSet k = Kernels.get();
    float[] feat = new float[f];
    for (int r = 0; r < n; r++) {
      int pr = b.patchRow[r];
      if (pr < 0) {
        k.axpy(1f, dRes, r * c, embed.grad(), b.tokens[r] * c, c);
      } else {
        // dW_in (C, D) += dx_rᵀ·x_t ; dW_time (C, F) += dx_rᵀ·φ(t)
        if (codeEmbed == null) k.matmulTN(patchIn.grad(), 0, dRes, r * c, b.patchInput, pr * d, c, 1, d, true);
        else k.axpy(1f, dRes, r * c, codeEmbed.grad(), code(b, pr) * c, c);
        timeFeatures(feat, 0, b.patchTime[pr], f);
        k.matmulTN(timeIn.grad(), 0, dRes, r * c, feat, 0, c, 1, f, true);
      }
    }
  }

  // ---- inference ---------------------------------------------------------------------------------

  /** Logits (B·S, V) and image-head outputs (B·S, D) of one forward pass. */
  public record Outputs(float[] logits, float[] imageHead) {}

  public Outputs outputs(MultimodalBatch b) {
    Cache cc = forward(b);
    return new Outputs(cc.logits, cc.pred);
  }
}
