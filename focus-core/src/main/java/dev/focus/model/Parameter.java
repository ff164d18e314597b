package dev.focus.model;

import java.util.Arrays;

/**
 * One trainable tensor of a {@link Model}: its Hugging Face name, shape, values and gradient.
 *
 * <p>{@code value} and {@code grad} are the model's live arrays (no copies): an optimizer updates
 * {@code value} in place and reads {@code grad}, which {@link Model#forwardBackward} accumulates into.
 *
 * @param name  Hugging Face Llama tensor name, e.g. {@code model.layers.0.self_attn.q_proj.weight}
 * @param shape row-major shape, [out, in] for linear weights (PyTorch layout)
 * @param value the values (length = product of shape)
 * @param grad  the gradient, same length
 * @param decay whether weight decay applies (false for norms, embeddings and biases)
 */
public record Parameter(String name, int[] shape, float[] value, float[] grad, boolean decay) {
  public Parameter {
    long n = 1;
    for (int d : shape) n *= d;
    if (n != value.length || n != grad.length) {
      throw new IllegalArgumentException("parameter " + name + ": shape " + Arrays.toString(shape)
          + " has " + n + " elements but value has " + value.length + " and grad " + grad.length);
    }
  }

  /** Number of elements. */
  public int size() { return value.length; }

  @Override
  public String toString() {
    return "Parameter[" + name + " " + Arrays.toString(shape) + (decay ? ", decay" : "") + "]";
  }
}
