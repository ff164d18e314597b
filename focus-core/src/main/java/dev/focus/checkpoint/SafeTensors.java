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
 * ({@link AtomicFiles}). Reading validates everything before returning: header length, JSON, dtype,
 * shape against byte range, ranges inside the data and not overlapping; any failure is one
 * {@link CheckpointException} naming the file and tensor.
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

  /** Reads and validates a whole file. */
  public static Contents read(Path file) {
    ByteBuffer all;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size > Integer.MAX_VALUE) throw new CheckpointException(file + ": larger than 2 GiB is not supported");
      MemoryBudget.require(file + ": reading " + size + " bytes", 2 * size, CheckpointException::new); // the bytes, then as many in floats
      all = ByteBuffer.allocate((int) size);
      while (all.hasRemaining() && ch.read(all) >= 0) { /* fill */ }
      all.flip();
    } catch (NoSuchFileException e) {
      throw new CheckpointException(file + ": no such file");
    } catch (IOException e) {
      throw new CheckpointException(file + ": cannot read (" + e.getMessage() + ")", e);
    }
    return parse(file.toString(), all);
  }

  /** Parses safetensors bytes; {@code what} names the source in messages. */
  @SuppressWarnings("unchecked")
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
    Map<String, Object> header;
    try {
      header = Json.parseObject(new String(hb, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new CheckpointException(what + ": corrupt header (" + e.getMessage() + ")", e);
    }
    long dataStart = 8 + n, dataLen = size - dataStart;
    Map<String, String> metadata = new LinkedHashMap<>();
    Map<String, TensorData> tensors = new LinkedHashMap<>();
    List<long[]> ranges = new ArrayList<>();
    List<String> rangeNames = new ArrayList<>();
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
      int width;
      switch (dtype) {
        case "F32": width = 4; break;
        case "F64": width = 8; break;
        case "F16": case "BF16": width = 2; break;
        default: throw new CheckpointException(where + ": unsupported dtype " + Text.quote(dtype) + " (F32, F64, F16, BF16 are read)");
      }
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
      ranges.add(new long[] {begin, end});
      rangeNames.add(name);
      float[] values = new float[(int) count];
      int base = (int) (dataStart + begin);
      for (int i = 0; i < values.length; i++) {
        switch (dtype) {
          case "F32": values[i] = all.getFloat(base + 4 * i); break;
          case "F64": values[i] = (float) all.getDouble(base + 8 * i); break;
          case "F16": values[i] = Float.intBitsToFloat(halfToFloatBits(all.getShort(base + 2 * i))); break;
          default: values[i] = Float.intBitsToFloat((all.getShort(base + 2 * i) & 0xffff) << 16); break;
        }
      }
      tensors.put(name, new TensorData(shape, values));
    }
    // The tensors must tile the data exactly, as the format's own reader requires: a gap or bytes after
    // the last tensor are data no tensor owns (a truncated rewrite, an appended payload), an overlap two
    // tensors sharing bytes.
    Integer[] order = new Integer[ranges.size()];
    for (int i = 0; i < order.length; i++) order[i] = i;
    Arrays.sort(order, (a, b) -> ranges.get(a)[0] != ranges.get(b)[0] ? Long.compare(ranges.get(a)[0], ranges.get(b)[0])
        : Long.compare(ranges.get(a)[1], ranges.get(b)[1]));
    long at = 0;
    String before = null;
    for (Integer i : order) {
      long[] r = ranges.get(i);
      if (r[0] < at) throw new CheckpointException(what + ": tensor " + Text.quote(rangeNames.get(i)) + " overlaps tensor " + Text.quote(before));
      if (r[0] > at) {
        throw new CheckpointException(what + ": " + (r[0] - at) + " bytes at data offset " + at + " belong to no tensor (a gap before tensor "
            + Text.quote(rangeNames.get(i)) + ")");
      }
      at = r[1];
      before = rangeNames.get(i);
    }
    if (at != dataLen) {
      throw new CheckpointException(what + ": " + (dataLen - at) + " bytes after the last tensor belong to no tensor (trailing data)");
    }
    String format = metadata.get(Checkpoint.FORMAT_KEY);
    if (format != null && !NamedTensors.FORMATS.contains(format)) {
      throw new CheckpointException(what + ": " + Checkpoint.FORMAT_KEY + "=" + Text.quote(format, 40) + " is not a format this build reads ("
          + String.join(", ", NamedTensors.FORMATS) + ")");
    }
    return new Contents(Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(metadata));
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
