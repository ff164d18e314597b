package dev.focus.attention;

/**
 * Double-precision, loop-by-loop definitions of the attention variants, straight from the equations:
 * the oracle for forward passes and (through central differences, which are accurate to ~1e-9 in
 * double) for every backward pass. Same layouts as the float code.
 */
final class Reference {
  private Reference() {}

  static double[] d(float[] x) {
    double[] r = new double[x.length];
    for (int i = 0; i < x.length; i++) r[i] = x[i];
    return r;
  }

  static float[] f(double[] x) {
    float[] r = new float[x.length];
    for (int i = 0; i < x.length; i++) r[i] = (float) x[i];
    return r;
  }

  static double qk(double[] q, double[] k, HeadLayout l, int t, int b, int i, int h, int j) {
    int hs = l.headSize(), g = l.kvHeadOf(h);
    double s = 0;
    for (int d = 0; d < hs; d++) s += q[((b * t + i) * l.heads() + h) * hs + d] * k[((b * t + j) * l.kvHeads() + g) * hs + d];
    return s;
  }

  /** Softmax attention weights (B, H, T, T). headScale and slopes may be null. */
  static double[] softmaxWeights(HeadLayout l, double scale, double[] headScale, double[] slopes, Mask mask,
                                 double[] q, double[] k, int batch, int t) {
    int nh = l.heads();
    double[] w = new double[batch * nh * t * t];
    for (int b = 0; b < batch; b++) {
      for (int h = 0; h < nh; h++) {
        for (int i = 0; i < t; i++) {
          double[] s = new double[t];
          double mx = Double.NEGATIVE_INFINITY;
          for (int j = 0; j < t; j++) {
            if (!mask.allowed(b, i, j)) continue;
            s[j] = scale * (headScale == null ? 1 : headScale[h]) * qk(q, k, l, t, b, i, h, j)
                - (slopes == null ? 0 : slopes[h] * Math.abs(i - j));
            mx = Math.max(mx, s[j]);
          }
          double sum = 0;
          for (int j = 0; j < t; j++) if (mask.allowed(b, i, j)) sum += Math.exp(s[j] - mx);
          for (int j = 0; j < t; j++) {
            w[((b * nh + h) * t + i) * t + j] = mask.allowed(b, i, j) ? Math.exp(s[j] - mx) / sum : 0;
          }
        }
      }
    }
    return w;
  }

  /** y (B, T, H, HS) = weights (B, H, T, T) applied to v (B, T, KVH, HS). */
  static double[] apply(HeadLayout l, double[] w, double[] v, int batch, int t) {
    int nh = l.heads(), hs = l.headSize();
    double[] y = new double[batch * t * nh * hs];
    for (int b = 0; b < batch; b++) {
      for (int h = 0; h < nh; h++) {
        int g = l.kvHeadOf(h);
        for (int i = 0; i < t; i++) {
          for (int j = 0; j < t; j++) {
            double a = w[((b * nh + h) * t + i) * t + j];
            if (a == 0) continue;
            for (int d = 0; d < hs; d++) y[((b * t + i) * nh + h) * hs + d] += a * v[((b * t + j) * l.kvHeads() + g) * hs + d];
          }
        }
      }
    }
    return y;
  }

  static double[] softmax(HeadLayout l, double scale, double[] headScale, double[] slopes, Mask mask,
                          double[] q, double[] k, double[] v, int batch, int t) {
    return apply(l, softmaxWeights(l, scale, headScale, slopes, mask, q, k, batch, t), v, batch, t);
  }

