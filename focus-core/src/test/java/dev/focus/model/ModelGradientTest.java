package dev.focus.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.focus.testing.Close;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every parameter gradient of whole models, decoders and encoders (mask=bidirectional), against
 * central differences of the loss (float32 model,
 * so a large init std keeps the signal well above rounding and a sample of elements per tensor is
 * checked with a tolerance relative to that tensor's largest gradient).
 */
class ModelGradientTest {

  static Stream<Arguments> variants() {
    ModelConfig base = ModelConfig.builder().vocab(11).hidden(8).intermediate(12).layers(2).heads(2).kvHeads(2).context(8)
        .initStd(0.5).build();
    return Stream.of(
        Arguments.of("softmax+rope (Llama)", base),
        Arguments.of("softmax+alibi", Overrides.apply(base, "position=alibi")),
        Arguments.of("softmax+nope+gqa", Overrides.apply(base, java.util.List.of("position=nope", "kvHeads=1"))),
        Arguments.of("softmax+rope adjacent, tied", Overrides.apply(base, java.util.List.of("ropeLayout=adjacent", "tieEmbeddings=true"))),
        Arguments.of("linear+nope", Overrides.apply(base, java.util.List.of("attention=linear", "position=nope"))),
        Arguments.of("linear+rope+gqa", Overrides.apply(base, java.util.List.of("attention=linear", "kvHeads=1"))),
        Arguments.of("layernorm+gelu+bias+learned", Overrides.apply(base,
            java.util.List.of("norm=layernorm", "mlp=gelu", "bias=true", "position=learned"))),
        Arguments.of("sinusoidal", Overrides.apply(base, "position=sinusoidal")),
        Arguments.of("mrope", Overrides.apply(base, java.util.List.of("position=mrope", "heads=1", "kvHeads=1", "mropeSections=2,1,1"))),
        Arguments.of("flash+rope", Overrides.apply(base, "attention=flash")),
        Arguments.of("softmax+rope+headScale, logitScale 1.7", Overrides.apply(base, java.util.List.of("headScale=true", "logitScale=1.7"))),
        Arguments.of("flash+alibi+headScale+gqa", Overrides.apply(base, java.util.List.of("attention=flash", "position=alibi", "headScale=true", "kvHeads=1"))),
        // (relu features are left to the PyTorch parity test: central differences straddle its kink)
        Arguments.of("linear(identity)+nope", Overrides.apply(base, java.util.List.of("attention=linear", "linearFeature=identity", "position=nope"))),
        Arguments.of("linear+rope, decay 0.8", Overrides.apply(base, java.util.List.of("attention=linear", "linearDecay=0.8"))),
        Arguments.of("linear+rope chunked 2, decay 0.9", Overrides.apply(base, java.util.List.of("attention=linear", "linearForm=chunked", "linearChunk=2", "linearDecay=0.9"))),
        Arguments.of("linear(favor+)+rope recurrent", Overrides.apply(base, java.util.List.of("attention=linear", "linearFeature=positive_random", "linearForm=recurrent"))),
        Arguments.of("linear(relu2)+nope", Overrides.apply(base, java.util.List.of("attention=linear", "linearFeature=relu2", "position=nope"))),
        // longer than one causal block (64 query rows)
        Arguments.of("softmax+alibi, T=70", Overrides.apply(base, java.util.List.of("position=alibi", "context=80"))),
        Arguments.of("linear+rope+gqa, T=70", Overrides.apply(base, java.util.List.of("attention=linear", "kvHeads=1", "context=80"))),
        // encoders (mask=bidirectional): every attention form that allows it, every position scheme
        Arguments.of("encoder softmax+nope", Overrides.apply(base, java.util.List.of("mask=bidirectional", "position=nope"))),
        Arguments.of("encoder softmax+rope+gqa", Overrides.apply(base, java.util.List.of("mask=bidirectional", "kvHeads=1"))),
        Arguments.of("encoder softmax+alibi+headScale", Overrides.apply(base,
            java.util.List.of("mask=bidirectional", "position=alibi", "headScale=true"))),
        Arguments.of("encoder flash+alibi", Overrides.apply(base, java.util.List.of("mask=bidirectional", "attention=flash", "position=alibi"))),
        Arguments.of("encoder flash+rope", Overrides.apply(base, java.util.List.of("mask=bidirectional", "attention=flash"))),
        Arguments.of("encoder layernorm+gelu+bias+learned", Overrides.apply(base,
            java.util.List.of("mask=bidirectional", "norm=layernorm", "mlp=gelu", "bias=true", "position=learned"))),
        Arguments.of("encoder sinusoidal, tied", Overrides.apply(base,
            java.util.List.of("mask=bidirectional", "position=sinusoidal", "tieEmbeddings=true"))),
        Arguments.of("encoder mrope", Overrides.apply(base,
            java.util.List.of("mask=bidirectional", "position=mrope", "heads=1", "kvHeads=1", "mropeSections=2,1,1"))),
        Arguments.of("encoder linear+rope, decay 0.8", Overrides.apply(base,
            java.util.List.of("mask=bidirectional", "attention=linear", "linearDecay=0.8"))),
        Arguments.of("encoder linear(identity)+nope", Overrides.apply(base,
            java.util.List.of("mask=bidirectional", "attention=linear", "linearFeature=identity", "position=nope"))),
        Arguments.of("encoder linear(relu2)+nope", Overrides.apply(base,
            java.util.List.of("mask=bidirectional", "attention=linear", "linearFeature=relu2", "position=nope"))),
        Arguments.of("encoder softmax+alibi, T=70", Overrides.apply(base,
            java.util.List.of("mask=bidirectional", "position=alibi", "context=80"))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  void everyParameterGradientMatchesFiniteDifferences(String label, ModelConfig config) {
    Model model = new Model(config, 7);
    setHeadScales(model);
    int t = config.context() > 64 ? 70 : 5, b = t > 64 ? 1 : 2;
    Random rng = new Random(3);
    int[] tokens = new int[b * t], targets = new int[b * t];
    for (int i = 0; i < tokens.length; i++) {
      tokens[i] = rng.nextInt(config.vocab());
      targets[i] = i % 4 == 3 ? -1 : rng.nextInt(config.vocab());
    }
    model.zeroGrad();
    float loss = model.forwardBackward(tokens, targets, b, t);
    assertTrue(Float.isFinite(loss));
    // Bidirectional attention couples every token with every other, so the loss curves more per unit of
    // a weight and central differences need a smaller step (measured: at 1e-2 the error is O(eps²) ≈ 1e-2
    // on some embeddings, converging to the analytic value as the step shrinks).
    float eps = config.causal() ? 1e-2f : 2e-3f;
    for (Parameter p : model.parameters()) {
      int samples = Math.min(p.size(), t > 64 ? 8 : 24);
      double[] numeric = new double[samples], analytic = new double[samples];
      double scale = 0;
      for (float g : p.grad()) scale = Math.max(scale, Math.abs(g));
      for (int s = 0; s < samples; s++) {
        int i = samples == p.size() ? s : rng.nextInt(p.size());
        float saved = p.value()[i];
        p.value()[i] = saved + eps;
        double up = model.loss(tokens, targets, b, t);
        p.value()[i] = saved - eps;
        double down = model.loss(tokens, targets, b, t);
        p.value()[i] = saved;
        numeric[s] = (up - down) / (2 * eps);
        analytic[s] = p.grad()[i];
      }
      Close.assertClose(label + " " + p.name(), numeric, analytic, 2e-3 * Math.max(scale, 1e-3) + 2e-4, 2e-2);
    }
  }

  /** λ_h away from 1 (and of both signs), so the gradient test sees them act. */
  static void setHeadScales(Model model) {
    for (Parameter p : model.parameters()) {
      if (p.name().endsWith("self_attn.head_scale")) {
        for (int h = 0; h < p.size(); h++) p.value()[h] = (float) (1.6 - 0.9 * h + 0.1 * p.name().length() % 3);
      }
    }
  }
}
