package dev.focus.multimodal;

import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * A lossy map of clean patches (n, D) → (n, D), applied before the model's patch projection: the
 * input arms of spec 02 §4.3 that keep the lossless arm's {@code Linear(D → C)} interface but not its
 * information. {@link #centroids} replaces each patch by its k-means centroid (the VQ tokenizer's
 * reconstruction, dequantised); {@link #averagePool} replaces each f×f block of pixels inside a patch
 * by its mean (average-pooled, then upsampled by repetition: a blurred image at full size).
 *
 * @param name  what the filter does, for a run's identity ("centroids-256", "pool-2")
 */
public record PatchFilter(String name, UnaryOperator<float[]> map) {
  public PatchFilter {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(map, "map");
  }

  /** The filtered copy of {@code patches} (n, D); the input is left unchanged. */
  public float[] apply(float[] patches) {
    float[] out = map.apply(patches.clone());
    if (out.length != patches.length) {
      throw new IllegalStateException("filter " + name + " returned " + out.length + " values for " + patches.length);
    }
    return out;
  }

  /** Each patch replaced by the centroid of its code: VQ's information through the lossless interface. */
  public static PatchFilter centroids(KMeansTokenizer vq) {
    return new PatchFilter("centroids-" + vq.size(), p -> {
      if (p.length % vq.dim() != 0) throw new IllegalArgumentException(p.length + " values are not patches of D=" + vq.dim());
      return vq.decode(vq.encode(p));
    });
  }

  /**
   * Each f×f block of pixels of a P×P patch of C channels (element e = (p_y·P + p_x)·C + ch, spec 02
   * §3.2) replaced by the block's mean, channel by channel. Blocks never cross patches, since f
   * divides P, so this is 2-D average pooling of the whole image by f, then repetition back to size.
   */
  public static PatchFilter averagePool(int patch, int channels, int f) {
    if (f < 1 || patch % f != 0) throw new IllegalArgumentException("pool " + f + " must divide patch " + patch);
    int d = Patchify.patchDim(patch, channels);
    return new PatchFilter("pool-" + f, p -> {
      if (p.length % d != 0) throw new IllegalArgumentException(p.length + " values are not patches of D=" + d);
      for (int base = 0; base < p.length; base += d) {
        for (int by = 0; by < patch; by += f) {
          for (int bx = 0; bx < patch; bx += f) {
            for (int ch = 0; ch < channels; ch++) {
              double sum = 0;
              for (int y = by; y < by + f; y++) for (int x = bx; x < bx + f; x++) sum += p[base + (y * patch + x) * channels + ch];
              float mean = (float) (sum / (f * f));
              for (int y = by; y < by + f; y++) for (int x = bx; x < bx + f; x++) p[base + (y * patch + x) * channels + ch] = mean;
            }
          }
        }
      }
      return p;
    });
  }
}
