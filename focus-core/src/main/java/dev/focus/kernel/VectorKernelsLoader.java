package dev.focus.kernel;

/** Isolates the only reference to the incubator-backed class, so the scalar path loads without it. */
final class VectorKernelsLoader {
  private VectorKernelsLoader() {}

  static KernelSet load() {
    // Until VectorKernels lands, the scalar twin stands in (replaced by the vector implementation).
    return new ScalarKernels();
  }
}
