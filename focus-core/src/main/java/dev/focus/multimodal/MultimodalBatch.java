package dev.focus.multimodal;

import dev.focus.position.Layout;
import dev.focus.position.PositionScheme;
import java.util.ArrayList;
import java.util.List;

/**
 * B packed sequences padded to a common length S, with the model inputs of every patch (clean or
 * noised) and the diffusion targets. Padding goes at the end with [PAD] tokens and IGNORE targets:
 * under the causal mask no real token ever sees a pad key.
 *
 * <p>Rows are flattened: row r = b·S + s. Patch rows index {@link #patchInput} through
 * {@link #patchRow}; P_tot is the number of patch rows in the batch.
 */
public final class MultimodalBatch {
  final int batch, seqLen, patchDim;
  final int[] tokens;        // (B·S) text ids; PAD at pads, −1 at patches
  final int[] targets;       // (B·S) next-token targets, IGNORE where none
  final int[] patchRow;      // (B·S) row of patchInput, −1 for text
  final float[] patchInput;  // (P_tot, D) x_t fed to the model
  final int[] patchTime;     // (P_tot) diffusion time of the patch's image (0 = clean)
  final float[] patchTarget; // (P_tot, D) ε or x₀ target; unused where the weight is 0
  final float[] patchWeight; // (P_tot) loss weight of each patch row (0 for clean images)
  final double[][] coords;   // (B·S, A) positions from the scheme
  final List<List<int[]>> spans; // per batch row, image spans [start, end)
  int[] patchCode;           // (P_tot) k-means code of each patch (VQ arm only), else null

  private MultimodalBatch(int batch, int seqLen, int patchDim, int[] tokens, int[] targets, int[] patchRow,
                          float[] patchInput, int[] patchTime, float[] patchTarget, float[] patchWeight,
                          double[][] coords, List<List<int[]>> spans) {
    this.batch = batch;
    this.seqLen = seqLen;
    this.patchDim = patchDim;
    this.tokens = tokens;
    this.targets = targets;
    this.patchRow = patchRow;
    this.patchInput = patchInput;
    this.patchTime = patchTime;
    this.patchTarget = patchTarget;
    this.patchWeight = patchWeight;
    this.coords = coords;
    this.spans = spans;
  }

  public int batch() { return batch; }

  public int seqLen() { return seqLen; }

  public int[] tokens() { return tokens; }

  public int[] targets() { return targets; }

  /** Assigns every patch row its k-means code (the VQ arm reads codes instead of raw patches). */
  public MultimodalBatch withCodes(KMeansTokenizer tokenizer) {
    if (tokenizer.dim() != patchDim) {
      throw new IllegalArgumentException("codebook patch dimension " + tokenizer.dim() + " != batch patch dimension " + patchDim);
    }
    patchCode = tokenizer.encode(patchInput);
    return this;
  }

  /**
   * Passes the clean patch rows (time 0) through {@code filter}, in place; noised rows are left as
   * they are. Null leaves the batch unchanged.
   */
  public MultimodalBatch withFilter(PatchFilter filter) {
    if (filter == null) return this;
    int rows = patchTime.length, clean = 0;
    for (int t : patchTime) if (t == 0) clean++;
    float[] x = new float[clean * patchDim]; // (clean rows, D)
    for (int r = 0, i = 0; r < rows; r++) if (patchTime[r] == 0) System.arraycopy(patchInput, r * patchDim, x, patchDim * i++, patchDim);
    float[] y = filter.apply(x);
    for (int r = 0, i = 0; r < rows; r++) if (patchTime[r] == 0) System.arraycopy(y, patchDim * i++, patchInput, r * patchDim, patchDim);
    return this;
  }

  /**
   * A batch of one sequence whose single image block takes {@code input} (N, D) as its patch values at
   * diffusion time {@code t}, as a sampler needs: no noising and no diffusion target.
   */
  public static MultimodalBatch forSampling(PackedSequence seq, float[] input, int t, PositionScheme scheme) {
    if (seq.imageCount() != 1) throw new IllegalArgumentException("sampling needs exactly one image block, got " + seq.imageCount());
    if (input.length != seq.patches().length) {
      throw new IllegalArgumentException("sampler input has " + input.length + " values, the image block " + seq.patches().length);
    }
    MultimodalBatch b = of(List.of(seq), null, DiffusionSchedule.standard(), scheme, NoisePredictor.Target.EPS, ImageLoss.MEAN);
    System.arraycopy(input, 0, b.patchInput, 0, input.length);
    java.util.Arrays.fill(b.patchTime, t);
    return b;
  }

  /**
   * Builds a batch. Images with time t ≥ 1 are noised here, x_t = ᾱ_t·x₀ + β̄_t·ε with ε from
   * {@code noise} (one (N, D) array per noised image, in order of appearance; null entries draw
   * nothing), and get the mean-squared diffusion loss averaged over the noised images.
   *
   * @param noise the ε of each image in batch order (entries for clean images are ignored), or null
   *              when no image is noised
   */
  public static MultimodalBatch of(List<PackedSequence> seqs, List<float[]> noise, DiffusionSchedule schedule,
                                   PositionScheme scheme, NoisePredictor.Target target) {
    return of(seqs, noise, schedule, scheme, target, ImageLoss.MEAN);
  }

