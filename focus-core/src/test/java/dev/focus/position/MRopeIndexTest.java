package dev.focus.position;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.focus.position.MRopeIndex.TokenIds;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * M-RoPE index against Hugging Face's {@code get_rope_index} docstring (transformers
 * models/qwen2_vl/modeling_qwen2_vl.py, revision 00b676f8f0489b88652a31d70751cc540dd06305): a video of
 * 3 temporal × 2 height × 2 width LLM patches followed by 5 text tokens gives
 * t = [0,0,0,0,1,1,1,1,2,2,2,2], h = [0,0,1,1,0,0,1,1,0,0,1,1], w = [0,1,0,1,…], text 3..7.
 */
class MRopeIndexTest {
  private static final TokenIds IDS = TokenIds.QWEN2_VL;
  private static final int TXT = 100;

  @Test
  void huggingFaceDocstringExampleViaLayout() {
    Positions p = PositionScheme.MROPE.assign(Layout.parse("V3x2x2 T T T T T"));
    long[] t = {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 4, 5, 6, 7};
    long[] h = {0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 3, 4, 5, 6, 7};
    long[] w = {0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 3, 4, 5, 6, 7};
    for (int i = 0; i < 17; i++) assertArrayEquals(new double[] {t[i], h[i], w[i]}, p.coords(i), 0.0, "token " + i);
  }

  @Test
  void huggingFaceDocstringExampleViaTokenIds() {
    // The docstring omits markers; with a vision-start token first, everything shifts by one.
    int[] row = new int[1 + 12 + 5];
    row[0] = IDS.visionStart();
    for (int i = 1; i <= 12; i++) row[i] = IDS.video();
    for (int i = 13; i < row.length; i++) row[i] = TXT;
    MRopeIndex.Result r = MRopeIndex.getRopeIndex(new int[][] {row}, null, new int[][] {{3, 4, 4}}, null, 2, IDS);
    long[] t = {0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 5, 6, 7, 8};
    long[] h = {0, 1, 1, 2, 2, 1, 1, 2, 2, 1, 1, 2, 2, 4, 5, 6, 7, 8};
    long[] w = {0, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 4, 5, 6, 7, 8};
    assertArrayEquals(t, r.positionIds()[0][0]);
    assertArrayEquals(h, r.positionIds()[1][0]);
    assertArrayEquals(w, r.positionIds()[2][0]);
    assertEquals(9 - 18, r.ropeDeltas()[0]);
  }

  @Test
  void agreesWithTheLayoutPathAndLeftPaddingLeavesRealTokensAlone() {
    // T T <vs> I(4x6 ViT = 2x3 LLM) T T <vs> V(2x2x2 ViT = 2x1x1) T, padded on the left by 3.
    List<Integer> ids = new ArrayList<>();
    ids.add(TXT); ids.add(TXT); ids.add(IDS.visionStart());
    for (int i = 0; i < 6; i++) ids.add(IDS.image());
    ids.add(TXT); ids.add(TXT); ids.add(IDS.visionStart());
    for (int i = 0; i < 2; i++) ids.add(IDS.video());
    ids.add(TXT);
    int n = ids.size(), pad = 3;
    int[] plain = ids.stream().mapToInt(Integer::intValue).toArray();
    int[] padded = new int[n + pad];
    int[] mask = new int[n + pad];
    for (int i = 0; i < n; i++) { padded[pad + i] = plain[i]; mask[pad + i] = 1; }
    int[][] images = {{1, 4, 6}}, videos = {{2, 2, 2}};

    MRopeIndex.Result a = MRopeIndex.getRopeIndex(new int[][] {plain}, images, videos, null, 2, IDS);
    MRopeIndex.Result b = MRopeIndex.getRopeIndex(new int[][] {padded}, images, videos, new int[][] {mask}, 2, IDS);
    Positions p = PositionScheme.MROPE.assign(Layout.parse("T T T I2x3 T T T V2x1x1 T"));
    for (int i = 0; i < n; i++) {
      for (int ax = 0; ax < 3; ax++) {
        assertEquals((long) p.coords(i)[ax], a.positionIds()[ax][0][i], "layout vs ids, token " + i);
        assertEquals(a.positionIds()[ax][0][i], b.positionIds()[ax][0][pad + i], "left padding, token " + i);
      }
    }
    for (int i = 0; i < pad; i++) assertEquals(1, b.positionIds()[0][0][i], "padded slots hold 1");
    // Deltas: unpadded (max+1) − S; cache position q + delta continues the sequence in both cases.
    long next = (long) p.cursor().peekText()[0];
    assertEquals(next - n, a.ropeDeltas()[0]);
    assertEquals(next - (n + pad), b.ropeDeltas()[0]);
    assertEquals(next, n + a.ropeDeltas()[0]);
    assertEquals(next, (n + pad) + b.ropeDeltas()[0]);
  }

  @Test
  void textOnlyWithAndWithoutMask() {
    MRopeIndex.Result r = MRopeIndex.getRopeIndex(new int[][] {{5, 6, 7, 8}, {0, 0, 7, 8}}, null, null,
        new int[][] {{1, 1, 1, 1}, {0, 0, 1, 1}}, 2, IDS);
    assertArrayEquals(new long[] {0, 1, 2, 3}, r.positionIds()[1][0]);
    assertArrayEquals(new long[] {1, 1, 0, 1}, r.positionIds()[2][1]);
    assertArrayEquals(new long[] {0, -2}, r.ropeDeltas());
    MRopeIndex.Result s = MRopeIndex.getRopeIndex(new int[][] {{5, 6, 7}}, null, null, null, 2, IDS);
    assertArrayEquals(new long[] {0, 1, 2}, s.positionIds()[0][0]);
    assertArrayEquals(new long[] {0}, s.ropeDeltas());
  }
}
