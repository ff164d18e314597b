package dev.focus.web.site;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The site's static files, all from the class path: MathJax 3 (the whole {@code es5} tree, since its
 * extensions and fonts load lazily), ECharts, marked, DOMPurify, focus-md's browser extension and
 * the site's own CSS and scripts. Nothing is fetched from the network.
 *
 * <p>A site path {@code assets/<root>/<rest>} maps to one class-path folder per root. Paths are
 * checked segment by segment ({@code [A-Za-z0-9._-]+}, no {@code .} or {@code ..}, no encoding) and
 * only known file types are served, so no request can reach any other class-path resource.
 */
public final class Assets {
  private Assets() {}

  /** Site path prefix of every asset. */
  public static final String PREFIX = "assets/";

  /** MathJax's version as served (from the webjar). */
  public static final String MATHJAX_VERSION = webjarVersion("org.webjars.npm", "mathjax");
  public static final String ECHARTS_VERSION = webjarVersion("org.webjars", "echarts");
  public static final String MARKED_VERSION = webjarVersion("org.webjars.npm", "marked");
  public static final String DOMPURIFY_VERSION = webjarVersion("org.webjars.npm", "dompurify");

  /** Site root name to class-path folder (no leading slash, trailing slash). */
  static final Map<String, String> ROOTS = Map.of(
      "mathjax", "META-INF/resources/webjars/mathjax/" + MATHJAX_VERSION + "/es5/",
      "echarts", "META-INF/resources/webjars/echarts/" + ECHARTS_VERSION + "/",
      "marked", "META-INF/resources/webjars/marked/" + MARKED_VERSION + "/lib/",
      "dompurify", "META-INF/resources/webjars/dompurify/" + DOMPURIFY_VERSION + "/dist/",
      "focus-md", "dev/focus/md/js/",
      "site", "dev/focus/web/assets/");

  /**
   * One file known to exist in each root: it locates the jar or directory to list (webjars have no
   * directory entries, so the folder itself cannot be looked up).
   */
  private static final Map<String, String> PROBES = Map.of(
      "mathjax", "tex-chtml.js",
      "echarts", "echarts.min.js",
      "marked", "marked.esm.js",
      "dompurify", "purify.min.js",
      "focus-md", "focus-math.js",
      "site", "site.js");

  /** Files of a root that a site needs; the rest of the webjar (sources, maps, other builds) is not served. */
  private static final Map<String, Pattern> KEEP = Map.of(
      "mathjax", Pattern.compile(".*"),
      "echarts", Pattern.compile("echarts\\.min\\.js"),
      "marked", Pattern.compile("marked\\.esm\\.js"),
      "dompurify", Pattern.compile("purify\\.min\\.js"),
      "focus-md", Pattern.compile(".*"),
      "site", Pattern.compile(".*"));

  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*");

  /** Content types by extension; files of any other type are never served. */
  static final Map<String, String> TYPES = Map.of(
      "js", "text/javascript; charset=utf-8",
      "mjs", "text/javascript; charset=utf-8",
      "css", "text/css; charset=utf-8",
      "woff", "font/woff",
      "woff2", "font/woff2",
      "json", "application/json",
      "svg", "image/svg+xml",
      "png", "image/png");

  /** A served file: its class-path name and content type. */
  public record Asset(String sitePath, String resource, String contentType) {
    public InputStream open() throws IOException {
      InputStream in = Assets.class.getClassLoader().getResourceAsStream(resource);
      if (in == null) throw new IOException("asset vanished: " + resource);
      return in;
    }

    public byte[] bytes() throws IOException {
      try (InputStream in = open()) {
        return in.readAllBytes();
      }
    }
  }

  /**
   * The asset at {@code rest}, the part of the site path after {@code assets/}; empty when the path is
   * malformed, outside every root, of an unserved type, or missing.
   */
  public static Optional<Asset> find(String rest) {
    if (rest == null) return Optional.empty();
    Asset known = FOUND.get(rest);
    if (known != null) return Optional.of(known);
    Optional<Asset> a = lookup(rest);
    a.ifPresent(x -> FOUND.put(rest, x));
    return a;
  }