  /** How the squared error of one image is reduced (spec 02 §3.8). */
  public enum ImageLoss {
    /** Mean over the image's N·D values (Focus's default for small CPU runs). */
    MEAN,
    /** Sum over the image's N·D values (the author's reduction). */
    SUM_PER_IMAGE
  }

  /**
   * As above, with the image loss reduced by {@code reduction}. Coordinates come from the position
   * kind's layout rule ({@code PositionKind.scheme()}), pads counting as text after the sequence.
   */
  public static MultimodalBatch of(List<PackedSequence> seqs, List<float[]> noise, DiffusionSchedule schedule,
                                   PositionScheme scheme, NoisePredictor.Target target, ImageLoss reduction) {
    if (seqs.isEmpty()) throw new IllegalArgumentException("a batch needs at least one sequence");
    int b = seqs.size(), s = 0, d = -1, patchRows = 0, noised = 0;
    for (PackedSequence q : seqs) {
      s = Math.max(s, q.length());
      if (q.patches().length > 0) {
        if (d >= 0 && q.patchDim() != d) throw new IllegalArgumentException("patch dimensions differ in one batch: " + d + " vs " + q.patchDim());
        d = q.patchDim();
      }
      patchRows += q.patches().length / Math.max(1, q.patchDim());
      for (int t : q.imageTime()) if (t > 0) noised++;
    }
    d = Math.max(d, 1);
    int[] tokens = new int[b * s], targets = new int[b * s], patchRow = new int[b * s];
    float[] input = new float[patchRows * d], tgt = new float[patchRows * d], weight = new float[patchRows];
    int[] time = new int[patchRows];
    double[][] coords = new double[b * s][];
    List<List<int[]>> spans = new ArrayList<>();
    int row = 0, image = 0;
    for (int bi = 0; bi < b; bi++) {
      PackedSequence q = seqs.get(bi);
      int n = q.length();
      java.util.Arrays.fill(tokens, bi * s, (bi + 1) * s, CaptionVocab.PAD);
      java.util.Arrays.fill(targets, bi * s, (bi + 1) * s, PackedSequence.IGNORE);
      java.util.Arrays.fill(patchRow, bi * s, (bi + 1) * s, -1);
      for (int i = 0; i < n; i++) {
        tokens[bi * s + i] = q.tokens()[i];
        targets[bi * s + i] = q.targets()[i];
        if (q.patchRow()[i] >= 0) patchRow[bi * s + i] = row + q.patchRow()[i];
      }
      // Inputs and targets of each image of this sequence.
      List<int[]> seqSpans = new ArrayList<>();
      for (int im = 0; im < q.imageCount(); im++, image++) {
        int[] span = q.spans()[im];
        seqSpans.add(span.clone());
        int count = span[1] - span[0];
        int first = q.patchRow()[span[0]];
        int t = q.imageTime()[im];
        float[] eps = t > 0 ? noiseFor(noise, image, count * d) : null;
        for (int k = 0; k < count; k++) {
          int r = row + first + k;
          time[r] = t;
          for (int e = 0; e < d; e++) {
            float x0 = q.patches()[(first + k) * d + e];
            if (t == 0) {
              input[r * d + e] = x0;
            } else {
              float z = eps[k * d + e];
              input[r * d + e] = (float) (schedule.alphaBar(t) * x0 + schedule.betaBar(t) * z);
              tgt[r * d + e] = target == NoisePredictor.Target.EPS ? z : x0;
            }
          }
          // Each noised image contributes its mean (or summed) squared error; images are averaged.
          double perImage = reduction == ImageLoss.MEAN ? (double) count * d : 1.0;
          weight[r] = t > 0 ? (float) (1.0 / (perImage * noised)) : 0f;
        }
      }
      spans.add(seqSpans);
      row += q.patches().length / Math.max(1, q.patchDim());
      // Positions: the packed layout, then pads as text after it.
      StringBuilder layout = new StringBuilder(q.layout());
      for (int i = n; i < s; i++) layout.append(" T");
      double[][] c = scheme.assign(Layout.parse(layout.toString())).coords();
      for (int i = 0; i < s; i++) coords[bi * s + i] = c[i];
    }
    return new MultimodalBatch(b, s, d, tokens, targets, patchRow, input, time, tgt, weight, coords, spans);
  }

  private static float[] noiseFor(List<float[]> noise, int image, int size) {
    if (noise == null || image >= noise.size() || noise.get(image) == null) {
      throw new IllegalArgumentException("image " + image + " is noised but no ε was given for it");
    }
    float[] eps = noise.get(image);
    if (eps.length != size) throw new IllegalArgumentException("ε of image " + image + " has " + eps.length + " values, expected " + size);
    return eps;
  }
}
