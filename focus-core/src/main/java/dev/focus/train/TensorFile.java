package dev.focus.train;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A minimal named-float-array file for training state (optimizer moments, stand-in weights).
 *
 * <pre>
 *   magic "FOCUSTF1" (8 bytes) · version int (1) · count int
 *   count × { name (modified UTF-8) · length int · length × float32 }      big-endian
 * </pre>
 * Writes are atomic (temp file in the same directory, then rename), so a crash never leaves a
 * half-written file under the final name. Model weights for other tools use safetensors
 * ({@code dev.focus.checkpoint}); this format is private to the trainer.
 */
public final class TensorFile {
  static final byte[] MAGIC = "FOCUSTF1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  static final int VERSION = 1;

  private TensorFile() {}

  /** Writes {@code tensors} to {@code file} atomically. */
  public static void write(Path file, Map<String, float[]> tensors) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
    try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16))) {
      out.write(MAGIC);
      out.writeInt(VERSION);
      out.writeInt(tensors.size());
      for (Map.Entry<String, float[]> e : tensors.entrySet()) {
        out.writeUTF(e.getKey());
        float[] x = e.getValue();
        out.writeInt(x.length);
        for (float f : x) out.writeInt(Float.floatToRawIntBits(f));
      }
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Reads a file written by {@link #write}, in its order. */
  public static Map<String, float[]> read(Path file) throws IOException {
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
      byte[] magic = new byte[MAGIC.length];
      in.readFully(magic);
      if (!java.util.Arrays.equals(magic, MAGIC)) throw new IOException(file + " is not a Focus tensor file (bad magic)");
      int version = in.readInt();
      if (version != VERSION) throw new IOException(file + ": tensor file version " + version + " is not supported (expected " + VERSION + ")");
      int n = in.readInt();
      Map<String, float[]> m = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        String name = in.readUTF();
        int len = in.readInt();
        if (len < 0) throw new IOException(file + ": tensor " + name + " has negative length " + len);
        float[] x = new float[len];
        for (int j = 0; j < len; j++) x[j] = Float.intBitsToFloat(in.readInt());
        m.put(name, x);
      }
      return m;
    } catch (EOFException e) {
      throw new IOException(file + " is truncated", e);
    }
  }

  /** Copies tensor {@code name} of {@code m} into {@code dst}, checking presence and length. */
  public static void copyInto(Map<String, float[]> m, String name, float[] dst) throws IOException {
    float[] src = m.get(name);
    if (src == null) throw new IOException("tensor " + name + " is missing from the file");
    if (src.length != dst.length) throw new IOException("tensor " + name + " has " + src.length + " values, expected " + dst.length);
    System.arraycopy(src, 0, dst, 0, src.length);
  }
}
