package dev.focus.lab.nope;

import dev.focus.lab.run.LabContext;
import dev.focus.lab.run.Section;
import dev.focus.metrics.NopeMeasures;
import dev.focus.metrics.VarianceProfile;
import dev.focus.model.Model;
import dev.focus.model.ModelConfig;
import dev.focus.model.ModelObserver;
import dev.focus.position.Alibi;
import dev.focus.position.PositionKind;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Spec 05 E1: the variance law at initialisation (D3, D4, D5; P8, P13). (a) Exact uniform averaging
 * of N(0,1) values; (b) one random-init causal head (width 256, d_h = 256, W ~ N(0, 0.02²)) with
 * and without the 1/√d_h logit scale; (c) the Focus decoder at initialisation with NoPE, RoPE and
 * ALiBi, read through the model observer. Per position n: the mean square MS_n of the outputs and
 * the effective number of attended tokens n_eff = 1/Σ a².
 */
public final class VarianceLaw implements Section<VarianceLaw.Settings, VarianceLaw.Result> {
  /** Sequences of {@code length}; batches of (a), (b) and (c). */
  public record Settings(int length, int uniformBatch, int headBatch, int stackBatch, long seed) implements Serializable {}

  /** One random head: MS_n, mean n_eff per position, the s.d. of its logits and the fitted slope of log MS_n on log n. */
  public record Head(double[] meanMs, double[] nEff, double logitSd, double slope) implements Serializable {}

  /**
   * The decoder at init under one position scheme: (layer, head, n) mean squares and n_eff, the
   * slope of log MS_n (mean over heads) per layer, and each head's own fitted slope.
   */
  public record Stack(PositionKind position, double[][][] meanMs, double[][][] nEff, double[] slopes, double[][] headSlopes)
      implements Serializable {
    /** MS_n of one layer, averaged over its heads. */
    public double[] meanMs(int layer) { return headMean(meanMs[layer]); }

    /** n_eff of one layer, averaged over its heads. */
    public double[] meanNEff(int layer) { return headMean(nEff[layer]); }
  }

  /**
   * (a) uniformMs/uniformSd and the slope; (b) the head with and without the scale; (c) a stack per
   * scheme. ALiBi: the λ = 1/4 head's MS_L/MS_1 against D5's Σa² at L, and the λ = 1/256 head's
   * fitted slope against the bias-only prediction.
   */
  public record Result(int length, double[] uniformMs, double[] uniformSd, double uniformSlope, Head scaled, Head raw,
                       List<Stack> stacks, float[] alibiSlopes, double alibiPlateauRatio, double alibiPlateauPredicted,
                       double alibiSlowSlope, double alibiSlowPredicted) implements Serializable {
    public Stack stack(PositionKind p) {
      for (Stack s : stacks) if (s.position() == p) return s;
      return null;
    }
  }

  static final List<PositionKind> STACKS = List.of(PositionKind.NOPE, PositionKind.ROPE, PositionKind.ALIBI);

  @Override
  public Result run(Settings st, LabContext ctx) {
    int L = st.length(), d = 64;
    long seed = st.seed();
    // (a) exact uniform averaging
    SplittableRandom rng = new SplittableRandom(seed);
    VarianceProfile uni = new VarianceProfile(L, d).trackPair(4, 16).trackPair(8, 32);
    double[] vals = new double[L * d];
    for (int b = 0; b < st.uniformBatch(); b++) {
      for (int i = 0; i < vals.length; i++) vals[i] = rng.nextGaussian();
      uni.add(NopeMeasures.causalUniformAverage(vals, L, d), 0);
    }
    // (b) one random-init head, with and without 1/√d_h
    Head scaled = randomHead(st.headBatch(), L, 256, 256, true, seed + 1);
    Head raw = randomHead(st.headBatch(), L, 256, 256, false, seed + 1);
    // (c) the decoder at init
    List<Stack> stacks = new ArrayList<>();
    for (PositionKind pos : STACKS) {
      if (ctx.cancelled()) break;
      stacks.add(decoderAtInit(pos, st.stackBatch(), L, seed + 2));
    }
    // ALiBi: plateau of the λ = 1/4 head and the slow λ = 1/256 head against D5
    float[] slopes = new Alibi(4).logitSlopes();
    double plateau = 0, plateauPred = 0, slow = 0, slowPred = 0;
    Stack alibi = stacks.stream().filter(s -> s.position() == PositionKind.ALIBI).findFirst().orElse(null);
    if (alibi != null) {
      double[] fast = alibi.meanMs()[0][0];
      plateau = fast[L - 1] / fast[0];
      plateauPred = NopeMeasures.alibiSumSquares(slopes[0], L);
      slow = alibi.headSlopes()[0][3];
      double[] pred = new double[L];
      for (int n = 0; n < L; n++) pred[n] = Math.log(NopeMeasures.alibiSumSquares(slopes[3], n + 1));
      slowPred = slopeOf(pred);
    }
    return new Result(L, uni.meanMs(), uni.sdMs(), uni.fit().slope(), scaled, raw, stacks, slopes, plateau, plateauPred, slow,
        slowPred);
  }

