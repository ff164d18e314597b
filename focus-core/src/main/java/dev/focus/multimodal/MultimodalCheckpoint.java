package dev.focus.multimodal;

import dev.focus.train.TensorFile;
import dev.focus.train.Trainable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A multimodal run's model on disk: {@code mm-config.json} (the {@link MultimodalConfig} plus the
 * image geometry it was trained on) beside the trainer's {@code checkpoint/params.bin}. Loading
 * validates everything before building the model, so a bad file never yields a half-loaded model.
 */
public final class MultimodalCheckpoint {
  public static final String CONFIG_FILE = "mm-config.json";

  /** Image geometry of the training data. */
  public record Geometry(String data, int patch, int height, int width, int channels, int levels) {}

  /** A loaded model with its geometry. */
  public record Loaded(MultimodalModel model, Geometry geometry) {}

  private MultimodalCheckpoint() {}

  /** Writes mm-config.json into {@code runDir} atomically. */
  public static void writeConfig(Path runDir, MultimodalConfig c, Geometry g) throws IOException {
    String json = String.format(Locale.ROOT, "{\n  \"format\": \"focus-multimodal\",\n  \"version\": 1,\n"
            + "  \"hidden\": %d,\n  \"layers\": %d,\n  \"heads\": %d,\n  \"intermediate\": %d,\n  \"vocab\": %d,\n"
            + "  \"patch_dim\": %d,\n  \"time_features\": %d,\n  \"position\": \"%s\",\n  \"rope_base\": %s,\n"
            + "  \"target\": \"%s\",\n  \"image_weight\": %s,\n  \"context\": %d,\n  \"init_std\": %s,\n  \"vq_codes\": %d,\n"
            + "  \"data\": \"%s\",\n  \"patch\": %d,\n  \"height\": %d,\n  \"width\": %d,\n  \"channels\": %d,\n  \"levels\": %d\n}\n",
        c.hidden(), c.layers(), c.heads(), c.intermediate(), c.vocab(), c.patchDim(), c.timeFeatures(), c.position(),
        Double.toString(c.ropeBase()), c.target(), Double.toString(c.imageWeight()), c.context(), Double.toString(c.initStd()),
        c.vqCodes(), g.data(), g.patch(), g.height(), g.width(), g.channels(), g.levels());
    Files.createDirectories(runDir);
    Path tmp = Files.createTempFile(runDir, ".mm-config-", ".tmp");
    Files.writeString(tmp, json, StandardCharsets.UTF_8);
    Files.move(tmp, runDir.resolve(CONFIG_FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Loads the model of a run directory (mm-config.json + checkpoint/params.bin). */
  public static Loaded load(Path runDir) throws IOException {
    Path cfgFile = runDir.resolve(CONFIG_FILE), params = runDir.resolve("checkpoint").resolve("params.bin");
    if (!Files.isRegularFile(cfgFile)) {
      throw new NoSuchFileException(cfgFile + " (not a multimodal run: train one with focus train --preset mm-tiny --data digits)");
    }
    String j = Files.readString(cfgFile, StandardCharsets.UTF_8);
    if (!"focus-multimodal".equals(str(j, "format", cfgFile))) throw new IOException(cfgFile + " is not a Focus multimodal config");
    MultimodalConfig c;
    Geometry g;
    try {
      c = new MultimodalConfig(num(j, "hidden", cfgFile), num(j, "layers", cfgFile), num(j, "heads", cfgFile),
          num(j, "intermediate", cfgFile), num(j, "vocab", cfgFile), num(j, "patch_dim", cfgFile), num(j, "time_features", cfgFile),
          str(j, "position", cfgFile), Double.parseDouble(str(j, "rope_base", cfgFile)),
          NoisePredictor.Target.valueOf(str(j, "target", cfgFile)), Double.parseDouble(str(j, "image_weight", cfgFile)),
          num(j, "context", cfgFile), Double.parseDouble(str(j, "init_std", cfgFile)), num(j, "vq_codes", cfgFile));
      g = new Geometry(str(j, "data", cfgFile), num(j, "patch", cfgFile), num(j, "height", cfgFile), num(j, "width", cfgFile),
          num(j, "channels", cfgFile), num(j, "levels", cfgFile));
    } catch (IllegalArgumentException e) {
      throw new IOException(cfgFile + ": " + e.getMessage(), e);
    }
    if (!Files.isRegularFile(params)) throw new NoSuchFileException(params + " (the run has no checkpoint yet)");
    Map<String, float[]> w = TensorFile.read(params);
    MultimodalModel model = new MultimodalModel(c, 0);
    for (Trainable.Param p : model.params()) TensorFile.copyInto(w, p.name(), p.value());
    return new Loaded(model, g);
  }

  private static String str(String json, String key, Path file) throws IOException {
    Matcher m = Pattern.compile("\"" + key + "\"\\s*:\\s*\"?([^,\"}\\n]*)").matcher(json);
    if (!m.find()) throw new IOException(file + " has no field \"" + key + "\"");
    return m.group(1).trim();
  }

  private static int num(String json, String key, Path file) throws IOException {
    String s = str(json, key, file);
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw new IOException(file + ": field \"" + key + "\" = " + s + " is not an integer");
    }
  }
}
