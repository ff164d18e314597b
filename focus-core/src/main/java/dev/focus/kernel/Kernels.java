package dev.focus.kernel;

/**
 * The kernel set in use, chosen once at class load: the Vector API twin when the
 * {@code jdk.incubator.vector} module is present, else the scalar twin. {@code -Dfocus.kernels=scalar}
 * forces the scalar twin; {@code -Dfocus.kernels=vector} demands the vector one and fails loudly if
 * the module is missing (so a lost {@code --add-modules} flag cannot silently run scalar code).
 */
public final class Kernels {
  private Kernels() {}

  private static final KernelSet ACTIVE = choose();

  /** The active kernel set; a static final, so the JIT folds calls through it. */
  public static KernelSet get() { return ACTIVE; }

  /** The scalar twin (the oracle in tests). */
  public static KernelSet scalar() { return Holder.SCALAR; }

  /** True when the Vector API module is loaded in this JVM. */
  public static boolean vectorModulePresent() {
    return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
  }

  private static final class Holder {
    static final KernelSet SCALAR = new ScalarKernels();
  }

  private static KernelSet choose() {
    String mode = KernelProperties.kernels();
    switch (mode) {
      case "scalar":
        return scalar();
      case "vector":
        if (!vectorModulePresent()) {
          throw new IllegalStateException(
              "focus.kernels=vector but module jdk.incubator.vector is absent: add --add-modules jdk.incubator.vector");
        }
        return vector();
      default: // "auto": KernelProperties accepts only the three names
        return vectorModulePresent() ? vector() : scalar();
    }
  }

  /** The vector twin, loaded reflectively-free through a holder so the scalar path never touches the incubator. */
  public static KernelSet vector() {
    return VectorHolder.VECTOR;
  }

  private static final class VectorHolder {
    static final KernelSet VECTOR = VectorKernelsLoader.load();
  }
}