  /** Feature vector φ(x) of one row x (already multiplied by √scale). */
  static double[] phi(FeatureMap map, double[] x, float[] proj, int features) {
    int hs = x.length;
    switch (map) {
      case IDENTITY:
        return x.clone();
      case ELU_PLUS_1: {
        double[] r = new double[hs];
        for (int d = 0; d < hs; d++) r[d] = x[d] > 0 ? x[d] + 1 : Math.exp(x[d]);
        return r;
      }
      case RELU: {
        double[] r = new double[hs];
        for (int d = 0; d < hs; d++) r[d] = Math.max(x[d], 0);
        return r;
      }
      case POSITIVE_RANDOM: {
        double sq = 0;
        for (double xv : x) sq += xv * xv;
        double[] r = new double[features];
        for (int f = 0; f < features; f++) {
          double dot = 0;
          for (int d = 0; d < hs; d++) dot += proj[f * hs + d] * x[d];
          r[f] = Math.exp(dot - sq / 2) / Math.sqrt(features);
        }
        return r;
      }
      default:
        throw new IllegalArgumentException(map.toString());
    }
  }

  static double[] row(double[] a, int off, int n, double mul) {
    double[] r = new double[n];
    for (int i = 0; i < n; i++) r[i] = a[off + i] * mul;
    return r;
  }

  /** Linear attention weights (B, H, T, T), normalised as configured, from the definition. */
  static double[] linearWeights(LinearAttention la, Mask mask, double[] q, double[] k, int batch, int t) {
    return linearWeights(la, null, mask, q, k, batch, t);
  }

  /** With the RoFormer §3.4.4 numerator rotation of {@code rotary} (null for none). */
  static double[] linearWeights(LinearAttention la, dev.focus.position.RopeTable rotary, Mask mask, double[] q, double[] k,
                                int batch, int t) {
    HeadLayout l = la.layout();
    int nh = l.heads(), hs = l.headSize();
    double rs = Math.sqrt(la.scale());
    float[] decay = la.decay();
    double[] w = new double[batch * nh * t * t];
    for (int b = 0; b < batch; b++) {
      for (int h = 0; h < nh; h++) {
        int g = l.kvHeadOf(h);
        double lam = decay == null ? 1 : decay[h];
        for (int i = 0; i < t; i++) {
          double[] x = row(q, ((b * t + i) * nh + h) * hs, hs, rs);
          double sum = 0;
          int visible = 0;
          double[] a = new double[t];
          for (int j = 0; j < t; j++) {
            if (!mask.allowed(b, i, j)) continue;
            visible++;
            double[] y = row(k, ((b * t + j) * l.kvHeads() + g) * hs, hs, rs);
            double kern;
            if (la.featureMap() == FeatureMap.RELU2) {
              double s = 0;
              for (int d = 0; d < hs; d++) s += x[d] * y[d];
              kern = s > 0 ? s * s : 0;
            } else {
              double[] px = phi(la.featureMap(), x, la.projection(), la.features());
              double[] py = phi(la.featureMap(), y, la.projection(), la.features());
              kern = 0;
              for (int f = 0; f < px.length; f++) kern += px[f] * py[f];
              if (rotary != null) {
                // RoFormer §3.4.4: the numerator sees R_i φ(x_i)·R_j φ(y_j), the normaliser the plain kernel
                sum += kern * Math.pow(lam, Math.abs(i - j));
                rotary.rotateVector(px, i);
                rotary.rotateVector(py, j);
                kern = 0;
                for (int f = 0; f < px.length; f++) kern += px[f] * py[f];
                a[j] = kern * Math.pow(lam, Math.abs(i - j));
                continue;
              }
            }
            a[j] = kern * Math.pow(lam, Math.abs(i - j));
            sum += a[j];
          }
          double n;
          switch (la.normalization()) {
            case SUM: n = sum + la.eps(); break;
            case COUNT: n = Math.max(visible, 1); break;
            default: n = 1;
          }
          for (int j = 0; j < t; j++) w[((b * nh + h) * t + i) * t + j] = a[j] / n;
        }
      }
    }
    return w;
  }

  static double[] linear(LinearAttention la, Mask mask, double[] q, double[] k, double[] v, int batch, int t) {
    return linear(la, null, mask, q, k, v, batch, t);
  }

  static double[] linear(LinearAttention la, dev.focus.position.RopeTable rotary, Mask mask, double[] q, double[] k, double[] v,
                         int batch, int t) {
    return apply(la.layout(), linearWeights(la, rotary, mask, q, k, batch, t), v, batch, t);
  }
}
