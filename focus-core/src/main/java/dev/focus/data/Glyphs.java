package dev.focus.data;

import java.util.SplittableRandom;

/**
 * Procedural 16×16 images with captions (spec 02 §4.1, "G16"), deterministic in (seed, index) and
 * unlimited in number. Three kinds:
 *
 * <ul>
 *   <li>{@link Kind#SHAPES}: RGB, 256 levels; one of {square, circle, triangle, cross} in one of six
 *       palette colours, inside one quadrant (a 6×6 box jittered by 0–1 px) on black.
 *       Caption: {@code red circle top left}.
 *   <li>{@link Kind#READ}: grey, 256 levels; two digits from a fixed 3×5 bitmap font, one in each
 *       half at a random offset, foreground level from {160, 192, 224, 255}. Caption: {@code 47}.
 *       A detail task: the caption depends on a few pixels.
 *   <li>{@link Kind#COUNT}: grey; 0–15 single-pixel dots (level 255) at distinct positions.
 *       Caption: the count, e.g. {@code 7}.
 * </ul>
 */
public final class Glyphs {
  private Glyphs() {}

  public enum Kind { SHAPES, READ, COUNT }

  /** An image with its caption. */
  public record Captioned(PixelImage image, String caption) {}

  public static final int SIZE = 16;
  public static final String[] SHAPES = {"square", "circle", "triangle", "cross"};
  public static final String[] COLOURS = {"red", "green", "blue", "yellow", "magenta", "cyan"};
  /** RGB of each colour in {@link #COLOURS}. */
  public static final int[][] PALETTE = {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {255, 255, 0}, {255, 0, 255}, {0, 255, 255}};
  public static final String[] QUADRANTS = {"top left", "top right", "bottom left", "bottom right"};
  /** Foreground levels of {@link Kind#READ}. */
  public static final int[] READ_LEVELS = {160, 192, 224, 255};

  /** 3×5 digit font, rows top to bottom, 3 bits per row (MSB = left). */
  static final int[][] FONT = {
      {7, 5, 5, 5, 7}, {2, 6, 2, 2, 7}, {7, 1, 7, 4, 7}, {7, 1, 7, 1, 7}, {5, 5, 7, 1, 1},
      {7, 4, 7, 1, 7}, {7, 4, 7, 5, 7}, {7, 1, 2, 2, 2}, {7, 5, 7, 5, 7}, {7, 5, 7, 1, 7}};

  /** 6×6 masks of the four shapes. */
  static boolean inShape(int shape, int y, int x) {
    return switch (shape) {
      case 0 -> true;                                                   // filled square
      case 1 -> (x - 2.5) * (x - 2.5) + (y - 2.5) * (y - 2.5) <= 7.5;  // disc
      case 2 -> Math.abs(x - 2.5) <= (y + 1) / 2.0;                     // triangle, apex up
      default -> x == 2 || x == 3 || y == 2 || y == 3;                  // plus-shaped cross
    };
  }

  /** Example {@code index} of {@code kind} for {@code seed}. */
  public static Captioned generate(Kind kind, long seed, long index) {
    SplittableRandom rng = new SplittableRandom(Seeds.mix(Seeds.mix(seed ^ (0x474C5950L + kind.ordinal())) + index));
    return switch (kind) {
      case SHAPES -> shapes(rng);
      case READ -> read(rng);
      case COUNT -> count(rng);
    };
  }

  private static Captioned shapes(SplittableRandom rng) {
    int shape = rng.nextInt(SHAPES.length), colour = rng.nextInt(COLOURS.length), quad = rng.nextInt(4);
    int oy = (quad / 2) * 8 + 1 + rng.nextInt(2), ox = (quad % 2) * 8 + 1 + rng.nextInt(2);
    int[] px = new int[SIZE * SIZE * 3];
    for (int y = 0; y < 6; y++) {
      for (int x = 0; x < 6; x++) {
        if (!inShape(shape, y, x)) continue;
        int o = ((oy + y) * SIZE + ox + x) * 3;
        for (int c = 0; c < 3; c++) px[o + c] = PALETTE[colour][c];
      }
    }
    return new Captioned(new PixelImage(SIZE, SIZE, 3, 256, px), COLOURS[colour] + " " + SHAPES[shape] + " " + QUADRANTS[quad]);
  }

  private static Captioned read(SplittableRandom rng) {
    int a = rng.nextInt(10), b = rng.nextInt(10), level = READ_LEVELS[rng.nextInt(READ_LEVELS.length)];
    int[] px = new int[SIZE * SIZE];
    int[] digits = {a, b};
    for (int k = 0; k < 2; k++) {
      int ox = k * 8 + rng.nextInt(6), oy = rng.nextInt(SIZE - 5 + 1);
      for (int y = 0; y < 5; y++) {
        for (int x = 0; x < 3; x++) {
          if ((FONT[digits[k]][y] >> (2 - x) & 1) != 0) px[(oy + y) * SIZE + ox + x] = level;
        }
      }
    }
    return new Captioned(new PixelImage(SIZE, SIZE, 1, 256, px), "" + a + b);
  }

  private static Captioned count(SplittableRandom rng) {
    int n = rng.nextInt(16);
    int[] px = new int[SIZE * SIZE];
    int[] cells = SyntheticTask.sampleDistinct(rng, 0, SIZE * SIZE, n);
    for (int c : cells) px[c] = 255;
    return new Captioned(new PixelImage(SIZE, SIZE, 1, 256, px), Integer.toString(n));
  }
}
