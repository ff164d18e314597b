package dev.focus.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.checkpoint.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link HfTokenizer} on five small {@code tokenizer.json} files (GPT-2, Llama 3 and Qwen2 style
 * byte-level BPE; Llama 2 and Mistral style BPE with byte fallback), against ids and texts that the
 * reference implementation produced ({@code hf/NAME/reference-ids.json}; {@link
 * HfTokenizerReferenceTest} checks them against the reference live and regenerates them).
 */
class HfTokenizerTest {
  static final List<String> NAMES = List.of("gpt2", "llama3", "qwen2", "llama2", "mistral");

  /** The fixture texts: whitespace runs, digits, contractions, Unicode, specials, byte fallback. */
  static final List<String> TEXTS = List.of(
      "", " ", "Hello world", "Hello  world", " leading space", "trailing space ", "   three spaces first",
      "tabs\tand\nnewlines\n\n", "windows\r\nline end", "mixed \t \n whitespace runs   \n  end",
      "1234567890", "3.14159 and 2,718", "in 1998 there were 1,000,000 words", "x=42;y=-7",
      "I'm sure you'll like it; we've seen they'd agree", "DON'T SHOUT, IT'S FINE", "ſ's and 'S",
      "naïve café, déjà vu", "Straße and Ærø", "e\u0301 (combining) vs \u00e9", "東京タワー", "Внимание модели",
      "👍🏽 emoji 🚀!", "zero\u200bwidth", "a\u00a0b\u3000c\u2028d\u0085e", "ﬁ ① Å",
      "def f(x):\n    return x**2\n", "<s>hi</s>", "<s> spaced </s> out", "<|endoftext|>after", "before<|endoftext|>",
      "<|begin_of_text|>Hello<|eot_id|>", "<|endof", "<|im_start|>user\nhi<|im_end|>", "use <tool> here", "x<tool>y",
      "▁literal marker", "<0x41> is not a byte token", "\u0000null", "7 8 9 ß ø",
      "The sparsity S* of a one-hot row is n^{-1/2}.", "supercalifragilisticexpialidocious",
      "Focus is a toolkit and lab for decoder-only Transformers.");

  /** A text whose encoding, cut after every id, decodes partial UTF-8 sequences. */
  static final String PREFIX_TEXT = "a€東👍🏽 ok";

  static List<String> names() { return NAMES; }

