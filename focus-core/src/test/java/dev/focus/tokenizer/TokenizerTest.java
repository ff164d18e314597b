package dev.focus.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizerTest {
  @TempDir Path tmp;

  /** Random well-formed text: ASCII, Latin-1, CJK, combining marks, emoji (surrogate pairs), controls. */
  static String randomText(SplittableRandom r, int maxLen) {
    StringBuilder sb = new StringBuilder();
    int n = r.nextInt(maxLen + 1);
    for (int i = 0; i < n; i++) {
      int cp = switch (r.nextInt(7)) {
        case 0, 1 -> 32 + r.nextInt(95);
        case 2 -> ' ';
        case 3 -> 0xA0 + r.nextInt(0x2000 - 0xA0);
        case 4 -> 0x4E00 + r.nextInt(0x100);
        case 5 -> 0x1F300 + r.nextInt(0x300);
        default -> r.nextInt(0x110000);
      };
      if (cp >= 0xD800 && cp <= 0xDFFF) cp = 'x';
      sb.appendCodePoint(cp);
    }
    return sb.toString();
  }

  @Test
  void specialIdsAreFixed() {
    assertEquals(256, Special.BOS.id());
    assertEquals(257, Special.EOS.id());
    assertEquals(258, Special.PAD.id());
    assertEquals(259, Special.IMG.id());
    assertEquals(260, Special.IMG_END.id());
    assertEquals(261, ByteTokenizer.INSTANCE.vocabSize());
    assertEquals(Special.IMG_END, Special.ofId(260));
    assertEquals(null, Special.ofId(255));
  }

  @Test
  void byteTokenizerIsUtf8() {
    assertArrayEquals(new int[] {0x68, 0xC3, 0xA9, 0xF0, 0x9F, 0x98, 0x80}, ByteTokenizer.INSTANCE.encode("hé😀"));
    assertArrayEquals(new int[] {256, 0x61, 257}, ByteTokenizer.INSTANCE.encodeDocument("a"));
    assertEquals("[BOS]a[IMG][/IMG]", ByteTokenizer.INSTANCE.decode(new int[] {256, 0x61, 259, 260}));
    // Plain text that looks like a special token stays text.
    assertEquals(5, ByteTokenizer.INSTANCE.encode("[BOS]").length);
  }

  @Test
  void byteTokenizerRoundTripsRandomUnicode() {
    SplittableRandom r = new SplittableRandom(11);
    for (int i = 0; i < 500; i++) {
      String s = randomText(r, 40);
      assertEquals(s, ByteTokenizer.INSTANCE.decode(ByteTokenizer.INSTANCE.encode(s)));
    }
  }

  @Test
  void loneSurrogatesAreRejectedWithTheirIndex() {
    var e = assertThrows(IllegalArgumentException.class, () -> ByteTokenizer.INSTANCE.encode("ab\uD800c"));
    assertTrue(e.getMessage().contains("index 2"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ByteTokenizer.INSTANCE.encode("\uDC00"));
    assertThrows(IllegalArgumentException.class, () -> ByteTokenizer.INSTANCE.decode(new int[] {261}));
  }

  @Test
  void bpeLearnsTheHandComputedMergesWithTieBreaking() {
    // "aaabdaaabac": counts aa 4, ab 2 … → merge (a, a) = 261. Then Z a b d Z a b a c has
    // Za 2 and ab 2: the tie goes to the smaller pair (97, 98) = 262. Then Z Y: (261, 262) = 263.
    BpeTokenizer t = BpeTokenizer.train(List.of("aaabdaaabac"), 264);
    assertEquals(3, t.mergeCount());
    assertArrayEquals(new int[] {97, 97}, t.merge(0));
    assertArrayEquals(new int[] {97, 98}, t.merge(1));
    assertArrayEquals(new int[] {261, 262}, t.merge(2));
    assertArrayEquals(new int[] {263, 100, 263, 97, 99}, t.encode("aaabdaaabac"));
    assertEquals("aaab", new String(t.bytes(263), java.nio.charset.StandardCharsets.UTF_8));
  }

  @Test
  void bpeStopsWhenNoPairRepeats() {
    BpeTokenizer t = BpeTokenizer.train(List.of("abc"), 300);
    assertEquals(0, t.mergeCount());
    assertEquals(261, t.vocabSize());
  }

  @Test
  void bpeIsDeterministicAndLossless() {
    SplittableRandom r = new SplittableRandom(5);
    List<String> corpus = new ArrayList<>();
    for (int i = 0; i < 200; i++) corpus.add(randomText(r, 30) + " the cat sat on the mat " + i);
    BpeTokenizer a = BpeTokenizer.train(corpus, 400), b = BpeTokenizer.train(corpus, 400);
    assertEquals(a.toJson(), b.toJson());
    assertEquals(400, a.vocabSize());
    int[] cat = a.encode(" the cat sat on the mat");
    assertTrue(cat.length < " the cat sat on the mat".length() / 2, "merges compress common text: " + cat.length);
    for (int i = 0; i < 300; i++) {
      String s = randomText(r, 40);
      assertEquals(s, a.decode(a.encode(s)));
    }
  }

  @Test
  void bpeChunksConcatenateBackToTheText() {
    String s = "Hello,  world!\n\n  123abc  ";
    assertEquals(s, String.join("", BpeTokenizer.chunks(s)));
    assertEquals(List.of("Hello", ",", " ", " world", "!", "\n\n ", " 123", "abc", "  "), BpeTokenizer.chunks(s));
  }

  @Test
  void bpeSavesAndLoadsJson() throws Exception {
    BpeTokenizer t = BpeTokenizer.train(List.of("low lower lowest newer wider", "low low low"), 280);
    Path f = tmp.resolve("bpe.json");
    t.save(f);
    BpeTokenizer u = BpeTokenizer.load(f);
    assertEquals(t.toJson(), u.toJson());
    assertArrayEquals(t.encode("lowest lower"), u.encode("lowest lower"));
    assertThrows(IllegalArgumentException.class, () -> BpeTokenizer.fromJson("{\"format\": \"other\"}"));
    assertThrows(IllegalArgumentException.class,
        () -> BpeTokenizer.fromJson("{\"format\": \"focus-bpe\", \"version\": 1, \"merges\": [[300, 1]]}"));
    assertThrows(IllegalArgumentException.class,
        () -> BpeTokenizer.fromJson("{\"format\": \"focus-bpe\", \"version\": 2, \"merges\": []}"));
    assertThrows(IllegalArgumentException.class,
        () -> BpeTokenizer.fromJson("{\"format\": \"focus-bpe\", \"version\": 1, \"vocabSize\": 300, \"merges\": [[97, 98]]}"));
  }
}
