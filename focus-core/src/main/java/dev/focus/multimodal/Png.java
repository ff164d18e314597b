package dev.focus.multimodal;

import dev.focus.data.PixelImage;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import javax.imageio.ImageIO;

/** Writes {@link PixelImage}s as PNG files (levels rescaled to 0..255, nearest-neighbour upscaling). */
public final class Png {
  private Png() {}

  /** Writes one image, each pixel drawn as a {@code scale}×{@code scale} block; the file appears atomically. */
  public static void write(PixelImage image, Path file, int scale) throws IOException {
    write(contactSheet(List.of(image), 1, scale, 0), file);
  }

  /** A grid of equally sized images, {@code columns} per row, with {@code gap} black pixels between them. */
  public static BufferedImage contactSheet(List<PixelImage> images, int columns, int scale, int gap) {
    if (images.isEmpty()) throw new IllegalArgumentException("no images for a contact sheet");
    if (scale < 1 || columns < 1 || gap < 0) throw new IllegalArgumentException("scale, columns must be >= 1 and gap >= 0");
    PixelImage first = images.get(0);
    int h = first.height() * scale, w = first.width() * scale;
    int rows = (images.size() + columns - 1) / columns;
    int cols = Math.min(columns, images.size());
    BufferedImage out = new BufferedImage(cols * w + (cols - 1) * gap, rows * h + (rows - 1) * gap, BufferedImage.TYPE_INT_RGB);
    for (int k = 0; k < images.size(); k++) {
      PixelImage im = images.get(k);
      if (im.height() != first.height() || im.width() != first.width()) {
        throw new IllegalArgumentException("contact sheet images differ in size: " + im + " vs " + first);
      }
      int ox = (k % columns) * (w + gap), oy = (k / columns) * (h + gap);
      for (int y = 0; y < im.height(); y++) {
        for (int x = 0; x < im.width(); x++) {
          int rgb = rgb(im, y, x);
          for (int dy = 0; dy < scale; dy++) for (int dx = 0; dx < scale; dx++) out.setRGB(ox + x * scale + dx, oy + y * scale + dy, rgb);
        }
      }
    }
    return out;
  }

  /** Writes a rendered image atomically. */
  public static void write(BufferedImage image, Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, ".png-", ".tmp");
    try {
      if (!ImageIO.write(image, "png", tmp.toFile())) throw new IOException("no PNG writer available");
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static int rgb(PixelImage im, int y, int x) {
    int max = im.levels() - 1;
    int r, g, b;
    if (im.channels() >= 3) {
      r = im.get(y, x, 0) * 255 / max;
      g = im.get(y, x, 1) * 255 / max;
      b = im.get(y, x, 2) * 255 / max;
    } else {
      r = g = b = im.get(y, x, 0) * 255 / max;
    }
    return (r << 16) | (g << 8) | b;
  }
}
