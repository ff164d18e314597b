package dev.focus.cli;

import dev.focus.io.OutputDir;
import dev.focus.multimodal.MultimodalCheckpoint;
import dev.focus.multimodal.MultimodalInference;
import dev.focus.data.PixelImage;
import dev.focus.multimodal.Png;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code focus generate --checkpoint DIR "a 3"}: text → image with a multimodal run. The model
 * writes text after the prompt until it emits [IMG] (forced otherwise), all patches are denoised in
 * parallel by DDIM, and the model then reads its own image back and captions it. Writes one PNG per sample and a
 * contact sheet, and prints what it wrote.
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
    description = "Generate images from a multimodal checkpoint (DDIM on the patch tokens).")
public final class GenerateCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin Options.Checkpoint checkpoint;

  @Parameters(index = "0", paramLabel = "PROMPT", description = "Caption prompt, e.g. \"digit three\" (a-z, 0-9, space).") String prompt;

  @Option(names = "--count", defaultValue = "8", description = "Number of samples (default ${DEFAULT-VALUE}).") int count;

  @Option(names = "--steps", defaultValue = "20", description = "DDIM steps K, 2..1000 (default ${DEFAULT-VALUE}).") int steps;

  @Mixin Options.SamplingSeed seed;

  @Option(names = "--scale", defaultValue = "8", description = "PNG pixels per image pixel (default ${DEFAULT-VALUE}).") int scale;

  @Option(names = "--out", defaultValue = "generated", description = "Output directory: new, empty, or an earlier output of generate (default ${DEFAULT-VALUE}).") Path out;


  @Override
  public Integer call() throws Exception {
    if (count < 1 || count > 1000) throw new IllegalArgumentException("--count=" + count + " must be in 1..1000");
    if (scale < 1 || scale > 64) throw new IllegalArgumentException("--scale=" + scale + " must be in 1..64");
    OutputDir.check(out, OutputDir.IMAGES);
    MultimodalCheckpoint.Loaded loaded = MultimodalCheckpoint.load(checkpoint.dir);
    MultimodalCheckpoint.Geometry g = loaded.geometry();
    MultimodalInference inf = new MultimodalInference(loaded.model(), g.patch(), g.channels(), g.levels());
    List<PixelImage> images = new ArrayList<>();
    var o = spec.commandLine().getOut();
    for (int i = 0; i < count; i++) {
      MultimodalInference.Generation gen = inf.generate(prompt, g.height(), g.width(), steps, seed.value + i, 24);
      images.add(gen.image());
      Path file = out.resolve(String.format("sample-%03d.png", i));
      Png.write(gen.image(), file, scale);
      // The model reads its own image back, as in image→text training: [BOS] [IMG] image [/IMG] → caption.
      o.printf("%s\tseed=%d\tthe model captions its image: \"%s\"%n", file, seed.value + i, inf.caption(gen.image(), 24));
    }
    Path sheet = out.resolve("contact-sheet.png");
    Png.write(Png.contactSheet(images, Math.min(8, count), scale, scale), sheet);
    o.println(sheet);
    o.flush();
    return 0;
  }
}
