package dev.focus.multimodal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.data.PixelImage;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PackingTest {
  private static PixelImage digit(long seed, int h, int w) {
    SplittableRandom rng = new SplittableRandom(seed);
    int[] v = new int[h * w];
    for (int i = 0; i < v.length; i++) v[i] = rng.nextInt(17);
    return new PixelImage(h, w, 1, 17, v);
  }

  @Test
  void hybridMaskMatchesTheSpecMatrix() {
    // [BOS] a [IMG] p1 p2 p3 p4 [/IMG] b
    int[] imageId = {-1, -1, -1, 0, 0, 0, 0, -1, -1};
    String[] expected = {
        "100000000", "110000000", "111000000", "111111100", "111111100", "111111100", "111111100",
        "111111110", "111111111"};
    boolean[] m = HybridMask.matrix(imageId, null);
    for (int i = 0; i < 9; i++) {
      StringBuilder row = new StringBuilder();
      for (int j = 0; j < 9; j++) row.append(m[i * 9 + j] ? '1' : '0');
      assertEquals(expected[i], row.toString(), "row " + i);
    }
    assertArrayEquals(new int[] {1, 2, 3, 7, 7, 7, 7, 8, 9}, HybridMask.keyLimit(imageId));
  }

  @Test
  void twoImagesGiveSeparateBlocksAndPadKeysAreMasked() {
    int[] imageId = {-1, 0, 0, -1, 1, 1, -1};
    boolean[] pad = {false, false, false, false, false, false, true};
    boolean[] m = HybridMask.matrix(imageId, pad);
    assertTrue(m[1 * 7 + 2]); // within image 0
    assertTrue(!m[1 * 7 + 4]); // image 0 cannot see image 1
    assertTrue(!m[4 * 7 + 6] && !m[6 * 7 + 6]); // pad key masked
  }

  @Test
  void textToImageLayoutTargetsAndLength() {
    Packer packer = new Packer(2, 64);
    PixelImage img = digit(1, 8, 8);
    PackedSequence seq = packer.pack(List.of(
        new DocumentPart.Text("[BOS]digit seven"), new DocumentPart.Image(img, 500), new DocumentPart.Text("[EOS]")));
    int textTokens = 1 + "digit seven".length() + 1;
    assertEquals(textTokens + 2 + 16, seq.length());
    int imgAt = 1 + "digit seven".length();
    assertEquals(CaptionVocab.IMG, seq.tokens()[imgAt]);
    assertEquals(CaptionVocab.IMG, seq.targets()[imgAt - 1], "last caption token predicts [IMG]");
    assertEquals(PackedSequence.IGNORE, seq.targets()[imgAt]);
    for (int i = imgAt + 1; i <= imgAt + 16; i++) {
      assertEquals(-1, seq.tokens()[i]);
      assertEquals(0, seq.imageId()[i]);
      assertEquals(PackedSequence.IGNORE, seq.targets()[i]);
    }
    assertArrayEquals(new int[] {imgAt + 1, imgAt + 17}, seq.spans()[0]);
    assertEquals(CaptionVocab.IMG_END, seq.tokens()[imgAt + 17]);
    assertEquals(CaptionVocab.EOS, seq.targets()[imgAt + 17]);
    assertEquals(PackedSequence.IGNORE, seq.targets()[seq.length() - 1]);
    assertEquals(500, seq.imageTime()[0]);
    assertEquals(4, seq.patchDim());
    assertEquals("T T T T T T T T T T T T T I4x4 T T", seq.layout());
    // Patch rows hold the encoded, patchified pixels.
    float[] expected = Patchify.patchify(PixelCodec.encode(img), 8, 8, 1, 2);
    assertArrayEquals(expected, seq.patches());
  }

  @Test
  void imageToTextLayout() {
    PackedSequence seq = new Packer(2, 64).pack(List.of(
        new DocumentPart.Text("[BOS]"), new DocumentPart.Image(digit(2, 4, 4), 0), new DocumentPart.Text("three[EOS]")));
    assertEquals(1 + 2 + 4 + 6, seq.length());
    assertEquals(CaptionVocab.IMG, seq.targets()[0]);
    int close = 1 + 1 + 4;
    assertEquals(CaptionVocab.IMG_END, seq.tokens()[close]);
    assertEquals(CaptionVocab.encode("t")[0], seq.targets()[close]);
  }

  @Test
  void badInputGivesClearErrors() {
    Packer packer = new Packer(4, 20);
    var unknown = assertThrows(IllegalArgumentException.class,
        () -> packer.pack(List.of(new DocumentPart.Text("[BOS]hi[FOO]"))));
    assertTrue(unknown.getMessage().contains("[FOO]") && unknown.getMessage().contains("offset 7"), unknown.getMessage());
    var upper = assertThrows(IllegalArgumentException.class, () -> CaptionVocab.encode("Hi"));
    assertTrue(upper.getMessage().contains("'H'"), upper.getMessage());
    var size = assertThrows(IllegalArgumentException.class,
        () -> packer.pack(List.of(new DocumentPart.Image(digit(3, 10, 8), 0))));
    assertEquals("image 10x8 not divisible by patch 4", size.getMessage());
    var tooLong = assertThrows(IllegalArgumentException.class,
        () -> new Packer(1, 20).pack(List.of(new DocumentPart.Image(digit(4, 8, 8), 0))));
    assertTrue(tooLong.getMessage().contains("exceeds the model context 20"), tooLong.getMessage());
  }

  @Test
  void captionVocabRoundTrip() {
    String s = "[BOS]a red circle 42[IMG][/IMG][EOS]";
    assertEquals(s, CaptionVocab.decode(CaptionVocab.encode(s)));
    assertEquals(42, CaptionVocab.size());
  }
}
