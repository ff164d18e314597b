package dev.focus.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.tokenizer.ByteTokenizer;
import dev.focus.tokenizer.Special;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadersTest {
  @TempDir Path tmp;

  /** A 20-document Brown-format fixture in {@code cache/brown/package}. */
  static Path brownFixture(Path cache) throws IOException {
    Path dir = DataCache.brownDir(cache);
    Files.createDirectories(dir);
    StringBuilder cats = new StringBuilder();
    String[] genres = {"a", "b", "r"};
    List<String> ids = new ArrayList<>();
    for (String g : genres) for (int i = 1; i <= 7; i++) ids.add("c" + g + String.format("%02d", i));
    ids = ids.subList(0, 20);
    for (String id : ids) {
      cats.append(id).append(' ').append(id.charAt(1) == 'a' ? "news" : id.charAt(1) == 'b' ? "editorial" : "humor").append('\n');
      Files.writeString(dir.resolve(id), "\n\n\tThe/at jury/nn said/vbd ``/`` no/at ''/'' ,/, in/in " + id + "/np ./.\n\n\n"
          + "\tIt/pps was/bedz (/( 1/2/cd )/) good/jj ;/. wasn't/bedz* it/pps ?/.\n", StandardCharsets.US_ASCII);
    }
    Files.writeString(dir.resolve("cats.txt"), cats.toString());
    Files.writeString(dir.resolve("README"), "BROWN CORPUS\n");
    Files.writeString(dir.resolve("ca01").resolveSibling("CONTENTS"), "x\n");
    return dir;
  }

  @Test
  void brownStripsTagsAndJoinsPunctuation() throws IOException {
    Path cache = tmp.resolve("cache");
    brownFixture(cache);
    Files.writeString(DataCache.brownDir(cache).resolve("cr09"), "A/at b/nn\n"); // hasBrown wants ca01 and cr09
    List<BrownCorpus.Document> docs = BrownCorpus.loadCached(cache);
    assertEquals(21, docs.size());
    BrownCorpus.Document d = docs.get(0);
    assertEquals("ca01", d.id());
    assertEquals("news", d.category());
    assertEquals("The jury said \"no\", in ca01.\nIt was (1/2) good; wasn't it?", d.text());
    assertEquals("unknown", docs.get(20).category());
  }

  @Test
  void brownSplitIsByDocumentEveryTenth() throws IOException {
    Path cache = tmp.resolve("cache");
    List<BrownCorpus.Document> docs = BrownCorpus.load(brownFixture(cache));
    BrownCorpus.Splits s = BrownCorpus.split(docs);
    assertEquals(18, s.train().size());
    assertEquals(List.of(docs.get(9).id(), docs.get(19).id()), s.validation().stream().map(BrownCorpus.Document::id).toList());
    Set<String> train = new HashSet<>();
    s.train().forEach(d -> train.add(d.id()));
    s.validation().forEach(d -> assertFalse(train.contains(d.id())));
  }

  @Test
  void missingBrownNamesTheSetupCommand() {
    var e = assertThrows(DataCache.MissingDataException.class, () -> Datasets.open("brown", tmp.resolve("empty")));
    assertTrue(e.getMessage().contains("run: focus setup brown"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
  }

  @Test
  void textDatasetWindowsAreShiftedByOne() {
    TextDataset d = new TextDataset("t", ByteTokenizer.INSTANCE, List.of("hello world", "abc"), List.of("validation text"));
    assertEquals(11 + 1 + 3 + 1, d.tokens(Split.TRAIN));
    Batch b = d.batch(Split.TRAIN, 3, 0, 4, 6);
    for (int r = 0; r < 4; r++) {
      for (int t = 0; t < 5; t++) assertEquals(b.tokens()[r * 6 + t + 1], b.targets()[r * 6 + t]);
    }
    Batch v = d.batch(Split.VALIDATION, 3, 0, 2, 5);
    for (int t : v.tokens()) assertTrue(t == Special.EOS.id() || "validation text".indexOf((char) t) >= 0);
    assertThrows(IllegalArgumentException.class, () -> d.checkSeqLen(16));
    assertArrayEquals(b.tokens(), d.batch(Split.TRAIN, 3, 0, 4, 6).tokens());
  }

  @Test
  void brownDatasetOpensFromTheCache() throws IOException {
    Path cache = tmp.resolve("cache");
    brownFixture(cache);
    Files.writeString(DataCache.brownDir(cache).resolve("cr09"), "A/at b/nn\n");
    Dataset d = Datasets.open("brown", cache);
    assertEquals(261, d.vocabSize());
    Dataset bpe = Datasets.open("brown:bpe=300", cache);
    // The fixture is tiny: BPE stops early once no pair repeats, so the vocabulary may fall short of 300.
    assertTrue(bpe.vocabSize() > 261 && bpe.vocabSize() <= 300, "vocab " + bpe.vocabSize());
    assertTrue(Files.isRegularFile(cache.resolve("brown/bpe-300.json")), "the trained BPE is cached");
    assertEquals(bpe.vocabSize(), Datasets.open("brown:bpe=300", cache).vocabSize());
    assertThrows(IllegalArgumentException.class, () -> Datasets.open("brown:vocab=3", cache));
    var e = assertThrows(IllegalArgumentException.class, () -> Datasets.open("wiki", cache));
    assertTrue(e.getMessage().contains("valid: brown, mqar"), e.getMessage());
  }

  static Path gz(Path file, String content) throws IOException {
    try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(file))) {
      o.write(content.getBytes(StandardCharsets.US_ASCII));
    }
    return file;
  }

  static String digitRow(int label, int fill) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 64; i++) sb.append(i == 0 ? "" : ",").append((i * 7 + fill) % 17);
    return sb.append(',').append(label).append('\n').toString();
  }

  @Test
  void digitsParseAndSplitStratified() throws IOException {
    StringBuilder csv = new StringBuilder();
    for (int i = 0; i < 100; i++) csv.append(digitRow(i % 10, i));
    Path f = gz(tmp.resolve("digits.csv.gz"), csv.toString());
    List<Digits.Digit> all = Digits.load(f, false);
    assertEquals(100, all.size());
    assertEquals(3, all.get(3).label());
    assertEquals((7 + 3) % 17, all.get(3).pixels()[1]);
    assertEquals("digit three", all.get(3).caption());
    assertEquals(17, all.get(0).image().levels());
    Digits.Splits s = Digits.split(all, 0);
    assertEquals(80, s.train().size());
    assertEquals(20, s.test().size());
    int[] perLabel = new int[10];
    for (Digits.Digit d : s.test()) perLabel[d.label()]++;
    for (int c : perLabel) assertEquals(2, c, "20% of every label in test");
    assertEquals(s.test(), Digits.split(all, 0).test(), "deterministic");
    assertFalse(s.test().equals(Digits.split(all, 1).test()), "seeded");
    // the hash check rejects a file that is not the published one
    var e = assertThrows(DataCache.MissingDataException.class, () -> Digits.load(f, true));
    assertTrue(e.getMessage().contains("focus setup digits"), e.getMessage());
  }

  @Test
  void digitsErrorsNameTheLine() {
    String bad = digitRow(1, 0) + digitRow(2, 0).replaceFirst("^\\d+", "17");
    var e = assertThrows(IllegalArgumentException.class,
        () -> Digits.parse(new ByteArrayInputStream(bad.getBytes(StandardCharsets.US_ASCII)), "f"));
    assertEquals("f line 2 column 1: 17 outside 0..16", e.getMessage());
    var e2 = assertThrows(IllegalArgumentException.class,
        () -> Digits.parse(new ByteArrayInputStream("1,2,3\n".getBytes(StandardCharsets.US_ASCII)), "f"));
    assertTrue(e2.getMessage().contains("line 1: 3 columns"), e2.getMessage());
    var e3 = assertThrows(DataCache.MissingDataException.class, () -> Digits.loadCached(tmp.resolve("none")));
    assertTrue(e3.getMessage().contains("run: focus setup digits"), e3.getMessage());
  }

  @Test
  void glyphShapesMatchTheirCaptions() {
    for (int i = 0; i < 200; i++) {
      Glyphs.Captioned g = Glyphs.generate(Glyphs.Kind.SHAPES, 7, i);
      String[] w = g.caption().split(" ");
      int colour = List.of(Glyphs.COLOURS).indexOf(w[0]);
      int quad = List.of(Glyphs.QUADRANTS).indexOf(w[2] + " " + w[3]);
      assertTrue(colour >= 0 && quad >= 0 && List.of(Glyphs.SHAPES).contains(w[1]), g.caption());
      int[] px = g.image().data();
      double sy = 0, sx = 0;
      int n = 0;
      for (int y = 0; y < 16; y++) {
        for (int x = 0; x < 16; x++) {
          int o = (y * 16 + x) * 3;
          if (px[o] + px[o + 1] + px[o + 2] == 0) continue;
          assertArrayEquals(Glyphs.PALETTE[colour], new int[] {px[o], px[o + 1], px[o + 2]});
          sy += y; sx += x; n++;
        }
      }
      assertTrue(n >= 12, "shape drawn: " + n + " pixels");
      assertEquals(quad / 2, sy / n >= 8 ? 1 : 0, g.caption());
      assertEquals(quad % 2, sx / n >= 8 ? 1 : 0, g.caption());
      if (w[1].equals("square")) assertEquals(36, n);
    }
    assertArrayEquals(Glyphs.generate(Glyphs.Kind.SHAPES, 7, 3).image().data(), Glyphs.generate(Glyphs.Kind.SHAPES, 7, 3).image().data());
  }

  @Test
  void glyphReadAndCountAreLegible() {
    for (int i = 0; i < 100; i++) {
      Glyphs.Captioned g = Glyphs.generate(Glyphs.Kind.READ, 1, i);
      assertTrue(g.caption().matches("\\d\\d"), g.caption());
      int[] px = g.image().data();
      // Read each half back with the font: the digit whose mask matches the lit pixels exactly.
      for (int k = 0; k < 2; k++) {
        int expected = g.caption().charAt(k) - '0', found = -1, level = 0;
        for (int oy = 0; oy <= 11 && found < 0; oy++) {
          for (int ox = k * 8; ox <= k * 8 + 5 && found < 0; ox++) {
            for (int dgt = 0; dgt < 10; dgt++) {
              if (matches(px, dgt, oy, ox, k)) { found = dgt; break; }
            }
          }
        }
        for (int v : px) if (v != 0) level = v;
        assertEquals(expected, found, "digit " + k + " of " + g.caption());
        assertTrue(List.of(160, 192, 224, 255).contains(level));
      }
      Glyphs.Captioned c = Glyphs.generate(Glyphs.Kind.COUNT, 1, i);
      int lit = 0;
      for (int v : c.image().data()) if (v == 255) lit++;
      assertEquals(Integer.parseInt(c.caption()), lit);
    }
  }

  /** True when the half {@code k} of the image is exactly digit {@code d} drawn at (oy, ox). */
  private static boolean matches(int[] px, int d, int oy, int ox, int k) {
    for (int y = 0; y < 16; y++) {
      for (int x = k * 8; x < k * 8 + 8; x++) {
        int fy = y - oy, fx = x - ox;
        boolean on = fy >= 0 && fy < 5 && fx >= 0 && fx < 3 && (Glyphs.FONT[d][fy] >> (2 - fx) & 1) != 0;
        if (on != (px[y * 16 + x] != 0)) return false;
      }
    }
    return true;
  }
}
