package dev.focus.spark;

import dev.focus.lab.run.FileResultStore;
import dev.focus.lab.run.ResultStore;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;

/**
 * The store of a work directory given as a path or a Hadoop file-system URI: a plain path or a
 * {@code file:} URI (a local disk, or a mount such as NFS that every worker sees) is a
 * {@link FileResultStore}; any other scheme ({@code hdfs://namenode/focus}, {@code s3a://…} where its
 * connector is on the class path) is a {@link HadoopResultStore} with the same layout.
 */
public final class Stores {
  private Stores() {}

  public static ResultStore open(String workUri) {
    if (workUri == null || workUri.isBlank()) throw new IllegalArgumentException("--work-dir is empty");
    String scheme = scheme(workUri);
    if (scheme == null) return new FileResultStore(Path.of(workUri));
    if (scheme.equals("file")) return new FileResultStore(Path.of(URI.create(workUri)));
    return new HadoopResultStore(workUri);
  }

  /** The URI scheme of {@code s} in lower case, or null for a plain path (a Windows drive letter is a path). */
  static String scheme(String s) {
    int colon = s.indexOf(':');
    if (colon < 2) return null;
    try {
      String scheme = new URI(s).getScheme();
      return scheme == null ? null : scheme.toLowerCase(java.util.Locale.ROOT);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("--work-dir " + s + " is neither a path nor a URI: " + e.getReason());
    }
  }
}
