package dev.focus.lab.nope;

import dev.focus.kernel.KernelSet;
import dev.focus.kernel.Kernels;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The position probe of spec 05 §3.3 ({@code position_probe}): a two-layer ReLU MLP
 * (D → hidden → T classes) trained with cross-entropy and Adam on <b>frozen</b> features of one hook
 * point, to predict each token's 0-based position. Features are standardised with the train split's
 * mean and s.d.; the split is by sequence, never by token. The score is the mean absolute distance
 * (MAD) between the argmax class and the true position, to be read against chance (L²−1)/(3L) (D7)
 * and the constant median guess L/4.
 *
 * <p>Legend: S sequences, T positions (= classes), N = S·T rows, D feature width, H hidden width,
 * Bm minibatch rows.
 */
final class PositionProbe {
  private PositionProbe() {}

  private static final KernelSet K = Kernels.get();

  /**
   * A probe's test-split scores.
   *
   * @param mad       mean |argmax − position| over all test tokens
   * @param bucketMad MAD per position bucket {@link #BUCKETS}
   * @param meanPred  mean prediction per true position (T)
   * @param p10       10th percentile of the prediction per true position (T)
   * @param p90       90th percentile (T)
   */
  record Result(double mad, double[] bucketMad, double[] meanPred, double[] p10, double[] p90) implements java.io.Serializable {}

  /** Bucket edges of the per-bucket MAD: [0,8), [8,16), [16,32), [32,T). */
  static final int[] BUCKETS = {0, 8, 16, 32};

  /**
   * Trains on sequences [0, trainSeqs) and scores on [trainSeqs, S).
   *
   * @param x (N, D) features, sequence-major: row s·T + n is position n of sequence s
   */
  static Result fit(double[] x, int dim, int seqs, int t, int trainSeqs, int hidden, int steps, int batch, double lr,
                    long seed) {
    if (x.length != (long) seqs * t * dim) {
      throw new IllegalArgumentException("features length " + x.length + " != S*T*D=" + seqs + "*" + t + "*" + dim);
    }
    if (trainSeqs < 1 || trainSeqs >= seqs) throw new IllegalArgumentException("trainSeqs=" + trainSeqs + " must be in [1, " + seqs + ")");
    int nTrain = trainSeqs * t, nTest = (seqs - trainSeqs) * t;
    float[] z = standardise(x, dim, nTrain);                           // (N, D)
    SplittableRandom rng = new SplittableRandom(seed);
    float[] w1 = uniform(rng, hidden * dim, 1 / Math.sqrt(dim)), b1 = new float[hidden];   // (H, D), (H)
    float[] w2 = uniform(rng, t * hidden, 1 / Math.sqrt(hidden)), b2 = new float[t];       // (T, H), (T)
    float[][] params = {w1, b1, w2, b2};
    float[][] grads = {new float[w1.length], new float[hidden], new float[w2.length], new float[t]};
    float[][] m = {new float[w1.length], new float[hidden], new float[w2.length], new float[t]};
    float[][] v = {new float[w1.length], new float[hidden], new float[w2.length], new float[t]};
    float[] xb = new float[batch * dim], h = new float[batch * hidden], lg = new float[batch * t], dh = new float[batch * hidden];
    int[] yb = new int[batch];
    for (int step = 1; step <= steps; step++) {
      for (int r = 0; r < batch; r++) {
        int row = rng.nextInt(nTrain);
        System.arraycopy(z, row * dim, xb, r * dim, dim);
        yb[r] = row % t;
      }
      forward(xb, w1, b1, w2, b2, h, lg, batch, dim, hidden, t);
      // dlogits = (softmax − onehot)/Bm
      K.softmaxRows(lg, 0, lg, 0, batch, t);
      for (int r = 0; r < batch; r++) lg[r * t + yb[r]] -= 1f;
      K.scale(lg, 0, batch * t, 1f / batch);
      K.matmulTN(grads[2], 0, lg, 0, h, 0, t, batch, hidden, false);  // dW2 (T, H) = dlogitsᵀ·h
      colSum(grads[3], lg, batch, t);
      K.matmul(dh, 0, lg, 0, w2, 0, batch, t, hidden, false);         // dh (Bm, H) = dlogits·W2
      for (int i = 0; i < dh.length; i++) if (h[i] <= 0f) dh[i] = 0f;
      K.matmulTN(grads[0], 0, dh, 0, xb, 0, hidden, batch, dim, false); // dW1 (H, D) = dhᵀ·x
      colSum(grads[1], dh, batch, hidden);
      adam(params, grads, m, v, lr, step);
    }
    // score the held-out sequences
    int[] pred = new int[nTest];
    int chunk = 1024;
    float[] hc = new float[chunk * hidden], lc = new float[chunk * t];
    for (int r0 = 0; r0 < nTest; r0 += chunk) {
      int rows = Math.min(chunk, nTest - r0);
      forward(Arrays.copyOfRange(z, (nTrain + r0) * dim, (nTrain + r0 + rows) * dim), w1, b1, w2, b2, hc, lc, rows, dim, hidden, t);
      for (int r = 0; r < rows; r++) {
        int best = 0;
        for (int j = 1; j < t; j++) if (lc[r * t + j] > lc[r * t + best]) best = j;
        pred[r0 + r] = best;
      }
    }
    return score(pred, t);
  }

