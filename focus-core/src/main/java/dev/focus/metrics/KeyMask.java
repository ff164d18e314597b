package dev.focus.metrics;

/**
 * Which keys each row of an attention matrix {@code (R, C)} sees (spec 01 §3, "mask-aware").
 * Masked keys are left out of a row's length n; zeros inside the window (from relu) still count.
 *
 * <ul>
 *   <li>{@link All}: every key.
 *   <li>{@link Causal}: row r is the query at position pos[r] (0-based) and sees keys 0..pos[r], so
 *       n_r = pos[r] + 1; without positions, pos[r] = r.
 *   <li>{@link Explicit}: a {@code (R, C)} boolean table, true = visible.
 * </ul>
 */
public sealed interface KeyMask permits KeyMask.All, KeyMask.Causal, KeyMask.Explicit {

  /** Whether row {@code row} sees key {@code col}. */
  boolean visible(int row, int col);

  /** Number of keys row {@code row} sees among {@code cols}. */
  default int count(int row, int cols) {
    int n = 0;
    for (int c = 0; c < cols; c++) if (visible(row, c)) n++;
    return n;
  }

  /** The query position of {@code row}: its causal position, or the row index. */
  default int queryPosition(int row) {
    return row;
  }

  /** Checks that the mask fits an {@code (rows, cols)} matrix. */
  default void check(int rows, int cols) {}

  static KeyMask all() {
    return new All();
  }

  /** Causal mask with query position = row index. */
  static KeyMask causal() {
    return new Causal(null);
  }

  /** Causal mask for the queries at {@code positions} (0-based, one per row). */
  static KeyMask causal(int[] positions) {
    return new Causal(positions.clone());
  }

  /** Explicit {@code (rows, cols)} table, true = visible. */
  static KeyMask explicit(boolean[] visible, int rows, int cols) {
    return new Explicit(visible.clone(), rows, cols);
  }

  /** Every key visible. */
  record All() implements KeyMask {
    @Override public boolean visible(int row, int col) { return true; }
    @Override public int count(int row, int cols) { return cols; }
  }

  /** Causal: row r sees keys 0..positions[r] (or 0..r when positions is null). */
  record Causal(int[] positions) implements KeyMask {
    public Causal {
      if (positions != null) {
        for (int i = 0; i < positions.length; i++) {
          if (positions[i] < 0) throw new IllegalArgumentException("query position[" + i + "]=" + positions[i] + " must be >= 0");
        }
      }
    }

    @Override public int queryPosition(int row) { return positions == null ? row : positions[row]; }
    @Override public boolean visible(int row, int col) { return col <= queryPosition(row); }
    @Override public int count(int row, int cols) { return Math.min(cols, queryPosition(row) + 1); }

    @Override
    public void check(int rows, int cols) {
      if (positions == null) return;
      if (positions.length != rows) {
        throw new IllegalArgumentException("causal mask has " + positions.length + " query positions for " + rows + " rows");
      }
      for (int i = 0; i < rows; i++) {
        if (positions[i] >= cols) {
          throw new IllegalArgumentException("query position[" + i + "]=" + positions[i] + " is outside the " + cols + " keys");
        }
      }
    }
  }

  /** Explicit table {@code (rows, cols)}, true = visible. */
  record Explicit(boolean[] table, int rows, int cols) implements KeyMask {
    public Explicit {
      if (table.length != rows * cols) {
        throw new IllegalArgumentException("mask has " + table.length + " entries, expected rows*cols=" + rows + "*" + cols);
      }
    }

    @Override public boolean visible(int row, int col) { return table[row * cols + col]; }

    @Override
    public void check(int r, int c) {
      if (r != rows || c != cols) {
        throw new IllegalArgumentException("mask is (" + rows + ", " + cols + ") but the matrix is (" + r + ", " + c + ")");
      }
    }
  }
}