  /** Assets already found (a bounded set: only real files are cached). */
  private static final java.util.concurrent.ConcurrentHashMap<String, Asset> FOUND = new java.util.concurrent.ConcurrentHashMap<>();

  private static Optional<Asset> lookup(String rest) {
    if (rest == null || rest.isEmpty() || rest.length() > 300) return Optional.empty();
    String[] parts = rest.split("/", -1);
    if (parts.length < 2) return Optional.empty();
    for (String p : parts) {
      if (!SEGMENT.matcher(p).matches() || p.equals("..")) return Optional.empty();
    }
    String root = ROOTS.get(parts[0]);
    if (root == null) return Optional.empty();
    String within = rest.substring(parts[0].length() + 1);
    if (!KEEP.get(parts[0]).matcher(within).matches()) return Optional.empty();
    String type = contentType(within);
    if (type == null) return Optional.empty();
    String resource = root + within;
    URL url = Assets.class.getClassLoader().getResource(resource);
    if (url == null || isDirectory(url)) return Optional.empty();
    return Optional.of(new Asset(PREFIX + rest, resource, type));
  }

  /** The content type for a file name, or null if the site does not serve that type. */
  static String contentType(String name) {
    int dot = name.lastIndexOf('.');
    return dot < 0 ? null : TYPES.get(name.substring(dot + 1).toLowerCase(Locale.ROOT));
  }

  /** Every servable asset, by site path (for the static writer). */
  public static List<Asset> all() {
    List<Asset> out = new ArrayList<>();
    for (String root : new TreeSet<>(ROOTS.keySet())) {
      for (String within : list(ROOTS.get(root), PROBES.get(root))) {
        find(root + "/" + within).ifPresent(out::add);
      }
    }
    return out;
  }

  /** Relative names of the files under a class-path folder, found through one file known to be in it. */
  static List<String> list(String folder, String probe) {
    TreeSet<String> names = new TreeSet<>();
    try {
      Enumeration<URL> urls = Assets.class.getClassLoader().getResources(folder + probe);
      while (urls.hasMoreElements()) {
        URL url = urls.nextElement();
        if (url.getProtocol().equals("jar")) {
          JarURLConnection c = (JarURLConnection) url.openConnection();
          c.setUseCaches(false);
          try (JarFile jar = c.getJarFile()) {
            for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
              JarEntry entry = e.nextElement();
              if (!entry.isDirectory() && entry.getName().startsWith(folder)) names.add(entry.getName().substring(folder.length()));
            }
          }
        } else if (url.getProtocol().equals("file")) {
          Path dir = Path.of(url.toURI()).getParent();
          try (Stream<Path> walk = Files.walk(dir)) {
            walk.filter(Files::isRegularFile).forEach(p -> names.add(dir.relativize(p).toString().replace('\\', '/')));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    if (names.isEmpty()) throw new IllegalStateException("no assets found under class-path folder " + folder);
    return List.copyOf(names);
  }

  private static boolean isDirectory(URL url) {
    try {
      if (url.getProtocol().equals("file")) return Files.isDirectory(Path.of(url.toURI()));
      if (url.getProtocol().equals("jar")) {
        JarURLConnection c = (JarURLConnection) url.openConnection();
        c.setUseCaches(false);
        JarEntry e = c.getJarEntry();
        boolean dir = e == null || e.isDirectory();
        c.getJarFile().close();
        return dir;
      }
      return true;
    } catch (IOException | URISyntaxException e) {
      return true;
    }
  }

  private static String webjarVersion(String group, String artifact) {
    String name = "META-INF/maven/" + group + "/" + artifact + "/pom.properties";
    try (InputStream in = Assets.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) throw new IllegalStateException("webjar " + group + ":" + artifact + " is not on the class path");
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
