package dev.focus.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Fuzz bytes as the files of a directory, for readers that take a directory: records of
 * [name index (1 byte)] [length (2 bytes, big-endian)] [content], names from a fixed list. A fuzzer can
 * drop, duplicate, reorder or corrupt any file; a missing file is part of what it explores.
 */
final class DirectoryImage {
  private final List<String> names;

  DirectoryImage(List<String> names) {
    this.names = List.copyOf(names);
  }

  /** Encodes files (name → content) as one input. */
  byte[] encode(Map<String, byte[]> files) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Map.Entry<String, byte[]> e : files.entrySet()) {
      int index = names.indexOf(e.getKey());
      if (index < 0) throw new IllegalArgumentException("unknown file " + e.getKey());
      byte[] c = e.getValue();
      if (c.length > 0xffff) throw new IllegalArgumentException(e.getKey() + " too large for a seed: " + c.length);
      out.write(index);
      out.write(c.length >>> 8);
      out.write(c.length);
      out.writeBytes(c);
    }
    return out.toByteArray();
  }

  /** Decodes an input (a truncated last record keeps what it has). */
  Map<String, byte[]> decode(byte[] input) {
    Map<String, byte[]> files = new LinkedHashMap<>();
    int i = 0;
    while (i + 3 <= input.length) {
      String name = names.get((input[i] & 0xff) % names.size());
      int len = Math.min(((input[i + 1] & 0xff) << 8) | (input[i + 2] & 0xff), input.length - i - 3);
      byte[] c = new byte[len];
      System.arraycopy(input, i + 3, c, 0, len);
      files.put(name, c);
      i += 3 + len;
    }
    return files;
  }

  /** Empties {@code dir} and writes the files of {@code input} into it. */
  void writeInto(Path dir, byte[] input) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) if (!p.equals(dir)) Files.delete(p);
    }
    for (Map.Entry<String, byte[]> e : decode(input).entrySet()) {
      Path f = dir.resolve(e.getKey());
      Files.createDirectories(f.getParent());
      Files.write(f, e.getValue());
    }
  }
}