  /** MAD, per-bucket MAD and per-position mean and 10–90% band of predictions {@code pred} (rows n = i mod T). */
  static Result score(int[] pred, int t) {
    double total = 0;
    double[] bucket = new double[BUCKETS.length];
    int[] bucketN = new int[BUCKETS.length];
    int seqs = pred.length / t;
    double[] mean = new double[t], p10 = new double[t], p90 = new double[t];
    int[] col = new int[seqs];
    for (int n = 0; n < t; n++) {
      for (int s = 0; s < seqs; s++) {
        int p = pred[s * t + n];
        col[s] = p;
        double e = Math.abs(p - n);
        total += e;
        int b = bucketOf(n);
        bucket[b] += e;
        bucketN[b]++;
        mean[n] += p;
      }
      mean[n] /= seqs;
      Arrays.sort(col);
      p10[n] = col[(int) Math.floor(0.1 * (seqs - 1))];
      p90[n] = col[(int) Math.ceil(0.9 * (seqs - 1))];
    }
    for (int b = 0; b < bucket.length; b++) bucket[b] = bucketN[b] == 0 ? Double.NaN : bucket[b] / bucketN[b];
    return new Result(total / pred.length, bucket, mean, p10, p90);
  }

  /**
   * Chance MAD per bucket of {@link #BUCKETS} at T positions: the mean over the bucket's positions n of
   * E|U − n| for a guess U uniform on 0..T−1 drawn without regard to the position (D7 per position:
   * (n(n+1) + (T−1−n)(T−n))/(2T)). The buckets' means weighted by their sizes give D7's (T²−1)/(3T);
   * the end buckets' chance is higher than the middle's, so each bucket is read against its own.
   */
  static double[] bucketChance(int t) {
    double[] sum = new double[BUCKETS.length];
    int[] count = new int[BUCKETS.length];
    for (int n = 0; n < t; n++) {
      int b = bucketOf(n);
      sum[b] += (n * (n + 1.0) + (t - 1.0 - n) * (t - n)) / (2.0 * t);
      count[b]++;
    }
    for (int b = 0; b < sum.length; b++) sum[b] = count[b] == 0 ? Double.NaN : sum[b] / count[b];
    return sum;
  }

  static int bucketOf(int n) {
    int b = 0;
    while (b + 1 < BUCKETS.length && n >= BUCKETS[b + 1]) b++;
    return b;
  }

  /** logits (Bm, T) = relu(x·W1ᵀ + b1)·W2ᵀ + b2, keeping the hidden activations h (Bm, H). */
  private static void forward(float[] x, float[] w1, float[] b1, float[] w2, float[] b2, float[] h, float[] lg,
                              int rows, int dim, int hidden, int t) {
    K.matmulNT(h, 0, x, 0, w1, 0, rows, dim, hidden, false);
    for (int r = 0; r < rows; r++) {
      for (int j = 0; j < hidden; j++) h[r * hidden + j] = Math.max(0f, h[r * hidden + j] + b1[j]);
    }
    K.matmulNT(lg, 0, h, 0, w2, 0, rows, hidden, t, false);
    for (int r = 0; r < rows; r++) for (int j = 0; j < t; j++) lg[r * t + j] += b2[j];
  }

  private static void colSum(float[] out, float[] a, int rows, int cols) {
    Arrays.fill(out, 0f);
    for (int r = 0; r < rows; r++) for (int j = 0; j < cols; j++) out[j] += a[r * cols + j];
  }

  /** Adam (Kingma &amp; Ba 2015, Alg. 1), β = (0.9, 0.999), ε = 1e-8, no weight decay. */
  private static void adam(float[][] p, float[][] g, float[][] m, float[][] v, double lr, int step) {
    double bc1 = 1 - Math.pow(0.9, step), bc2 = 1 - Math.pow(0.999, step);
    for (int k = 0; k < p.length; k++) {
      for (int i = 0; i < p[k].length; i++) {
        float gi = g[k][i];
        m[k][i] = 0.9f * m[k][i] + 0.1f * gi;
        v[k][i] = 0.999f * v[k][i] + 0.001f * gi * gi;
        p[k][i] -= (float) (lr * (m[k][i] / bc1) / (Math.sqrt(v[k][i] / bc2) + 1e-8));
      }
    }
  }

  /** Features standardised by the first {@code nTrain} rows' per-column mean and s.d. (s.d. 0 → 1). */
  static float[] standardise(double[] x, int dim, int nTrain) {
    double[] mean = new double[dim], sd = new double[dim];
    for (int r = 0; r < nTrain; r++) for (int j = 0; j < dim; j++) mean[j] += x[r * dim + j];
    for (int j = 0; j < dim; j++) mean[j] /= nTrain;
    for (int r = 0; r < nTrain; r++) {
      for (int j = 0; j < dim; j++) {
        double d = x[r * dim + j] - mean[j];
        sd[j] += d * d;
      }
    }
    for (int j = 0; j < dim; j++) {
      sd[j] = Math.sqrt(sd[j] / Math.max(1, nTrain - 1));
      if (!(sd[j] > 0)) sd[j] = 1;
    }
    float[] z = new float[x.length];
    for (int i = 0; i < x.length; i++) z[i] = (float) ((x[i] - mean[i % dim]) / sd[i % dim]);
    return z;
  }

  private static float[] uniform(SplittableRandom rng, int n, double bound) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) a[i] = (float) ((2 * rng.nextDouble() - 1) * bound);
    return a;
  }
}