  static HfTokenizer load(String name) throws IOException {
    try (InputStream in = HfTokenizerTest.class.getResourceAsStream("/dev/focus/tokenizer/hf/" + name + "/tokenizer.json")) {
      return HfTokenizer.fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  static Map<String, Object> fixtures(String name) throws IOException {
    try (InputStream in = HfTokenizerTest.class.getResourceAsStream("/dev/focus/tokenizer/hf/" + name + "/reference-ids.json")) {
      return Json.parseObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  static String show(String s) {
    StringBuilder sb = new StringBuilder("\"");
    s.codePoints().forEach(c -> sb.append(c < 0x20 || c > 0x7e ? String.format("\\u{%x}", c) : Character.toString(c)));
    return sb.append('"').toString();
  }

  static int[] ints(Object list) {
    return ((List<?>) list).stream().mapToInt(o -> ((Long) o).intValue()).toArray();
  }

  @ParameterizedTest
  @MethodSource("names")
  void encodesEveryFixtureTextToTheReferenceIds(String name) throws IOException {
    HfTokenizer t = load(name);
    List<?> cases = (List<?>) fixtures(name).get("cases");
    assertEquals(TEXTS.size(), cases.size(), "fixture count; regenerate the fixtures");
    List<String> failures = new ArrayList<>();
    for (Object o : cases) {
      Map<?, ?> c = (Map<?, ?>) o;
      String text = (String) c.get("text");
      int[] ids = ints(c.get("ids")), withSpecials = ints(c.get("withSpecials"));
      if (!Arrays.equals(ids, t.encode(text))) {
        failures.add(show(text) + ": reference " + Arrays.toString(ids) + ", Focus " + Arrays.toString(t.encode(text)));
      }
      if (!Arrays.equals(withSpecials, t.encode(text, true))) {
        failures.add(show(text) + " with specials: reference " + Arrays.toString(withSpecials) + ", Focus "
            + Arrays.toString(t.encode(text, true)));
      }
      if (!c.get("decoded").equals(t.decode(withSpecials))) {
        failures.add("decode " + show(text) + ": reference " + show((String) c.get("decoded")) + ", Focus " + show(t.decode(withSpecials)));
      }
      if (!c.get("decodedSkippingSpecials").equals(t.decode(withSpecials, true))) {
        failures.add("decode skipping specials " + show(text) + ": reference " + show((String) c.get("decodedSkippingSpecials"))
            + ", Focus " + show(t.decode(withSpecials, true)));
      }
    }
    assertTrue(failures.isEmpty(), () -> name + ": " + failures.size() + " mismatches\n" + String.join("\n", failures));
  }

  @ParameterizedTest
  @MethodSource("names")
  void decodesEveryPrefixOfAnEncodingAsTheReferenceDoes(String name) throws IOException {
    HfTokenizer t = load(name);
    Map<String, Object> f = fixtures(name);
    int[] ids = ints(f.get("prefixIds"));
    assertArrayEquals(ids, t.encode(PREFIX_TEXT));
    List<?> expected = (List<?>) f.get("prefixDecoded");
    for (int k = 1; k <= ids.length; k++) {
      assertEquals(expected.get(k - 1), t.decode(Arrays.copyOf(ids, k)), name + " prefix of " + k + " ids");
    }
    assertTrue(expected.stream().anyMatch(s -> ((String) s).contains("\uFFFD")), "some prefix cuts a character");
  }

  @Test
  void byteLevelFilesRoundTripAndUseTheirOwnSpecialIds() throws IOException {
    for (String name : List.of("gpt2", "llama3")) {
      HfTokenizer t = load(name);
      for (String s : TEXTS) assertEquals(s, t.decode(t.encode(s)), name + " " + show(s));
    }
    HfTokenizer llama3 = load("llama3");
    int bos = llama3.id("<|begin_of_text|>").getAsInt();
    assertArrayEquals(new int[] {bos}, llama3.prefixIds());
    assertEquals(bos, llama3.encodeDocument("x")[0]);
    assertTrue(llama3.isSpecial(bos));
    assertFalse(llama3.isSpecial(llama3.id("<tool>").getAsInt()), "<tool> is an added token but not special");
    assertEquals("Ġ", load("gpt2").token(load("gpt2").encode(" ")[0]), "a space is Ġ in the byte-level alphabet");
  }

  @Test
  void byteFallbackSpellsUnknownCharactersAsTheirUtf8Bytes() throws IOException {
    HfTokenizer t = load("llama2");
    // '東' is outside the alphabet: E6 9D B1 as <0xE6> <0x9D> <0xB1>, after the ▁ the normalizer prepends.
    int[] ids = t.encode("東");
    List<String> tokens = Arrays.stream(ids).mapToObj(t::token).toList();
    assertEquals(List.of("▁", "<0xE6>", "<0x9D>", "<0xB1>"), tokens);
    assertEquals("東", t.decode(ids));
    assertEquals(1, t.encode("x", true)[0], "the template puts <s> (id 1) first");
  }

  @Test
  void badFilesAndIdsGetOneLineErrorsNamingTheProblem(@TempDir Path dir) throws IOException {
    String gpt2 = new String(HfTokenizerTest.class.getResourceAsStream("/dev/focus/tokenizer/hf/gpt2/tokenizer.json").readAllBytes(),
        StandardCharsets.UTF_8);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> HfTokenizer.fromJson(gpt2.replace("\"type\": \"BPE\"", "\"type\": \"Unigram\"")));
    assertTrue(e.getMessage().contains("model type 'Unigram' is not supported"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> HfTokenizer.fromJson(gpt2.replace("\"type\": \"ByteLevel\",\n  \"add_prefix_space\"", "\"type\": \"BertPreTokenizer\",\n  \"add_prefix_space\"")));
    assertTrue(e.getMessage().contains("pre_tokenizer type 'BertPreTokenizer' is not supported"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> HfTokenizer.fromJson(gpt2.replace("\"Ġt\": ", "\"Ġt_gone\": ")));
    assertTrue(e.getMessage().contains("not in the vocabulary"), e.getMessage());
    HfTokenizer t = HfTokenizer.fromJson(gpt2);
    e = assertThrows(IllegalArgumentException.class, () -> t.decode(new int[] {5, t.vocabSize()}));
    assertTrue(e.getMessage().contains("token id " + t.vocabSize() + " at index 1"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> t.encode("a\uD800b"));
    assertTrue(e.getMessage().contains("lone high surrogate"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> HfTokenizer.load(dir));
    assertTrue(e.getMessage().contains("no tokenizer file at " + dir.resolve("tokenizer.json")), e.getMessage());
    Files.writeString(dir.resolve("tokenizer.json"), gpt2);
    assertEquals(t.vocabSize(), HfTokenizer.load(dir).vocabSize(), "a directory means DIR/tokenizer.json");
  }

  /**
   * A tokenizer file's own regexes: one that does not compile is one line with the pattern's control
   * characters escaped, and one that backtracks without bound ({@code (.*a){12}$} on 26 a's and a '!'
   * takes Java's matcher about 10 seconds, growing as n^12) stops at {@link RegexBudget}'s bound instead of running for hours.
   */
  @Test
  void aTokenizersOwnRegexesFailInOneLineAndStopBacktracking() throws IOException {
    String llama3 = new String(HfTokenizerTest.class.getResourceAsStream("/dev/focus/tokenizer/hf/llama3/tokenizer.json").readAllBytes(),
        StandardCharsets.UTF_8);
    String split = "\"Regex\": \"(?i:'s|";
    assertTrue(llama3.contains(split), "the fixture's split regex starts with its contractions");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> HfTokenizer.fromJson(llama3.replace(split, "\"Regex\": \"(?I\\u0007:'s|")));
    assertTrue(e.getMessage().startsWith("tokenizer.json: Split regex (?I\\u0007:'s|"), e.getMessage());
    assertTrue(e.getMessage().contains("does not compile: Unknown inline modifier"), e.getMessage());
    assertFalse(e.getMessage().contains("\u0007") || e.getMessage().contains("\n"), "one printable line: " + e.getMessage());

    HfTokenizer evil = HfTokenizer.fromJson(llama3.replace(split, "\"Regex\": \"(.*a){12}$|(?i:'s|"));
    long t0 = System.nanoTime();
    e = assertThrows(IllegalArgumentException.class, () -> evil.encode("a".repeat(26) + "!", false));
    assertTrue(e.getMessage().startsWith("tokenizer.json: regex (.*a){12}$|(?i:'s|"), e.getMessage());
    assertTrue(e.getMessage().contains("needs more than 1000 steps a character on a text of 27 characters"), e.getMessage());
    assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "stopped by the bound, not by running the n^12 steps out");
    assertEquals(List.of("aaaa"), List.of(evil.decode(evil.encode("aaaa", false))), "a text the pattern matches at once is unaffected");
  }
}
