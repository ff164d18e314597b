package dev.focus.fuzz;

import dev.focus.checkpoint.SafeTensors;
import dev.focus.checkpoint.TensorData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The safetensors reader ({@link SafeTensors#read}) on arbitrary file bytes. */
class SafeTensorsFuzzTest extends FuzzTarget {
  private Path dir;

  @Override
  void accept(byte[] input) throws Exception {
    if (dir == null) dir = scratch("safetensors");
    Path f = dir.resolve("model.safetensors");
    Files.write(f, input);
    SafeTensors.read(f);
  }

  @Override
  List<byte[]> seeds() throws Exception {
    Path d = scratch("safetensors-seeds");
    Map<String, TensorData> t = new LinkedHashMap<>();
    t.put("a", new TensorData(new int[] {2, 3}, new float[] {1, -2, 3.5f, 0, Float.MIN_VALUE, 1e30f}));
    t.put("b", new TensorData(new int[] {1}, new float[] {0.25f}));
    t.put("empty", new TensorData(new int[] {0, 4}, new float[0]));
    SafeTensors.write(d.resolve("x"), t, Map.of("format", "pt", "focus_format", "focus-model", "focus_format_version", "1"));
    List<byte[]> seeds = new ArrayList<>();
    seeds.add(Files.readAllBytes(d.resolve("x")));
    // The other dtypes the reader widens or narrows, written by hand (8-byte length, JSON, data).
    seeds.add(raw("{\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]},\"g\":{\"dtype\":\"BF16\",\"shape\":[1],"
        + "\"data_offsets\":[4,6]},\"d\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[6,14]}}", 14));
    seeds.add(raw("{\"__metadata__\":{\"k\":\"v\"}}", 0));
    return seeds;
  }

  private static byte[] raw(String header, int dataBytes) {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[8 + h.length + dataBytes];
    for (int i = 0; i < 8; i++) out[i] = (byte) ((long) h.length >>> (8 * i));
    System.arraycopy(h, 0, out, 8, h.length);
    for (int i = 0; i < dataBytes; i++) out[8 + h.length + i] = (byte) (0x3c + i);
    return out;
  }
}
