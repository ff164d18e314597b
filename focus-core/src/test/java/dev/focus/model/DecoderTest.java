package dev.focus.model;

import dev.focus.testing.Close;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Incremental decoding (KV cache or recurrent state) reproduces the full forward pass's logits. */
class DecoderTest {

  static Stream<Arguments> variants() {
    ModelConfig base = Overrides.apply(ModelConfig.micro(), List.of("initStd=0.2", "context=16"));
    return Stream.of(
        Arguments.of("softmax+rope", base),
        Arguments.of("softmax+alibi, 4 heads on 2 kv heads", Overrides.apply(base, List.of("position=alibi", "heads=4", "kvHeads=2"))),
        Arguments.of("softmax+nope", Overrides.apply(base, "position=nope")),
        Arguments.of("linear+rope", Overrides.apply(base, "attention=linear")),
        Arguments.of("linear+nope+gqa", Overrides.apply(base, List.of("attention=linear", "position=nope", "kvHeads=1"))),
        Arguments.of("layernorm+gelu+bias+learned+tied", Overrides.apply(base,
            List.of("norm=layernorm", "mlp=gelu", "bias=true", "position=learned", "tieEmbeddings=true"))),
        Arguments.of("sinusoidal", Overrides.apply(base, "position=sinusoidal")),
        Arguments.of("flash+rope", Overrides.apply(base, "attention=flash")),
        Arguments.of("softmax+rope+headScale, logitScale 0.7", Overrides.apply(base, List.of("headScale=true", "logitScale=0.7"))),
        Arguments.of("flash+alibi+headScale", Overrides.apply(base, List.of("attention=flash", "position=alibi", "headScale=true"))),
        Arguments.of("linear+rope, decay 0.9", Overrides.apply(base, List.of("attention=linear", "linearDecay=0.9"))),
        Arguments.of("linear(relu)+nope chunked", Overrides.apply(base, List.of("attention=linear", "linearFeature=relu", "position=nope", "linearForm=chunked", "linearChunk=5"))),
        Arguments.of("linear+mrope recurrent", Overrides.apply(base, List.of("attention=linear", "position=mrope", "mropeSections=2,1,1", "linearForm=recurrent"))),
        Arguments.of("softmax+rope, yarn scaling", Overrides.apply(base, "ropeScaling=yarn:factor=4,original=8")),
        Arguments.of("linear+rope, llama3 scaling", Overrides.apply(base, List.of("attention=linear", "ropeScaling=llama3:factor=4,low=1,high=4,original=8"))),
        Arguments.of("softmax+rope, T=70 (two causal blocks)", Overrides.apply(base, "context=70")),
        Arguments.of("softmax+rope, T=140 (KV cache grows twice)", Overrides.apply(base, "context=140")),
        Arguments.of("linear+rope, T=70", Overrides.apply(base, java.util.List.of("attention=linear", "context=70"))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  void stepLogitsEqualFullForwardLogits(String label, ModelConfig config) {
    Model model = new Model(config, 11);
    ModelGradientTest.setHeadScales(model);
    int t = config.context();
    int[] tokens = new Random(5).ints(t, 0, config.vocab()).toArray();
    float[] full = model.logits(tokens, 1, t);
    Decoder d = model.decoder();
    float[] stepped = new float[full.length];
    for (int i = 0; i < t; i++) System.arraycopy(d.step(tokens[i]), 0, stepped, i * config.vocab(), config.vocab());
    Close.assertClose(label, full, stepped, 2e-5, 1e-4);
    // reset and prefill of a prefix gives the logits at the prefix's last position
    d.reset();
    float[] last = d.prefill(Arrays.copyOf(tokens, 7));
    Close.assertClose(label + " prefill", Arrays.copyOfRange(full, 6 * config.vocab(), 7 * config.vocab()), last, 2e-5, 1e-4);
  }
}
