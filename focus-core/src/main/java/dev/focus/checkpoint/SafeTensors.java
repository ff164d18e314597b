package dev.focus.checkpoint;

import dev.focus.io.MemoryBudget;
import dev.focus.io.Text;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors format (huggingface/safetensors, "Format" section): an 8-byte little-endian header
 * length n, n bytes of UTF-8 JSON mapping each tensor name to {@code {"dtype", "shape", "data_offsets":
 * [begin, end]}} (offsets relative to the byte after the header) plus an optional {@code __metadata__}
 * object of string → string, then the raw little-endian tensor bytes.
 *
 * <p>Writes F32 only; reads F32, F64, F16 and BF16 (widened or narrowed to float). Writing is atomic
 * ({@link AtomicFiles}). Reading validates the whole header before it reads any value: header length,
 * JSON, dtype, shape against byte range, ranges inside the data that tile it exactly; any failure is
 * one {@link CheckpointException} naming the file and tensor. Values are then read tensor by tensor in
 * chunks ({@link #readTensors}), so reading needs the float arrays and one chunk, not a copy of the file,
 * and a file may exceed 2 GiB (each tensor fits one Java array).
 */
public final class SafeTensors {
  private SafeTensors() {}

  /** Largest header accepted when reading (the format's own limit is 100 MB). */
  static final long MAX_HEADER = 100L << 20;

  /** What a file holds: tensors in file order and the metadata. */
  public record Contents(Map<String, TensorData> tensors, Map<String, String> metadata) {}

  // ---- writing ----------------------------------------------------------------------------------

  /** Writes {@code tensors} (in map order) as F32 with {@code metadata} (may be empty or null), atomically. */
  public static void write(Path file, Map<String, TensorData> tensors, Map<String, String> metadata) throws IOException {
    Map<String, Object> header = new LinkedHashMap<>();
    if (metadata != null && !metadata.isEmpty()) header.put("__metadata__", new LinkedHashMap<>(metadata));
    long offset = 0;
    for (Map.Entry<String, TensorData> e : tensors.entrySet()) {
      if (e.getKey().equals("__metadata__")) throw new IllegalArgumentException("'__metadata__' cannot name a tensor");
      TensorData t = e.getValue();
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("dtype", "F32");
      List<Object> shape = new ArrayList<>();
      for (int d : t.shape()) shape.add((long) d);
      entry.put("shape", shape);
      long bytes = 4L * t.values().length;
      entry.put("data_offsets", List.of(offset, offset + bytes));
      offset += bytes;
      header.put(e.getKey(), entry);
    }
    byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
    int padded = (json.length + 7) / 8 * 8; // keep the tensor data 8-byte aligned, padding with spaces
    byte[] head = Arrays.copyOf(json, padded);
    Arrays.fill(head, json.length, padded, (byte) ' ');
    AtomicFiles.write(file, ch -> {
      ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
      len.flip();
      AtomicFiles.writeFully(ch, len);
      AtomicFiles.writeFully(ch, ByteBuffer.wrap(head));
      ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
      for (TensorData t : tensors.values()) {
        float[] v = t.values();
        int i = 0;
        while (i < v.length) {
          buf.clear();
          int n = Math.min(v.length - i, buf.capacity() / 4);
          buf.asFloatBuffer().put(v, i, n);
          buf.limit(n * 4);
          AtomicFiles.writeFully(ch, buf);
          i += n;
        }
      }
    });
  }

  // ---- reading ----------------------------------------------------------------------------------

  /**
   * One tensor of a header: its dtype, shape and byte range {@code [begin, end)} relative to the first
   * data byte.
   */
  public record Entry(String name, String dtype, int[] shape, long begin, long end) {
    /** Number of elements (the header check keeps it within one Java array). */
    public int count() { return (int) ((end - begin) / width(dtype)); }
  }

  /**
   * A validated header: the tensors in header order, the metadata, where the data start in the file
   * and how many data bytes follow. Every check of the format has passed; only the values remain to read.
   */
  public record Header(Map<String, Entry> entries, Map<String, String> metadata, long dataStart, long dataLength) {
    /** The bytes the tensors take as float arrays, the memory {@link #read} allocates. */
    public long floatBytes() {
      long n = 0;
      for (Entry e : entries.values()) n += 4L * e.count();
      return n;
    }
  }

  /** Reads and validates a whole file. */
  public static Contents read(Path file) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      Header h = header(file.toString(), ch);
      MemoryBudget.require(file + ": reading " + h.entries().size() + " tensors of " + MemoryBudget.format(h.dataLength())
          + " as float", h.floatBytes(), CheckpointException::new);
      return new Contents(Collections.unmodifiableMap(values(file.toString(), ch, h)), h.metadata());
    } catch (NoSuchFileException e) {
      throw new CheckpointException(file + ": no such file");
    } catch (IOException e) {
      throw new CheckpointException(file + ": cannot read (" + e.getMessage() + ")", e);
    }
  }

  /** Reads and validates the header of a file, without reading any tensor data. */
  public static Header readHeader(Path file) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      return header(file.toString(), ch);
    } catch (NoSuchFileException e) {
      throw new CheckpointException(file + ": no such file");
    } catch (IOException e) {
      throw new CheckpointException(file + ": cannot read (" + e.getMessage() + ")", e);
    }
  }

  /**
   * The values of every tensor of a file whose header is {@code h} ({@link #readHeader}),
   * each widened to float. The file is read tensor by tensor in chunks, so memory is the float arrays
   * plus one chunk, and files past 2 GiB are read like any other.
   */
  public static Map<String, TensorData> readTensors(Path file, Header h) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      if (ch.size() != h.dataStart() + h.dataLength()) {
        throw new CheckpointException(file + ": changed while it was read (" + ch.size() + " bytes, the header promised "
            + (h.dataStart() + h.dataLength()) + ")");
      }
      return values(file.toString(), ch, h);
    } catch (NoSuchFileException e) {
      throw new CheckpointException(file + ": no such file");
    } catch (IOException e) {
      throw new CheckpointException(file + ": cannot read (" + e.getMessage() + ")", e);
    }
  }

  private static Header header(String what, FileChannel ch) throws IOException {
    long size = ch.size();
    if (size < 8) throw new CheckpointException(what + ": truncated (" + size + " bytes, no header length)");
    ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    readFully(what, ch, len, 0);
    long n = len.getLong(0);
    if (n <= 0 || n > MAX_HEADER || n > size - 8) {
      throw new CheckpointException(what + ": header length " + n + " is invalid for a file of " + size + " bytes (truncated or not safetensors)");
    }
    ByteBuffer hb = ByteBuffer.allocate((int) n);
    readFully(what, ch, hb, 8);
    return parseHeader(what, hb.array(), 8 + n, size - 8 - n);
  }

  private static void readFully(String what, FileChannel ch, ByteBuffer buf, long position) throws IOException {
    long at = position;
    while (buf.hasRemaining()) {
      int r = ch.read(buf, at);
      if (r < 0) throw new CheckpointException(what + ": ends at byte " + at + " while " + buf.remaining() + " more were expected (truncated?)");
      at += r;
    }
    buf.flip();
  }

  /** Reads every tensor of {@code h} from {@code ch}, in data order, through one reused chunk. */
  private static Map<String, TensorData> values(String what, FileChannel ch, Header h) throws IOException {
    List<Entry> byOffset = new ArrayList<>(h.entries().values());
    byOffset.sort((a, b) -> Long.compare(a.begin(), b.begin()));
    long largest = 0;
    for (Entry e : byOffset) largest = Math.max(largest, e.end() - e.begin());
    ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(CHUNK, Math.max(largest, 8))).order(ByteOrder.LITTLE_ENDIAN);
    Map<String, float[]> read = new java.util.HashMap<>();
    for (Entry e : byOffset) {
      float[] values = new float[e.count()];
      int width = width(e.dtype()), perChunk = chunk.capacity() / width, done = 0;
      while (done < values.length) {
        int n = Math.min(perChunk, values.length - done);
        chunk.clear().limit(n * width);
        readFully(what + ": tensor " + Text.quote(e.name()), ch, chunk, h.dataStart() + e.begin() + (long) done * width);
        decode(e.dtype(), chunk, 0, values, done, n);
        done += n;
      }
      read.put(e.name(), values);
    }
    Map<String, TensorData> tensors = new LinkedHashMap<>();
    for (Entry e : h.entries().values()) tensors.put(e.name(), new TensorData(e.shape(), read.get(e.name())));
    return tensors;
  }

  /** Bytes read at a time: small enough to cost nothing beside the floats, large enough for few system calls. */
  static final int CHUNK = 1 << 20;

  /** Parses safetensors bytes held in memory; {@code what} names the source in messages. */
  static Contents parse(String what, ByteBuffer all) {
    all.order(ByteOrder.LITTLE_ENDIAN);
    long size = all.remaining();
    if (size < 8) throw new CheckpointException(what + ": truncated (" + size + " bytes, no header length)");
    long n = all.getLong(0);
    if (n <= 0 || n > MAX_HEADER || n > size - 8) {
      throw new CheckpointException(what + ": header length " + n + " is invalid for a file of " + size + " bytes (truncated or not safetensors)");
    }
    byte[] hb = new byte[(int) n];
    all.position(8);
    all.get(hb);
    Header h = parseHeader(what, hb, 8 + n, size - 8 - n);
    Map<String, TensorData> tensors = new LinkedHashMap<>();
    for (Entry e : h.entries().values()) {
      float[] values = new float[e.count()];
      decode(e.dtype(), all, (int) (h.dataStart() + e.begin()), values, 0, values.length);
      tensors.put(e.name(), new TensorData(e.shape(), values));
    }
    return new Contents(Collections.unmodifiableMap(tensors), h.metadata());
  }

  /** Bytes per element of a dtype this reader takes (F32, F64, F16, BF16), or 0 for any other. */
  static int width(String dtype) {
    switch (dtype) {
      case "F32": return 4;
      case "F64": return 8;
      case "F16": case "BF16": return 2;
      default: return 0;
    }
  }

  /** {@code n} little-endian values of {@code dtype} from {@code src} at byte {@code at}, as floats into {@code dst[off..]}. */
  private static void decode(String dtype, ByteBuffer src, int at, float[] dst, int off, int n) {
    switch (dtype) {
      case "F32": for (int i = 0; i < n; i++) dst[off + i] = src.getFloat(at + 4 * i); break;
      case "F64": for (int i = 0; i < n; i++) dst[off + i] = (float) src.getDouble(at + 8 * i); break;
      case "F16": for (int i = 0; i < n; i++) dst[off + i] = Float.intBitsToFloat(halfToFloatBits(src.getShort(at + 2 * i))); break;
      default: for (int i = 0; i < n; i++) dst[off + i] = Float.intBitsToFloat((src.getShort(at + 2 * i) & 0xffff) << 16); break;
    }
  }

  /**
   * Validates a header's JSON against the data that follow it ({@code dataLen} bytes from
   * {@code dataStart}): strict JSON, string metadata, known dtypes, shapes matching byte ranges, ranges
   * inside the data that tile it exactly, and a known {@code focus_format}.
   */
  @SuppressWarnings("unchecked")
  static Header parseHeader(String what, byte[] json, long dataStart, long dataLen) {
    Map<String, Object> header;
    try {
      header = Json.parseObject(new String(json, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new CheckpointException(what + ": corrupt header (" + e.getMessage() + ")", e);
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    Map<String, Entry> entries = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : header.entrySet()) {
      String name = e.getKey();
      if (name.equals("__metadata__")) {
        if (!(e.getValue() instanceof Map)) throw new CheckpointException(what + ": __metadata__ is not an object");
        for (Map.Entry<String, Object> m : ((Map<String, Object>) e.getValue()).entrySet()) {
          if (!(m.getValue() instanceof String)) {
            throw new CheckpointException(what + ": __metadata__ value of '" + Text.quote(m.getKey()) + "' is not a string");
          }
          metadata.put(m.getKey(), (String) m.getValue());
        }
        continue;
      }
      String where = what + ": tensor " + Text.quote(name);
      if (!(e.getValue() instanceof Map)) throw new CheckpointException(where + ": header entry is not an object");
      Map<String, Object> t = (Map<String, Object>) e.getValue();
      Object dtypeObj = t.get("dtype");
      if (!(dtypeObj instanceof String)) throw new CheckpointException(where + ": missing dtype");
      String dtype = (String) dtypeObj;
      int width = width(dtype);
      if (width == 0) throw new CheckpointException(where + ": unsupported dtype " + Text.quote(dtype) + " (F32, F64, F16, BF16 are read)");
      int[] shape = intList(t.get("shape"), where + ": shape");
      long count = 1;
      for (int d : shape) {
        if (d < 0) throw new CheckpointException(where + ": negative dimension in shape " + Arrays.toString(shape));
        count *= d;
        if (count > Integer.MAX_VALUE) throw new CheckpointException(where + ": shape " + Arrays.toString(shape) + " too large");
      }
      Object offs = t.get("data_offsets");
      if (!(offs instanceof List) || ((List<Object>) offs).size() != 2) {
        throw new CheckpointException(where + ": data_offsets must be [begin, end]");
      }
      long begin = longValue(((List<Object>) offs).get(0), where), end = longValue(((List<Object>) offs).get(1), where);
      if (begin < 0 || end < begin || end > dataLen) {
        throw new CheckpointException(where + ": data_offsets [" + begin + ", " + end + "] outside the " + dataLen
            + " data bytes (file truncated?)");
      }
      if (end - begin != count * width) {
        throw new CheckpointException(where + ": " + (end - begin) + " bytes but shape " + Arrays.toString(shape)
            + " of " + dtype + " needs " + count * width);
      }
      entries.put(name, new Entry(name, dtype, shape, begin, end));
    }
    // The tensors must tile the data exactly, as the format's own reader requires: a gap or bytes after
    // the last tensor are data no tensor owns (a truncated rewrite, an appended payload), an overlap two
    // tensors sharing bytes.
    List<Entry> order = new ArrayList<>(entries.values());
    order.sort((a, b) -> a.begin() != b.begin() ? Long.compare(a.begin(), b.begin()) : Long.compare(a.end(), b.end()));
    long at = 0;
    String before = null;
    for (Entry e : order) {
      if (e.begin() < at) throw new CheckpointException(what + ": tensor " + Text.quote(e.name()) + " overlaps tensor " + Text.quote(before));
      if (e.begin() > at) {
        throw new CheckpointException(what + ": " + (e.begin() - at) + " bytes at data offset " + at + " belong to no tensor (a gap before tensor "
            + Text.quote(e.name()) + ")");
      }
      at = e.end();
      before = e.name();
    }
    if (at != dataLen) {
      throw new CheckpointException(what + ": " + (dataLen - at) + " bytes after the last tensor belong to no tensor (trailing data)");
    }
    String format = metadata.get(Checkpoint.FORMAT_KEY);
    if (format != null && !NamedTensors.FORMATS.contains(format)) {
      throw new CheckpointException(what + ": " + Checkpoint.FORMAT_KEY + "=" + Text.quote(format, 40) + " is not a format this build reads ("
          + String.join(", ", NamedTensors.FORMATS) + ")");
    }
    return new Header(Collections.unmodifiableMap(entries), Collections.unmodifiableMap(metadata), dataStart, dataLen);
  }

  /** IEEE half → float bits (subnormals, infinities and NaN included). */
  static int halfToFloatBits(short h) {
    int s = (h & 0x8000) << 16, e = (h >>> 10) & 0x1f, m = h & 0x3ff;
    if (e == 0x1f) return s | 0x7f800000 | (m << 13);
    if (e == 0) {
      if (m == 0) return s;
      while ((m & 0x400) == 0) {
        m <<= 1;
        e--;
      }
      e++;
      m &= 0x3ff;
    }
    return s | ((e + 112) << 23) | (m << 13);
  }

  @SuppressWarnings("unchecked")
  private static int[] intList(Object o, String where) {
    if (!(o instanceof List)) throw new CheckpointException(where + " must be a list of integers");
    List<Object> l = (List<Object>) o;
    int[] out = new int[l.size()];
    for (int i = 0; i < out.length; i++) {
      long v = longValue(l.get(i), where);
      if (v > Integer.MAX_VALUE) throw new CheckpointException(where + " has dimension " + v + " beyond 2^31-1");
      out[i] = (int) v;
    }
    return out;
  }

  private static long longValue(Object o, String where) {
    if (!(o instanceof Long)) throw new CheckpointException(where + ": expected an integer, got " + Text.quote(Json.write(o)));
    return (Long) o;
  }
}
