package dev.focus.checkpoint;

import dev.focus.io.MemoryBudget;
import dev.focus.io.Text;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The weights of a checkpoint directory, in either layout Hugging Face writes: one
 * {@code model.safetensors}, or shards {@code model-0000i-of-0000n.safetensors} listed by
 * {@code model.safetensors.index.json} ({@code {"metadata": {...}, "weight_map": {tensor: shard}}}).
 *
 * <p>Every header is read and cross-checked before any value is: the index must be one strict JSON
 * object naming each tensor once ({@link Json} refuses a repeated key), every shard it names must exist
 * in the directory (plain file names only), shards numbered {@code i-of-n} must all be there with the
 * same n, every tensor a shard holds must be listed for that shard and for no other, and every tensor
 * listed must be in its shard. Any failure is one {@link CheckpointException} line naming the file and
 * the tensor. The values are then read shard by shard ({@link SafeTensors#readTensors}) and widened to
 * float: memory is 4 bytes per parameter plus one read chunk.
 */
public final class WeightFiles {
  private WeightFiles() {}

  /** The index of a sharded checkpoint. */
  public static final String INDEX = "model.safetensors.index.json";

  /** The shard names Hugging Face writes: 1-based index and count, five digits each. */
  private static final Pattern SHARD = Pattern.compile("model-(\\d+)-of-(\\d+)\\.safetensors");

  /** Where one tensor is stored: its file and header entry. */
  public record Location(Path file, SafeTensors.Entry entry) {}

  /**
   * The cross-checked headers of a directory's weights: each tensor's location (in file order), each
   * file's metadata, and the file that lists them (model.safetensors or the index).
   */
  public record Layout(Path listing, Map<String, Location> tensors, Map<Path, Map<String, String>> metadata) {
    /** The weight files, in order. */
    public List<Path> files() { return List.copyOf(metadata.keySet()); }

    /** Bytes of tensor data on disk. */
    public long storedBytes() {
      long n = 0;
      for (Location l : tensors.values()) n += l.entry().end() - l.entry().begin();
      return n;
    }

    /** Elements per stored dtype, e.g. {BF16=22560}. */
    public Map<String, Long> elementsByDtype() {
      Map<String, Long> m = new TreeMap<>();
      for (Location l : tensors.values()) m.merge(l.entry().dtype(), (long) l.entry().count(), Long::sum);
      return m;
    }

    /** The values of every tensor, widened to float, in {@link #tensors} order. */
    public Map<String, TensorData> read() {
      long bytes = 0;
      for (Location l : tensors.values()) bytes += 4L * l.entry().count();
      MemoryBudget.require(listing + ": " + tensors.size() + " tensors as float", bytes, CheckpointException::new);
      Map<String, TensorData> all = new LinkedHashMap<>();
      for (Path f : metadata.keySet()) {
        all.putAll(SafeTensors.readTensors(f, SafeTensors.readHeader(f)));
      }
      Map<String, TensorData> ordered = new LinkedHashMap<>();
      for (String name : tensors.keySet()) ordered.put(name, all.get(name));
      return Collections.unmodifiableMap(ordered);
    }
  }

  /**
   * The weights of checkpoint directory {@code dir}: {@code dir/model.safetensors}, or the shards of
   * {@code dir/model.safetensors.index.json}; a directory with both, or neither, is refused.
   */
  public static Layout locate(Path dir) {
    Path single = dir.resolve(Checkpoint.WEIGHTS), index = dir.resolve(INDEX);
    boolean hasSingle = Files.exists(single), hasIndex = Files.exists(index);
    if (hasSingle && hasIndex) {
      throw new CheckpointException(dir + ": holds both " + Checkpoint.WEIGHTS + " and " + INDEX
          + " (two sets of weights, one of them stale); keep one");
    }
    if (!hasIndex) {
      if (!hasSingle) throw new CheckpointException(single + ": no such file (nor a sharded checkpoint's " + INDEX + ")");
      SafeTensors.Header h = SafeTensors.readHeader(single);
      Map<String, Location> where = new LinkedHashMap<>();
      for (SafeTensors.Entry e : h.entries().values()) where.put(e.name(), new Location(single, e));
      return new Layout(single, Collections.unmodifiableMap(where), Map.of(single, h.metadata()));
    }
    return sharded(dir, index);
  }

  private static Layout sharded(Path dir, Path index) {
    Map<String, String> map = weightMap(index);
    // shard names: plain file names in this directory; numbered ones must form a complete set 1..n
    Map<String, Path> shards = new LinkedHashMap<>();
    TreeSet<Integer> numbers = new TreeSet<>();
    Integer count = null;
    for (String shard : new TreeSet<>(map.values())) {
      // printable and at most a file name's 255 characters, so that later messages may name it as it is
      if (shard.length() > 255 || !Text.isOneLine(shard) || shard.contains("/") || shard.contains("\\") || shard.equals(".")
          || shard.equals("..") || !shard.endsWith(".safetensors")) {
        throw new CheckpointException(index + ": shard " + Text.quote(shard, 80) + " is not a .safetensors file name in the checkpoint directory");
      }
      Matcher m = SHARD.matcher(shard);
      if (m.matches() && m.group(1).length() < 10 && m.group(2).length() < 10) {
        int i = Integer.parseInt(m.group(1)), n = Integer.parseInt(m.group(2));
        if (count != null && n != count) throw new CheckpointException(index + ": shards of " + count + " and of " + n + " files are mixed (" + shard + ")");
        if (i < 1 || i > n) throw new CheckpointException(index + ": shard " + shard + " is numbered outside 1.." + n);
        count = n;
        numbers.add(i);
      }
      shards.put(shard, dir.resolve(shard));
    }
    if (count != null && numbers.size() != count) {
      for (int i = 1; i <= count; i++) {
        if (!numbers.contains(i)) {
          throw new CheckpointException(index + ": no tensor is listed in shard " + i + " of " + count + " ("
              + String.format(Locale.ROOT, "model-%05d-of-%05d.safetensors", i, count) + "): the index is incomplete");
        }
      }
    }
    for (Map.Entry<String, Path> s : shards.entrySet()) {
      if (!Files.isRegularFile(s.getValue())) {
        String tensor = map.entrySet().stream().filter(e -> e.getValue().equals(s.getKey())).findFirst().map(Map.Entry::getKey).orElse("");
        throw new CheckpointException(s.getValue() + ": no such file (" + INDEX + " lists " + Text.quote(tensor) + " in it); the checkpoint is missing a shard");
      }
    }
    // every tensor of every shard: listed there and nowhere else
    Map<Path, Map<String, String>> metadata = new LinkedHashMap<>();
    Map<String, Location> found = new LinkedHashMap<>();
    for (Map.Entry<String, Path> s : shards.entrySet()) {
      SafeTensors.Header h = SafeTensors.readHeader(s.getValue());
      metadata.put(s.getValue(), h.metadata());
      for (SafeTensors.Entry e : h.entries().values()) {
        Location before = found.put(e.name(), new Location(s.getValue(), e));
        if (before != null) {
          throw new CheckpointException(s.getValue() + ": tensor " + Text.quote(e.name()) + " is also in " + before.file().getFileName()
              + " (each tensor must be stored once)");
        }
        String listed = map.get(e.name());
        if (!s.getKey().equals(listed)) {
          throw new CheckpointException(s.getValue() + ": tensor " + Text.quote(e.name()) + " is "
              + (listed == null ? "not listed in " + INDEX : "listed in " + INDEX + " under " + Text.quote(listed, 80)));
        }
      }
    }
    Map<String, Location> ordered = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : map.entrySet()) {
      Location l = found.get(e.getKey());
      if (l == null) {
        throw new CheckpointException(dir.resolve(e.getValue()) + ": holds no tensor " + Text.quote(e.getKey()) + " although " + INDEX
            + " lists it there");
      }
      ordered.put(e.getKey(), l);
    }
    return new Layout(index, Collections.unmodifiableMap(ordered), Collections.unmodifiableMap(metadata));
  }

  /** The index's weight_map, tensor → shard file name, in file order. */
  @SuppressWarnings("unchecked")
  private static Map<String, String> weightMap(Path index) {
    Map<String, Object> json = Checkpoint.readJson(index); // a repeated tensor name is a duplicate key: refused there
    Object wm = json.get("weight_map");
    if (!(wm instanceof Map) || ((Map<String, Object>) wm).isEmpty()) {
      throw new CheckpointException(index + ": weight_map must be a non-empty object of tensor name to shard file");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : ((Map<String, Object>) wm).entrySet()) {
      if (!(e.getValue() instanceof String s)) {
        throw new CheckpointException(index + ": weight_map entry " + Text.quote(e.getKey(), 80) + " is not a file name");
      }
      out.put(e.getKey(), s);
    }
    return out;
  }

  /** Every tensor is stored as {@code dtype} (when not null): a file whose tensors disagree with config.json's dtype is refused. */
  static void requireDtype(Layout layout, String dtype, String configField) {
    if (dtype == null) return;
    for (Map.Entry<String, Location> e : layout.tensors().entrySet()) {
      String got = e.getValue().entry().dtype();
      if (!got.equals(dtype)) {
        throw new CheckpointException(e.getValue().file() + ": tensor " + Text.quote(e.getKey()) + " is " + got + " but config.json's "
            + configField + " says the weights are " + dtype);
      }
    }
  }

  /** One line for people: files, parameters, stored dtype and bytes, and the bytes as float in memory. */
  public static String describe(Layout layout) {
    long elements = 0;
    List<String> parts = new ArrayList<>();
    for (Map.Entry<String, Long> e : layout.elementsByDtype().entrySet()) {
      elements += e.getValue();
      parts.add(e.getKey());
    }
    List<Path> files = layout.files();
    String where = files.size() == 1 ? files.get(0).getFileName().toString() : files.size() + " shards";
    return String.format(Locale.ROOT, "%s: %,d parameters stored as %s (%s), widened to F32 (%s in memory)", where, elements,
        String.join("+", parts), MemoryBudget.format(layout.storedBytes()), MemoryBudget.format(4 * elements));
  }
}
