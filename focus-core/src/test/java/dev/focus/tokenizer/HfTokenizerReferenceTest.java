package dev.focus.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.checkpoint.Json;
import dev.focus.testing.OracleFixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link HfTokenizer} against the reference implementation, live: the checked-in fixtures
 * ({@code hf/reference-ids.json}) must be what the reference produces today, and Focus must agree
 * with the reference on 400 random strings and 200 random id sequences per tokenizer file, and on
 * variants of the files with the options the fixtures do not exercise (ByteLevel
 * {@code add_prefix_space}, Metaspace {@code always}/{@code never}/{@code split}, added tokens with
 * {@code lstrip}/{@code rstrip}/{@code single_word}).
 *
 * <p>Regenerating the fixtures (after changing the texts in {@link HfTokenizerTest#TEXTS} or the
 * files, which {@code src/test/python/make_hf_tokenizers.py} writes):
 * {@code FOCUS_REGENERATE_FIXTURES=1 mvn -B -ntp -pl focus-core test -Dtest=HfTokenizerReferenceTest}.
 */
class HfTokenizerReferenceTest {
  private static final Path DIR = Path.of("src/test/resources/dev/focus/tokenizer/hf");

  static List<String> names() { return HfTokenizerTest.NAMES; }

  @ParameterizedTest
  @MethodSource("names")
  void theCheckedInFixturesAreWhatTheReferenceProduces(String name) throws IOException {
    Map<String, Object> fresh;
    try (HfReference ref = HfReference.open(DIR.resolve(name).resolve("tokenizer.json"))) {
      fresh = fixtures(ref);
    }
    if (OracleFixtures.regenerating()) write(name, fresh);
    Map<String, Object> stored = Json.parseObject(Files.readString(DIR.resolve(name).resolve("reference-ids.json")));
    assertEquals(Json.write(fresh), Json.write(stored),
        "the reference disagrees with the checked-in fixtures of " + name + "; regenerate them (see the class comment)");
  }

  @ParameterizedTest
  @MethodSource("names")
  void randomTextAndIdsAgreeWithTheReference(String name) throws IOException {
    compareLive(name, json -> json, 400, 200);
  }

  static List<Object[]> variants() {
    return List.of(
        new Object[] {"gpt2", "ByteLevel add_prefix_space", (UnaryOperator<Map<String, Object>>) j -> {
          obj(j, "pre_tokenizer").put("add_prefix_space", true);
          return j;
        }},
        new Object[] {"mistral", "Metaspace always", (UnaryOperator<Map<String, Object>>) j -> {
          obj(j, "pre_tokenizer").put("prepend_scheme", "always");
          return j;
        }},
        new Object[] {"mistral", "Metaspace never, split", (UnaryOperator<Map<String, Object>>) j -> {
          obj(j, "pre_tokenizer").put("prepend_scheme", "never");
          obj(j, "pre_tokenizer").put("split", true);
          return j;
        }},
        new Object[] {"mistral", "Metaspace split, decoder never", (UnaryOperator<Map<String, Object>>) j -> {
          obj(j, "pre_tokenizer").put("split", true);
          @SuppressWarnings("unchecked")
          List<Object> steps = (List<Object>) obj(j, "decoder").get("decoders");
          HfText.object(steps.get(0), "d").put("prepend_scheme", "never");
          return j;
        }},
        new Object[] {"llama3", "added tokens lstrip, rstrip, single_word", (UnaryOperator<Map<String, Object>>) j -> {
          @SuppressWarnings("unchecked")
          List<Object> added = (List<Object>) j.get("added_tokens");
          HfText.object(added.get(2), "a").put("lstrip", true);
          HfText.object(added.get(2), "a").put("rstrip", true);
          HfText.object(added.get(3), "a").put("single_word", true);
          return j;
        }},
        new Object[] {"qwen2", "no normalizer, NFKC", (UnaryOperator<Map<String, Object>>) j -> {
          j.put("normalizer", new LinkedHashMap<>(Map.of("type", "NFKC")));
          return j;
        }});
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("variants")
  void variantsOfTheFilesAgreeWithTheReference(String name, String what, UnaryOperator<Map<String, Object>> change)
      throws IOException {
    compareLive(name, change, 300, 50);
  }

  private static void compareLive(String name, UnaryOperator<Map<String, Object>> change, int texts, int idLists)
      throws IOException {
    Map<String, Object> json = change.apply(Json.parseObject(Files.readString(DIR.resolve(name).resolve("tokenizer.json"))));
    Path file = Files.createTempFile("focus-tokenizer", ".json");
    try {
      Files.writeString(file, Json.write(json), StandardCharsets.UTF_8);
      HfTokenizer focus = HfTokenizer.load(file);
      SplittableRandom rng = new SplittableRandom(name.hashCode());
      try (HfReference ref = HfReference.open(file)) {
        for (int i = 0; i < texts; i++) {
          String text = randomText(rng);
          for (boolean specials : new boolean[] {false, true}) {
            int[] expected = ref.encode(text, specials), actual = focus.encode(text, specials);
            assertArrayEquals(expected, actual, () -> name + " encode(" + HfTokenizerTest.show(text) + ", " + specials
                + "): reference " + Arrays.toString(expected) + ", Focus " + Arrays.toString(actual));
          }
        }
        for (int i = 0; i < idLists; i++) {
          int[] ids = rng.ints(1 + rng.nextInt(12), 0, focus.vocabSize()).toArray();
          for (boolean skip : new boolean[] {false, true}) {
            assertEquals(ref.decode(ids, skip), focus.decode(ids, skip), () -> name + " decode(" + Arrays.toString(ids) + ", " + skip + ")");
          }
        }
      }
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private static final String[] PARTS = {"a", "b", "e", "the", "tion", " ", "  ", "   ", "\n", "\n\n", "\t", "\r\n", "1", "23",
      "4567", "'s", "'S", "'ll", "é", "e\u0301", "東", "京", "👍", "🏽", "<s>", "</s>", "<|endoftext|>", "<|eot_id|>",
      "<tool>", "▁", "ß", "ſ", "\u00a0", "\u3000", "\u2028", ",", "!", "-", "_", ".", "Ġ", "<0x41>", "<", "|", "A",
      "Focus", " attention", "decoder", "ﬁ", "①", "Å"};

  static String randomText(SplittableRandom rng) {
    StringBuilder sb = new StringBuilder();
    int n = rng.nextInt(13);
    for (int i = 0; i < n; i++) sb.append(PARTS[rng.nextInt(PARTS.length)]);
    return sb.toString();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> obj(Map<String, Object> j, String key) {
    return (Map<String, Object>) j.get(key);
  }

  /** The fixture object of one tokenizer, as the reference computes it. */
  private static Map<String, Object> fixtures(HfReference ref) {
    List<Object> cases = new ArrayList<>();
    for (String text : HfTokenizerTest.TEXTS) {
      int[] ids = ref.encode(text, false), withSpecials = ref.encode(text, true);
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("text", text);
      c.put("ids", ids);
      c.put("withSpecials", withSpecials);
      c.put("decoded", ref.decode(withSpecials, false));
      c.put("decodedSkippingSpecials", ref.decode(withSpecials, true));
      cases.add(c);
    }
    // Every prefix of one encoding: cuts inside multi-byte characters decode to U+FFFD.
    int[] ids = ref.encode(HfTokenizerTest.PREFIX_TEXT, false);
    List<Object> prefixes = new ArrayList<>();
    for (int k = 1; k <= ids.length; k++) prefixes.add(ref.decode(Arrays.copyOf(ids, k), false));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("cases", cases);
    out.put("prefixIds", ids);
    out.put("prefixDecoded", prefixes);
    return out;
  }

  private static void write(String name, Map<String, Object> fresh) throws IOException {
    Path file = DIR.resolve(name).resolve("reference-ids.json");
    Files.writeString(file, Json.writePretty(fresh), StandardCharsets.UTF_8);
    assertTrue(Files.size(file) > 0);
  }
}
