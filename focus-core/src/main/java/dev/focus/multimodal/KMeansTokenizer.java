package dev.focus.multimodal;

import java.util.SplittableRandom;

/**
 * The lossy VQ baseline of spec 02 §4.3: a k-means codebook over encoded training patches. Seeded
 * k-means++ initialisation, then Lloyd iterations (at most {@code maxIterations}, default 50) until no
 * assignment changes; an empty cluster is reseeded with the point farthest from its centroid.
 * Assignment is nearest squared L2 with ties to the lowest index; decoding returns the centroid.
 */
public final class KMeansTokenizer {
  private final int k, dim;
  private final float[] centroids; // (K, D)

  private KMeansTokenizer(int k, int dim, float[] centroids) {
    this.k = k;
    this.dim = dim;
    this.centroids = centroids;
  }

  /** Fits K centroids to {@code points} (n, D) in float, with a fixed seed. */
  public static KMeansTokenizer fit(float[] points, int n, int dim, int k, long seed, int maxIterations) {
    if (k < 1) throw new IllegalArgumentException("codebook size K=" + k + " must be >= 1");
    if (dim < 1) throw new IllegalArgumentException("patch dimension D=" + dim + " must be >= 1");
    if (n < k) throw new IllegalArgumentException("k-means needs at least K=" + k + " points, got " + n);
    if (points.length != n * dim) throw new IllegalArgumentException("points hold " + points.length + " values, expected " + n + "x" + dim);
    SplittableRandom rng = new SplittableRandom(seed);
    float[] c = plusPlus(points, n, dim, k, rng);
    int[] assign = new int[n];
    java.util.Arrays.fill(assign, -1);
    for (int it = 0; it < maxIterations; it++) {
      boolean changed = false;
      for (int i = 0; i < n; i++) {
        int a = nearest(c, k, dim, points, i * dim);
        if (a != assign[i]) {
          assign[i] = a;
          changed = true;
        }
      }
      if (!changed) break;
      recompute(points, n, dim, k, assign, c);
    }
    return new KMeansTokenizer(k, dim, c);
  }

  /** Codebook size K. */
  public int size() { return k; }

  /** Patch dimension D. */
  public int dim() { return dim; }

  /** Code of each patch of {@code patches} (n, D). */
  public int[] encode(float[] patches) {
    int n = patches.length / dim;
    int[] codes = new int[n];
    for (int i = 0; i < n; i++) codes[i] = nearest(centroids, k, dim, patches, i * dim);
    return codes;
  }

  /** Centroids of {@code codes}: (n, D). */
  public float[] decode(int[] codes) {
    float[] out = new float[codes.length * dim];
    for (int i = 0; i < codes.length; i++) {
      if (codes[i] < 0 || codes[i] >= k) throw new IllegalArgumentException("code " + codes[i] + " outside 0.." + (k - 1));
      System.arraycopy(centroids, codes[i] * dim, out, i * dim, dim);
    }
    return out;
  }

  /** Mean squared distance of points to their nearest centroid. */
  public double distortion(float[] points) {
    int n = points.length / dim;
    double s = 0;
    for (int i = 0; i < n; i++) {
      int a = nearest(centroids, k, dim, points, i * dim);
      s += dist2(centroids, a * dim, points, i * dim, dim);
    }
    return s / n;
  }

  public float[] centroids() { return centroids.clone(); }

  private static float[] plusPlus(float[] p, int n, int dim, int k, SplittableRandom rng) {
    float[] c = new float[k * dim];
    int first = rng.nextInt(n);
    System.arraycopy(p, first * dim, c, 0, dim);
    double[] d2 = new double[n];
    for (int i = 0; i < n; i++) d2[i] = dist2(c, 0, p, i * dim, dim);
    for (int j = 1; j < k; j++) {
      double total = 0;
      for (double v : d2) total += v;
      int pick;
      if (total <= 0) {
        pick = rng.nextInt(n); // all points coincide with chosen centroids
      } else {
        double r = rng.nextDouble() * total;
        pick = n - 1;
        for (int i = 0; i < n; i++) {
          r -= d2[i];
          if (r < 0) { pick = i; break; }
        }
      }
      System.arraycopy(p, pick * dim, c, j * dim, dim);
      for (int i = 0; i < n; i++) d2[i] = Math.min(d2[i], dist2(c, j * dim, p, i * dim, dim));
    }
    return c;
  }

  private static void recompute(float[] p, int n, int dim, int k, int[] assign, float[] c) {
    double[] sum = new double[k * dim];
    int[] count = new int[k];
    for (int i = 0; i < n; i++) {
      count[assign[i]]++;
      for (int e = 0; e < dim; e++) sum[assign[i] * dim + e] += p[i * dim + e];
    }
    for (int j = 0; j < k; j++) {
      if (count[j] == 0) {
        // Reseed an empty cluster with the point farthest from its own centroid.
        int far = 0;
        double best = -1;
        for (int i = 0; i < n; i++) {
          double d = dist2(c, assign[i] * dim, p, i * dim, dim);
          if (d > best) { best = d; far = i; }
        }
        System.arraycopy(p, far * dim, c, j * dim, dim);
        continue;
      }
      for (int e = 0; e < dim; e++) c[j * dim + e] = (float) (sum[j * dim + e] / count[j]);
    }
  }

  private static int nearest(float[] c, int k, int dim, float[] p, int off) {
    int best = 0;
    double bestD = Double.POSITIVE_INFINITY;
    for (int j = 0; j < k; j++) {
      double d = dist2(c, j * dim, p, off, dim);
      if (d < bestD) { bestD = d; best = j; } // strict: ties go to the lowest index
    }
    return best;
  }

  private static double dist2(float[] a, int aOff, float[] b, int bOff, int dim) {
    double s = 0;
    for (int e = 0; e < dim; e++) {
      double d = a[aOff + e] - b[bOff + e];
      s += d * d;
    }
    return s;
  }
}
