package dev.focus.multimodal;

/**
 * One packed interleaved document (spec 02 §3.4), S tokens long.
 *
 * @param tokens    (S,) text token ids; −1 at patch positions
 * @param patches   (N_tot, D) encoded patch values in [−1, 1] (clean; noising happens in training)
 * @param patchDim  D
 * @param imageId   (S,) index of the image a patch belongs to; −1 for text (including [IMG], [/IMG])
 * @param patchRow  (S,) row of {@code patches} for a patch token; −1 for text
 * @param imageTime (images,) diffusion time per image (0 = clean)
 * @param spans     (images, 2) [start, end) token span of each image's patches
 * @param grids     (images, 2) patch grid (rows h, cols w) of each image
 * @param targets   (S,) next-token targets; {@link #IGNORE} at [IMG], patches and the last token
 */
public record PackedSequence(int[] tokens, float[] patches, int patchDim, int[] imageId, int[] patchRow,
                             int[] imageTime, int[][] spans, int[][] grids, int[] targets) {
  public static final int IGNORE = -1;

  public int length() { return tokens.length; }

  public int imageCount() { return imageTime.length; }

  /** True when token i is a patch. */
  public boolean isPatch(int i) { return imageId[i] >= 0; }

  /**
   * The layout string of the position library (spec 04 §8): "T" per text token, "I{h}x{w}" per image.
   */
  public String layout() {
    StringBuilder sb = new StringBuilder();
    int img = 0;
    for (int i = 0; i < tokens.length; ) {
      if (sb.length() > 0) sb.append(' ');
      if (imageId[i] >= 0) {
        sb.append('I').append(grids[img][0]).append('x').append(grids[img][1]);
        i = spans[img][1];
        img++;
      } else {
        sb.append('T');
        i++;
      }
    }
    return sb.toString();
  }
}
