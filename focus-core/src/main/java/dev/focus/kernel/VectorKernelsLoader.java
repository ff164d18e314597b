package dev.focus.kernel;

/**
 * Isolates the only reference to the incubator-backed {@link VectorKernels}: {@link Kernels} calls
 * {@link #load()} only when the vector twin is wanted, so under {@code -Dfocus.kernels=scalar} (or on a
 * JVM without {@code jdk.incubator.vector}) no incubator class is ever loaded.
 */
final class VectorKernelsLoader {
  private VectorKernelsLoader() {}

  static KernelSet load() {
    return new VectorKernels();
  }
}