  /** Least-squares slope of y[n−1] on log n, n = 1..len. */
  static double slopeOf(double[] y) {
    int k = y.length;
    double mx = 0, my = 0;
    for (int i = 0; i < k; i++) { mx += Math.log(i + 1); my += y[i]; }
    mx /= k;
    my /= k;
    double sxy = 0, sxx = 0;
    for (int i = 0; i < k; i++) {
      double dx = Math.log(i + 1) - mx;
      sxy += dx * (y[i] - my);
      sxx += dx * dx;
    }
    return sxy / sxx;
  }

  static double[] log(double[] x) {
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) out[i] = Math.log(x[i]);
    return out;
  }

  /** The mean over heads (rows) of (heads, n) values, summed in head order. */
  static double[] headMean(double[][] perHead) {
    double[] out = new double[perHead[0].length];
    for (double[] h : perHead) for (int i = 0; i < out.length; i++) out[i] += h[i] / perHead.length;
    return out;
  }

  /**
   * Spec P13: x ~ N(0, I_c) per token, W_q, W_k, W_v ~ N(0, 0.02²) of shape (d_h, c), one causal
   * softmax head with logits q·k/√d_h (or q·k when {@code scaled} is false); float64.
   */
  static Head randomHead(int batch, int t, int c, int dh, boolean scaled, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] wq = gaussian(rng, dh * c, 0.02), wk = gaussian(rng, dh * c, 0.02), wv = gaussian(rng, dh * c, 0.02);
    VarianceProfile prof = new VarianceProfile(t, dh);
    double[] nEff = new double[t];
    double scale = scaled ? 1 / Math.sqrt(dh) : 1;
    double logitSum = 0, logitSq = 0;
    long logitN = 0;
    double[] x = new double[t * c], q = new double[t * dh], k = new double[t * dh], v = new double[t * dh];
    double[] y = new double[t * dh], s = new double[t];
    for (int b = 0; b < batch; b++) {
      for (int i = 0; i < x.length; i++) x[i] = rng.nextGaussian();
      linear(q, x, wq, t, c, dh);
      linear(k, x, wk, t, c, dh);
      linear(v, x, wv, t, c, dh);
      Arrays.fill(y, 0);
      for (int n = 0; n < t; n++) {
        double max = Double.NEGATIVE_INFINITY;
        for (int m = 0; m <= n; m++) {
          double dot = 0;
          for (int i = 0; i < dh; i++) dot += q[n * dh + i] * k[m * dh + i];
          s[m] = dot * scale;
          logitSum += s[m];
          logitSq += s[m] * s[m];
          logitN++;
          max = Math.max(max, s[m]);
        }
        double z = 0, sq = 0;
        for (int m = 0; m <= n; m++) z += s[m] = Math.exp(s[m] - max);
        for (int m = 0; m <= n; m++) {
          double a = s[m] / z;
          sq += a * a;
          for (int i = 0; i < dh; i++) y[n * dh + i] += a * v[m * dh + i];
        }
        nEff[n] += 1 / sq / batch;
      }
      prof.add(y, 0);
    }
    double mean = logitSum / logitN;
    return new Head(prof.meanMs(), nEff, Math.sqrt(logitSq / logitN - mean * mean), prof.fit().slope());
  }

  /** out (T, O) = in (T, K) · Wᵀ, W stored (O, K), in float64. */
  static void linear(double[] out, double[] in, double[] wt, int t, int kIn, int o) {
    for (int n = 0; n < t; n++) {
      for (int j = 0; j < o; j++) {
        double d = 0;
        int wo = j * kIn, io = n * kIn;
        for (int i = 0; i < kIn; i++) d += in[io + i] * wt[wo + i];
        out[n * o + j] = d;
      }
    }
  }

  private static double[] gaussian(SplittableRandom rng, int n, double std) {
    double[] a = new double[n];
    for (int i = 0; i < n; i++) a[i] = rng.nextGaussian() * std;
    return a;
  }

  /**
   * The Focus decoder at initialisation (width 256, 4 heads, 2 blocks, std 0.02) on sequences of
   * distinct random token ids; head outputs and attention weights come from the model observer.
   */
  static Stack decoderAtInit(PositionKind pos, int batch, int t, long seed) {
    int heads = 4, layers = 2, vocab = 1024;
    ModelConfig cfg = ModelConfig.llama(vocab, 256, 256, layers, heads, t).withPosition(pos);
    Model model = new Model(cfg, seed);
    int hs = cfg.headSize();
    VarianceProfile[][] prof = new VarianceProfile[layers][heads];
    double[][][] nEff = new double[layers][heads][t];
    for (int l = 0; l < layers; l++) for (int h = 0; h < heads; h++) prof[l][h] = new VarianceProfile(t, hs);
    model.setObserver(new ModelObserver() {
      @Override public void onHeadOutputs(int layer, float[] y, int b, int seqLen, int nh, int headSize) {
        double[] seq = new double[seqLen * headSize];
        for (int bi = 0; bi < b; bi++) {
          for (int h = 0; h < nh; h++) {
            for (int n = 0; n < seqLen; n++) {
              int src = ((bi * seqLen + n) * nh + h) * headSize;
              for (int i = 0; i < headSize; i++) seq[n * headSize + i] = y[src + i];
            }
            prof[layer][h].add(seq, 0);
          }
        }
      }

      @Override public void onAttentionWeights(int layer, float[] w, int b, int nh, int seqLen) {
        for (int bi = 0; bi < b; bi++) {
          for (int h = 0; h < nh; h++) {
            for (int n = 0; n < seqLen; n++) {
              int row = ((bi * nh + h) * seqLen + n) * seqLen;
              double sq = 0;
              for (int m = 0; m <= n; m++) sq += (double) w[row + m] * w[row + m];
              nEff[layer][h][n] += 1 / sq / batch;
            }
          }
        }
      }
    });
    SplittableRandom rng = new SplittableRandom(seed + 17);
    int chunk = Math.min(batch, 4);
    for (int done = 0; done < batch; done += chunk) {
      int rows = Math.min(chunk, batch - done);
      int[] tokens = new int[rows * t];
      for (int r = 0; r < rows; r++) {
        int[] perm = distinct(rng, vocab, t);
        System.arraycopy(perm, 0, tokens, r * t, t);
      }
      model.logits(tokens, rows, t);
    }
    model.setObserver(null);
    double[][][] ms = new double[layers][heads][];
    double[][] fits = new double[layers][heads];
    for (int l = 0; l < layers; l++) {
      for (int h = 0; h < heads; h++) {
        ms[l][h] = prof[l][h].meanMs();
        fits[l][h] = prof[l][h].fit().slope();
      }
    }
    double[] slopes = new double[layers];
    for (int l = 0; l < layers; l++) slopes[l] = slopeOf(log(headMean(ms[l])));
    return new Stack(pos, ms, nEff, slopes, fits);
  }

  /** k distinct ids from [0, n) (partial Fisher–Yates). */
  static int[] distinct(SplittableRandom rng, int n, int k) {
    int[] pool = new int[n];
    for (int i = 0; i < n; i++) pool[i] = i;
    for (int i = 0; i < k; i++) {
      int j = i + rng.nextInt(n - i);
      int tmp = pool[i];
      pool[i] = pool[j];
      pool[j] = tmp;
    }
    return Arrays.copyOf(pool, k);
  }
}
