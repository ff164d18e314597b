package dev.focus.testing;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardOpenOption;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.spi.FileSystemProvider;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A view of the real file system that fails the way a full disk or a read-only directory does, for
 * fault-injection tests that must also work as root (where {@code chmod} does not stop writes) and on
 * machines that cannot mount a small tmpfs. Paths of this file system map one to one onto default
 * paths; only writes are intercepted:
 *
 * <ul>
 *   <li>{@link #diskFull(long)}: after {@code budget} bytes, every write throws
 *       {@code IOException("No space left on device")}, as {@code FileChannel.write} does on ENOSPC;
 *   <li>{@link #readOnly()}: creating, writing, moving or deleting anything throws
 *       {@link AccessDeniedException} naming the path, as EACCES does.
 * </ul>
 */
public final class FaultyFileSystem extends FileSystem {
  private final FileSystem real = java.nio.file.FileSystems.getDefault();
  private final Provider provider = new Provider();
  private final AtomicLong budget;
  private final boolean readOnly;

  private FaultyFileSystem(long budget, boolean readOnly) {
    this.budget = new AtomicLong(budget);
    this.readOnly = readOnly;
  }

  /** Writes succeed until {@code budget} bytes in total, then fail with ENOSPC's message. */
  public static FaultyFileSystem diskFull(long budget) {
    return new FaultyFileSystem(budget, false);
  }

  /** Nothing may be created, written, moved or deleted. */
  public static FaultyFileSystem readOnly() {
    return new FaultyFileSystem(Long.MAX_VALUE, true);
  }

  /** The path of this file system for a real path. */
  public Path wrap(Path realPath) {
    return new P(this, realPath);
  }

  /** Bytes still writable. */
  public long remaining() {
    return Math.max(0, budget.get());
  }

  static Path unwrap(Path p) {
    return p instanceof P w ? w.real : p;
  }

  private void checkWrite(Path p) throws IOException {
    if (readOnly) throw new AccessDeniedException(p.toString(), null, "Permission denied");
  }

  private void spend(long n) throws IOException {
    if (budget.addAndGet(-n) < 0) throw new IOException("No space left on device");
  }

  // ---- FileSystem --------------------------------------------------------------------------------

  @Override public FileSystemProvider provider() { return provider; }
  @Override public void close() {}
  @Override public boolean isOpen() { return true; }
  @Override public boolean isReadOnly() { return readOnly; }
  @Override public String getSeparator() { return real.getSeparator(); }
  @Override public Iterable<Path> getRootDirectories() { return map(real.getRootDirectories()); }
  @Override public Iterable<FileStore> getFileStores() { return real.getFileStores(); }
  @Override public Set<String> supportedFileAttributeViews() { return real.supportedFileAttributeViews(); }
  @Override public Path getPath(String first, String... more) { return wrap(real.getPath(first, more)); }
  @Override public PathMatcher getPathMatcher(String syntaxAndPattern) {
    PathMatcher m = real.getPathMatcher(syntaxAndPattern);
    return p -> m.matches(unwrap(p));
  }
  @Override public UserPrincipalLookupService getUserPrincipalLookupService() { return real.getUserPrincipalLookupService(); }
  @Override public WatchService newWatchService() { throw new UnsupportedOperationException(); }

  private List<Path> map(Iterable<Path> paths) {
    List<Path> out = new ArrayList<>();
    for (Path p : paths) out.add(wrap(p));
    return out;
  }

  // ---- Path --------------------------------------------------------------------------------------

  private static final class P implements Path {
    final FaultyFileSystem fs;
    final Path real;

    P(FaultyFileSystem fs, Path real) {
      this.fs = fs;
      this.real = real;
    }

    Path w(Path p) { return p == null ? null : new P(fs, p); }

    @Override public FileSystem getFileSystem() { return fs; }
    @Override public boolean isAbsolute() { return real.isAbsolute(); }
    @Override public Path getRoot() { return w(real.getRoot()); }
    @Override public Path getFileName() { return w(real.getFileName()); }
    @Override public Path getParent() { return w(real.getParent()); }
    @Override public int getNameCount() { return real.getNameCount(); }
    @Override public Path getName(int index) { return w(real.getName(index)); }
    @Override public Path subpath(int begin, int end) { return w(real.subpath(begin, end)); }
    @Override public boolean startsWith(Path other) { return real.startsWith(unwrap(other)); }
    @Override public boolean endsWith(Path other) { return real.endsWith(unwrap(other)); }
    @Override public Path normalize() { return w(real.normalize()); }
    @Override public Path resolve(Path other) { return w(real.resolve(unwrap(other))); }
    @Override public Path relativize(Path other) { return w(real.relativize(unwrap(other))); }
    @Override public URI toUri() { return real.toUri(); }
    @Override public Path toAbsolutePath() { return w(real.toAbsolutePath()); }
    @Override public Path toRealPath(LinkOption... options) throws IOException { return w(real.toRealPath(options)); }
    @Override public java.io.File toFile() { throw new UnsupportedOperationException("toFile() bypasses the file system: " + real); }
    @Override public WatchKey register(WatchService watcher, WatchEvent.Kind<?>[] events, WatchEvent.Modifier... modifiers) {
      throw new UnsupportedOperationException();
    }
    @Override public int compareTo(Path other) { return real.compareTo(unwrap(other)); }
    @Override public Iterator<Path> iterator() {
      List<Path> names = new ArrayList<>();
      for (Path n : real) names.add(w(n));
      return names.iterator();
    }
    @Override public boolean equals(Object o) { return o instanceof P p && p.fs == fs && p.real.equals(real); }
    @Override public int hashCode() { return real.hashCode(); }
    @Override public String toString() { return real.toString(); }
  }

  // ---- Provider ----------------------------------------------------------------------------------

  private final class Provider extends FileSystemProvider {
    private final FileSystemProvider d = real.provider();

    @Override public String getScheme() { return "faulty"; }
    @Override public FileSystem newFileSystem(URI uri, Map<String, ?> env) { throw new UnsupportedOperationException(); }
    @Override public FileSystem getFileSystem(URI uri) { return FaultyFileSystem.this; }
    @Override public Path getPath(URI uri) { return wrap(d.getPath(uri)); }

    private boolean writes(Set<? extends OpenOption> options) {
      return options.contains(StandardOpenOption.WRITE) || options.contains(StandardOpenOption.APPEND)
          || options.contains(StandardOpenOption.CREATE) || options.contains(StandardOpenOption.CREATE_NEW);
    }

    @Override
    public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs) throws IOException {
      return newFileChannel(path, options, attrs);
    }

    @Override
    public FileChannel newFileChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs) throws IOException {
      if (writes(options)) checkWrite(path);
      return new Channel(d.newFileChannel(unwrap(path), options, attrs));
    }

    @Override
    public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter) throws IOException {
      DirectoryStream<Path> s = d.newDirectoryStream(unwrap(dir), p -> filter.accept(wrap(p)));
      return new DirectoryStream<>() {
        @Override public Iterator<Path> iterator() {
          Iterator<Path> it = s.iterator();
          return new Iterator<>() {
            @Override public boolean hasNext() { return it.hasNext(); }
            @Override public Path next() { return wrap(it.next()); }
          };
        }
        @Override public void close() throws IOException { s.close(); }
      };
    }

    @Override public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
      checkWrite(dir);
      d.createDirectory(unwrap(dir), attrs);
    }
    @Override public void delete(Path path) throws IOException {
      checkWrite(path);
      d.delete(unwrap(path));
    }
    @Override public void copy(Path source, Path target, CopyOption... options) throws IOException {
      checkWrite(target);
      spend(d.readAttributes(unwrap(source), BasicFileAttributes.class).size());
      d.copy(unwrap(source), unwrap(target), options);
    }
    @Override public void move(Path source, Path target, CopyOption... options) throws IOException {
      checkWrite(source);
      d.move(unwrap(source), unwrap(target), options);
    }
    @Override public boolean isSameFile(Path a, Path b) throws IOException { return d.isSameFile(unwrap(a), unwrap(b)); }
    @Override public boolean isHidden(Path path) throws IOException { return d.isHidden(unwrap(path)); }
    @Override public FileStore getFileStore(Path path) throws IOException { return d.getFileStore(unwrap(path)); }
    @Override public void checkAccess(Path path, AccessMode... modes) throws IOException {
      for (AccessMode m : modes) if (m == AccessMode.WRITE) checkWrite(path);
      d.checkAccess(unwrap(path), modes);
    }
    @Override public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type, LinkOption... options) {
      return d.getFileAttributeView(unwrap(path), type, options);
    }
    @Override public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type, LinkOption... options) throws IOException {
      return d.readAttributes(unwrap(path), type, options);
    }
    @Override public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options) throws IOException {
      return d.readAttributes(unwrap(path), attributes, options);
    }
    @Override public void setAttribute(Path path, String attribute, Object value, LinkOption... options) throws IOException {
      checkWrite(path);
      d.setAttribute(unwrap(path), attribute, value, options);
    }
    @Override public Path readSymbolicLink(Path link) throws IOException { return wrap(d.readSymbolicLink(unwrap(link))); }
  }

  /** A file channel whose writes draw on the budget. */
  private final class Channel extends FileChannel {
    private final FileChannel c;

    Channel(FileChannel c) { this.c = c; }

    @Override public int read(ByteBuffer dst) throws IOException { return c.read(dst); }
    @Override public long read(ByteBuffer[] dsts, int offset, int length) throws IOException { return c.read(dsts, offset, length); }
    @Override public int write(ByteBuffer src) throws IOException {
      spend(src.remaining());
      return c.write(src);
    }
    @Override public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
      long n = 0;
      for (int i = offset; i < offset + length; i++) n += srcs[i].remaining();
      spend(n);
      return c.write(srcs, offset, length);
    }
    @Override public long position() throws IOException { return c.position(); }
    @Override public FileChannel position(long p) throws IOException { c.position(p); return this; }
    @Override public long size() throws IOException { return c.size(); }
    @Override public FileChannel truncate(long size) throws IOException { c.truncate(size); return this; }
    @Override public void force(boolean metaData) throws IOException { c.force(metaData); }
    @Override public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
      return c.transferTo(position, count, target);
    }
    @Override public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
      spend(count);
      return c.transferFrom(src, position, count);
    }
    @Override public int read(ByteBuffer dst, long position) throws IOException { return c.read(dst, position); }
    @Override public int write(ByteBuffer src, long position) throws IOException {
      spend(src.remaining());
      return c.write(src, position);
    }
    @Override public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException { return c.map(mode, position, size); }
    @Override public FileLock lock(long position, long size, boolean shared) throws IOException { return c.lock(position, size, shared); }
    @Override public FileLock tryLock(long position, long size, boolean shared) throws IOException { return c.tryLock(position, size, shared); }
    @Override protected void implCloseChannel() throws IOException { c.close(); }
  }
}
