package dev.focus.position;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Qwen2-VL's {@code get_rope_index} on token ids ([HF-VL]; spec 04 §5), for interop with HF
 * checkpoints and processors. Read from transformers {@code models/qwen2_vl/modeling_qwen2_vl.py}
 * at revision 00b676f8f0489b88652a31d70751cc540dd06305; the code here is written from its rules:
 *
 * <ol>
 *   <li>Per batch row, only tokens with attention mask 1 count; padded slots hold 1 on every axis.
 *   <li>A visual block starts at each image (or video) pad token that follows a vision-start token;
 *       grids come from {@code imageGridThw}/{@code videoGridThw} in order (shared across the batch)
 *       and count ViT patches: the LLM grid is (t, h/merge, w/merge).
 *   <li>Text runs take (p, p, p) from p = max so far + 1 (0 at the start); block token (k, i, j) takes
 *       (S+k, S+i, S+j) where S is where the next text would have gone.
 *   <li>rope_delta = (max + 1) − S_padded, the row's padded length: in cached decoding the token at
 *       cache position q gets q + delta on all axes.
 *   <li>Without any grid: positions are cumsum(mask) − 1 broadcast to three axes (or 0..S−1 without a mask).
 * </ol>
 * The Focus-native path is {@link PositionScheme#MROPE} on a {@link Layout}; both agree (tested).
 */
public final class MRopeIndex {
  private MRopeIndex() {}

  /** Qwen2-VL's special token ids. */
  public record TokenIds(int visionStart, int image, int video) {
    public static final TokenIds QWEN2_VL = new TokenIds(151652, 151655, 151656);
  }

  /**
   * @param positionIds (3, B, S) over (t, h, w)
   * @param ropeDeltas  (B,)
   */
  public record Result(long[][][] positionIds, long[] ropeDeltas) {}

  /**
   * @param inputIds         (B, S) token ids
   * @param imageGridThw     (numImages, 3) ViT grids, or null
   * @param videoGridThw     (numVideos, 3) ViT grids, or null
   * @param attentionMask    (B, S) of 0/1, or null for all ones
   * @param spatialMergeSize 2 for Qwen2-VL
   */
  public static Result getRopeIndex(int[][] inputIds, int[][] imageGridThw, int[][] videoGridThw, int[][] attentionMask,
                                    int spatialMergeSize, TokenIds ids) {
    int batch = inputIds.length, seq = batch == 0 ? 0 : inputIds[0].length;
    if (spatialMergeSize < 1) throw new IllegalArgumentException("spatialMergeSize=" + spatialMergeSize + " must be >= 1");
    long[][][] pos = new long[3][batch][seq];
    long[] deltas = new long[batch];
    if (imageGridThw == null && videoGridThw == null) {
      for (int b = 0; b < batch; b++) {
        long max = Long.MIN_VALUE, run = -1;
        for (int s = 0; s < seq; s++) {
          long p;
          if (attentionMask == null) {
            p = s;
          } else {
            if (attentionMask[b][s] == 1) run++;
            p = attentionMask[b][s] == 1 ? run : 1;
          }
          for (int a = 0; a < 3; a++) pos[a][b][s] = p;
          max = Math.max(max, p);
        }
        deltas[b] = attentionMask == null ? 0 : max + 1 - seq;
      }
      return new Result(pos, deltas);
    }
    int imageIndex = 0, videoIndex = 0;
    for (int b = 0; b < batch; b++) {
      if (inputIds[b].length != seq) throw new IllegalArgumentException("inputIds row " + b + " has length " + inputIds[b].length + ", not " + seq);
      int[] real = unpadded(inputIds[b], attentionMask == null ? null : attentionMask[b]);
      int images = 0, videos = 0;
      for (int s = 0; s + 1 < real.length; s++) {
        if (real[s] == ids.visionStart()) {
          if (real[s + 1] == ids.image()) images++;
          else if (real[s + 1] == ids.video()) videos++;
        }
      }
      List<long[]> out = new ArrayList<>(); // (t, h, w) per real token
      long next = 0;                         // max so far + 1
      int st = 0;
      int blocks = images + videos;
      for (int blk = 0; blk < blocks; blk++) {
        int edImage = images > 0 ? indexOf(real, ids.image(), st) : Integer.MAX_VALUE;
        int edVideo = videos > 0 ? indexOf(real, ids.video(), st) : Integer.MAX_VALUE;
        int[] grid;
        int ed;
        if (edImage < edVideo) {
          grid = grid(imageGridThw, imageIndex++, "image");
          images--;
          ed = edImage;
        } else {
          grid = grid(videoGridThw, videoIndex++, "video");
          videos--;
          ed = edVideo;
        }
        if (ed == Integer.MAX_VALUE) throw new IllegalArgumentException("row " + b + ": a vision start token is not followed by its pad tokens");
        int t = grid[0], h = grid[1] / spatialMergeSize, w = grid[2] / spatialMergeSize;
        for (int s = st; s < ed; s++) { out.add(new long[] {next, next, next}); next++; }
        long start = next;
        for (int k = 0; k < t; k++) {
          for (int i = 0; i < h; i++) {
            for (int j = 0; j < w; j++) out.add(new long[] {start + k, start + i, start + j});
          }
        }
        next = start + Math.max(t, Math.max(h, w));
        st = ed + t * h * w;
      }
      for (int s = st; s < real.length; s++) { out.add(new long[] {next, next, next}); next++; }
      if (out.size() != real.length) {
        throw new IllegalArgumentException("row " + b + ": grids cover " + out.size() + " tokens but the row has " + real.length);
      }
      for (int a = 0; a < 3; a++) Arrays.fill(pos[a][b], 1);
      int k = 0;
      for (int s = 0; s < seq; s++) {
        if (attentionMask == null || attentionMask[b][s] == 1) {
          long[] p = out.get(k++);
          for (int a = 0; a < 3; a++) pos[a][b][s] = p[a];
        }
      }
      deltas[b] = next - seq;
    }
    return new Result(pos, deltas);
  }

  private static int[] unpadded(int[] row, int[] mask) {
    if (mask == null) return row;
    return java.util.stream.IntStream.range(0, row.length).filter(s -> mask[s] == 1).map(s -> row[s]).toArray();
  }

  private static int indexOf(int[] a, int value, int from) {
    for (int i = from; i < a.length; i++) if (a[i] == value) return i;
    return Integer.MAX_VALUE;
  }

  private static int[] grid(int[][] grids, int index, String what) {
    if (grids == null || index >= grids.length) throw new IllegalArgumentException("missing " + what + " grid #" + index);
    if (grids[index].length != 3) throw new IllegalArgumentException(what + " grid #" + index + " must have 3 entries (t, h, w)");
    return grids[index];
  }
}
