package dev.focus.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ModelConfigTest {

  private static String rejected(String... assignments) {
    return assertThrows(IllegalArgumentException.class,
        () -> Overrides.apply(ModelConfig.tiny(), List.of(assignments))).getMessage();
  }

  @Test
  void tinyIsTheBenchmarkReferenceAndALlama() {
    ModelConfig t = ModelConfig.tiny();
    assertEquals(List.of(256, 128, 384, 4, 4, 4, 256),
        List.of(t.vocab(), t.hidden(), t.intermediate(), t.layers(), t.heads(), t.kvHeads(), t.context()));
    assertTrue(t.isLlama());
    assertEquals(ModelConfig.Bias.NONE, t.bias());
    assertEquals(32, t.headSize());
    assertEquals(256, ModelConfig.small().hidden());
    assertEquals(768, ModelConfig.small().intermediate());
    assertEquals(ModelConfig.tiny(), ModelConfig.preset("tiny"));
  }

  @Test
  void invalidCombinationsAreRejectedNamingTheValues() {
    assertEquals("heads=5 must divide hidden=128", rejected("heads=5"));
    assertEquals("kvHeads=3 must divide heads=4", rejected("kvHeads=3"));
    assertTrue(rejected("hidden=12", "heads=4", "intermediate=8").contains("head size hidden/heads=3 must be even under position=rope"));
    assertTrue(rejected("position=alibi", "attention=linear").contains("position=alibi is not defined for attention=linear"));
    assertEquals("sections [4, 4, 4] sum to 12 but must sum to dim/2=16", rejected("position=mrope", "mropeSections=4,4,4"));
    assertTrue(rejected("position=mrope").contains("needs sections summing to 16"));
    assertTrue(rejected("mropeSections=2,2").contains("not allowed under position=rope"));
    assertTrue(rejected("position=sinusoidal", "hidden=33", "heads=1", "kvHeads=1").contains("dModel=33 must be even"));
    assertEquals("layers=0 must be >= 1", rejected("layers=0"));
    assertEquals("normEps=0.0 must be a finite number > 0", rejected("normEps=0"));
    assertEquals("headScale=true is not defined for attention=linear (λ_h scales softmax logits)",
        rejected("attention=linear", "headScale=true"));
    assertTrue(rejected("attention=linear", "logitScale=2").startsWith("logitScale=2.0 is not defined for attention=linear"));
    assertEquals("linearDecay=1.5 must be in (0, 1] (1 = no decay)", rejected("linearDecay=1.5"));
    assertEquals("linearDecay=0.0 must be in (0, 1] (1 = no decay)", rejected("linearDecay=0"));
    assertEquals("logitScale=-1.0 must be a finite number > 0", rejected("logitScale=-1"));
    assertEquals("linearChunk=0 must be >= 1", rejected("linearChunk=0"));
    assertTrue(rejected("attention=linear", "linearFeature=relu2", "position=nope", "linearForm=chunked")
        .contains("linearFeature=relu2 has no feature map, so linearForm=chunked is impossible"));
    assertTrue(rejected("attention=linear", "linearFeature=relu2").contains("no feature vectors to rotate"));
  }

  @Test
  void theMaskKeyMakesAnEncoderWhereTheAttentionFormAllowsIt() {
    ModelConfig enc = Overrides.apply(ModelConfig.tiny(), "mask=bidirectional");
    assertEquals(dev.focus.attention.Mask.Kind.BIDIRECTIONAL, enc.mask());
    assertFalse(enc.causal());
    assertEquals(dev.focus.attention.Mask.bidirectional(), enc.attentionMask());
    assertFalse(enc.isLlama(), "a Llama is causal");
    assertEquals("bidirectional", Overrides.describe(enc).get("mask"));
    assertEquals(enc, Overrides.apply(ModelConfig.tiny(), Overrides.describe(enc)));
    assertFalse(Overrides.describe(ModelConfig.tiny()).containsKey("mask"), "a decoder's description has no mask key");
    assertEquals(ModelConfig.tiny(), Overrides.apply(enc, "mask=causal"));
    assertTrue(ModelConfig.tiny().causal());
    assertEquals(dev.focus.attention.Mask.causal(), ModelConfig.tiny().attentionMask());
    assertEquals(enc.withMask(dev.focus.attention.Mask.Kind.CAUSAL), ModelConfig.tiny());
    for (String p : List.of("nope", "rope", "alibi", "learned", "sinusoidal")) {
      for (String a : List.of("softmax", "flash", "linear")) {
        if (p.equals("alibi") && a.equals("linear")) continue;
        assertFalse(Overrides.apply(ModelConfig.tiny(), List.of("mask=bidirectional", "position=" + p, "attention=" + a)).causal());
      }
    }
    assertEquals("mask=bidirectional needs linearForm=parallel: the recurrent form is causal by construction",
        rejected("mask=bidirectional", "attention=linear", "linearForm=recurrent"));
    assertEquals("mask=bidirectional needs linearForm=parallel: the chunked form is causal by construction",
        rejected("mask=bidirectional", "attention=linear", "linearForm=chunked"));
    assertTrue(rejected("mask=block_causal").startsWith("mask=block_causal needs image spans"));
    assertEquals("mask=sideways is not one of causal, bidirectional, block_causal", rejected("mask=sideways"));
  }

  @Test
  void ropeScalingIsParsedToACanonicalFormAndChecked() {
    ModelConfig c = Overrides.apply(ModelConfig.tiny(), "ropeScaling=LINEAR:factor=2");
    assertEquals("linear:factor=2.0", Overrides.describe(c).get("ropeScaling"));
    assertEquals(new dev.focus.position.RopeScaling.Linear(2), c.position().scaling());
    ModelConfig y = Overrides.apply(ModelConfig.tiny(), "ropeScaling=yarn:factor=4,original=64");
    assertEquals(new dev.focus.position.RopeScaling.Yarn(4, 64), y.position().scaling());
    assertEquals(y, Overrides.apply(ModelConfig.tiny(), "ropeScaling=" + y.position().scaling().describe()));
    assertEquals("llama3:factor=8.0,low=1.0,high=4.0,original=8192", Overrides.describe(
        Overrides.apply(ModelConfig.tiny(), "ropeScaling=llama3:factor=8,low=1,high=4,original=8192")).get("ropeScaling"));
    assertTrue(rejected("ropeScaling=dynamic:factor=2").contains("frequencies depend on the sequence length"));
    assertTrue(rejected("ropeScaling=linear:factr=2").contains("unknown key 'factr'"));
    assertTrue(rejected("ropeScaling=linear").contains("lacks factor"));
    assertTrue(rejected("ropeScaling=linear:factor=2", "position=nope").contains("needs rotary positions"));
    assertTrue(rejected("ropeScaling=sideways").contains("unknown type 'sideways'"));
  }

  @Test
  void headScaleAddsOneUnitGainPerLayerWithoutShiftingTheSeededInit() {
    ModelConfig plain = ModelConfig.micro(), scaled = Overrides.apply(plain, "headScale=true");
    Model a = new Model(plain, 5), b = new Model(scaled, 5);
    assertEquals(a.parameters().size() + plain.layers(), b.parameters().size());
    for (Parameter p : b.parameters()) {
      if (p.name().endsWith("self_attn.head_scale")) {
        assertEquals(List.of(plain.heads()), List.of(p.shape()[0]));
        for (float v : p.value()) assertEquals(1f, v);
        assertTrue(!p.decay(), "λ_h is not weight-decayed");
      } else {
        assertTrue(java.util.Arrays.equals(a.parameter(p.name()).value(), p.value()), p.name());
      }
    }
    // λ_h = 1 is the plain model; flash is the same function as softmax
    int[] tokens = new java.util.Random(1).ints(2 * 9, 0, plain.vocab()).toArray();
    float[] base = a.logits(tokens, 2, 9);
    dev.focus.testing.Close.assertClose("headScale=1", base, b.logits(tokens, 2, 9), 0, 0);
    Model flash = new Model(Overrides.apply(plain, "attention=flash"), 5);
    dev.focus.testing.Close.assertClose("flash vs softmax", base, flash.logits(tokens, 2, 9), 1e-6, 1e-5);
  }

  @Test
  void buildersAndCopiesChangeOnlyWhatTheyName() {
    ModelConfig c = ModelConfig.builder().vocab(100).hidden(48).intermediate(96).layers(3).heads(6).kvHeads(2).context(40)
        .attention(ModelConfig.AttentionKind.LINEAR).linearFeature(dev.focus.attention.FeatureMap.RELU)
        .linearForm(dev.focus.attention.LinearAttention.Form.CHUNKED).linearChunk(8)
        .position(dev.focus.position.PositionSpec.of(dev.focus.position.PositionKind.NOPE)).build();
    assertEquals(c, Overrides.apply(ModelConfig.micro(), Overrides.describe(c)));
    assertEquals(c, c.toBuilder().build());
    assertEquals(c.hashCode(), c.toBuilder().build().hashCode());
    assertEquals("chunked", Overrides.describe(c).get("linearForm"));
    assertEquals(ModelConfig.micro().withVocab(9), Overrides.apply(ModelConfig.micro(), "vocab=9"));
    // another kind keeps the base, pair layout and scaling
    ModelConfig m = Overrides.apply(ModelConfig.micro(), List.of("ropeTheta=500", "ropeLayout=adjacent"))
        .withPosition(dev.focus.position.PositionKind.ROPE_TV);
    assertEquals(500.0, m.position().base());
    assertEquals(dev.focus.position.PairLayout.ADJACENT, m.position().layout());
    assertEquals("rope-tv", Overrides.describe(m).get("position"));
  }

  @Test
  void everyPositionKindBuildsATextModelAndMultiAxisRulesGiveTextRopeBitForBit() {
    ModelConfig base = Overrides.apply(ModelConfig.micro(), "initStd=0.3");
    int[] tok = {3, 1, 4, 1, 5, 9, 2, 6};
    float[] rope = new Model(base, 4).logits(tok, 1, 8);
    for (dev.focus.position.PositionKind k : dev.focus.position.PositionKind.values()) {
      ModelConfig c = k == dev.focus.position.PositionKind.MROPE
          ? Overrides.apply(base, List.of("position=mrope", "mropeSections=2,1,1")) : base.withPosition(k);
      float[] logits = new Model(c, 4).logits(tok, 1, 8);
      if (k.rotary()) assertTrue(java.util.Arrays.equals(rope, logits), k + " on text is RoPE-1D (spec 04 §4)");
      else assertTrue(!java.util.Arrays.equals(rope, logits), k.toString());
    }
  }

  @Test
  void overridesAreStrict() {
    String unknown = rejected("widht=3");
    assertTrue(unknown.startsWith("unknown config key 'widht'; valid keys: vocab, hidden,"), unknown);
    assertEquals("layers=two is not an integer", rejected("layers=two"));
    assertEquals("bias=yes must be true, false, qkv (q/k/v projections) or attention (q/k/v/o)", rejected("bias=yes"));
    assertTrue(rejected("position=sideways").startsWith("position=sideways is not one of nope, rope, mrope, alibi"));
    assertTrue(rejected("nokey").contains("must have the form key=value"));
  }

  @Test
  void overridesApplyAndDescribeRoundTrips() {
    ModelConfig c = Overrides.apply(ModelConfig.tiny(), List.of("position=ALiBi", "vocab=260", "tieEmbeddings=true"));
    assertEquals(dev.focus.position.PositionKind.ALIBI, c.position().kind());
    assertEquals(260, c.vocab());
    assertTrue(c.tieEmbeddings());
    assertEquals(c, Overrides.apply(ModelConfig.micro(), Overrides.describe(c)));
    assertEquals(Overrides.KEYS.stream().filter(k -> !k.equals("mask")).toList(), List.copyOf(Overrides.describe(c).keySet()));
    ModelConfig e = Overrides.apply(c, "mask=bidirectional");
    assertEquals(Overrides.KEYS, List.copyOf(Overrides.describe(e).keySet()), "an encoder describes every key");
    assertEquals(e, Overrides.apply(ModelConfig.micro(), Overrides.describe(e)));
  }

  @Test
  void parameterNamesFollowHuggingFaceLlama() {
    Model m = new Model(ModelConfig.micro(), 1);
    List<String> names = m.parameters().stream().map(Parameter::name).toList();
    assertEquals(List.of("model.embed_tokens.weight",
        "model.layers.0.input_layernorm.weight", "model.layers.0.self_attn.q_proj.weight",
        "model.layers.0.self_attn.k_proj.weight", "model.layers.0.self_attn.v_proj.weight",
        "model.layers.0.self_attn.o_proj.weight", "model.layers.0.post_attention_layernorm.weight",
        "model.layers.0.mlp.gate_proj.weight", "model.layers.0.mlp.up_proj.weight", "model.layers.0.mlp.down_proj.weight"),
        names.subList(0, 10));
    assertEquals(List.of("model.norm.weight", "lm_head.weight"), names.subList(names.size() - 2, names.size()));
    assertFalse(m.parameter("model.embed_tokens.weight").decay());
    assertFalse(m.parameter("model.norm.weight").decay());
    assertTrue(m.parameter("model.layers.1.mlp.down_proj.weight").decay());
    assertEquals(List.of(64, 32), List.of(m.parameter("model.layers.1.mlp.up_proj.weight").shape()[0],
        m.parameter("model.layers.1.mlp.up_proj.weight").shape()[1]));
  }

  @Test
  void initIsSeededNormalWithUnitGains() {
    Model a = new Model(ModelConfig.tiny(), 42), b = new Model(ModelConfig.tiny(), 42), c = new Model(ModelConfig.tiny(), 43);
    float[] w = a.parameter("model.layers.2.self_attn.q_proj.weight").value();
    assertTrue(java.util.Arrays.equals(w, b.parameter("model.layers.2.self_attn.q_proj.weight").value()));
    assertFalse(java.util.Arrays.equals(w, c.parameter("model.layers.2.self_attn.q_proj.weight").value()));
    double s = 0, s2 = 0;
    for (float x : w) {
      s += x;
      s2 += x * x;
    }
    double mean = s / w.length, std = Math.sqrt(s2 / w.length - mean * mean);
    assertEquals(0.0, mean, 0.001);
    assertEquals(0.02, std, 0.0005);
    for (float g : a.parameter("model.layers.0.input_layernorm.weight").value()) assertEquals(1f, g);
    Model biased = new Model(Overrides.apply(ModelConfig.micro(), "bias=true"), 1);
    for (float x : biased.parameter("model.layers.0.self_attn.q_proj.bias").value()) assertEquals(0f, x);
  }

  @Test
  void partialBiasesSitOnTheAttentionProjectionsOnly() {
    java.util.function.Function<String, List<String>> biases = value -> Model.specs(Overrides.apply(ModelConfig.micro(),
        List.of("layers=1", "bias=" + value))).stream().map(Model.Spec::name).filter(n -> n.endsWith(".bias")).toList();
    String a = "model.layers.0.self_attn.";
    assertEquals(List.of(a + "q_proj.bias", a + "k_proj.bias", a + "v_proj.bias"), biases.apply("qkv"), "Qwen2's q/k/v biases");
    assertEquals(List.of(a + "q_proj.bias", a + "k_proj.bias", a + "v_proj.bias", a + "o_proj.bias"), biases.apply("attention"));
    assertEquals(List.of(), biases.apply("false"));
    assertEquals(7, biases.apply("true").size(), "q, k, v, o, gate, up, down");
    ModelConfig qkv = Overrides.apply(ModelConfig.micro(), "bias=QKV");
    assertEquals(ModelConfig.Bias.QKV, qkv.bias());
    assertEquals("qkv", Overrides.describe(qkv).get("bias"));
    assertEquals("false", Overrides.describe(ModelConfig.micro()).get("bias"), "stored configurations keep their spelling");
    assertEquals(Model.parameterCount(qkv), Model.specs(qkv).stream().mapToLong(Model.Spec::size).sum());
  }

  @Test
  void mropeOnTextEqualsRopeAndAlibiUsesTheSharedSlopes() {
    ModelConfig rope = Overrides.apply(ModelConfig.micro(), "initStd=0.3");
    ModelConfig mrope = Overrides.apply(rope, List.of("position=mrope", "mropeSections=2,1,1"));
    int[] tok = {3, 1, 4, 1, 5, 9, 2, 6};
    assertTrue(java.util.Arrays.equals(new Model(rope, 4).logits(tok, 1, 8), new Model(mrope, 4).logits(tok, 1, 8)),
        "M-RoPE with text coordinates (n, n, n) is RoPE-1D bit for bit (spec 04 §4)");
    Model alibi = new Model(Overrides.apply(ModelConfig.micro(), List.of("position=alibi", "heads=8", "hidden=48", "intermediate=64")), 1);
    assertEquals(8, alibi.slopes.length);
    assertEquals(0.5f, alibi.slopes[0]);
    assertEquals(1f / 256, alibi.slopes[7]);
  }

  @Test
  void gradientsAccumulateUntilZeroed() {
    Model m = new Model(ModelConfig.micro(), 3);
    int[] tok = {1, 2, 3, 4}, tgt = {2, 3, 4, 5};
    m.forwardBackward(tok, tgt, 1, 4);
    float[] once = m.parameter("lm_head.weight").grad().clone();
    m.forwardBackward(tok, tgt, 1, 4);
    float[] twice = m.parameter("lm_head.weight").grad();
    for (int i = 0; i < once.length; i++) assertEquals(2 * once[i], twice[i], 1e-6f + 1e-5f * Math.abs(once[i]));
    m.zeroGrad();
    for (float g : m.parameter("lm_head.weight").grad()) assertEquals(0f, g);
    assertEquals(m.loss(tok, tgt, 1, 4), m.forwardBackward(tok, tgt, 1, 4), 1e-6f);
    // every target ignored: loss 0, no gradient
    m.zeroGrad();
    assertEquals(0f, m.forwardBackward(tok, new int[] {-1, -1, -1, -1}, 1, 4));
    for (float g : m.parameter("lm_head.weight").grad()) assertEquals(0f, g);
  }

  @Test
  void observerSeesEveryLayerAndLeavesLogitsBitIdentical() {
    Model m = new Model(ModelConfig.micro(), 3);
    int[] tok = {5, 6, 7, 8, 9};
    float[] plain = m.logits(tok, 1, 5);
    int[] calls = new int[3];
    m.setObserver(new ModelObserver() {
      @Override
      public void onAttentionWeights(int layer, float[] w, int batch, int heads, int seqLen) {
        calls[0]++;
        for (int n = 0; n < seqLen; n++) {
          double row = 0;
          for (int j = 0; j < seqLen; j++) row += w[n * seqLen + j];
          assertEquals(1.0, row, 1e-5);
          assertEquals(0f, n + 1 < seqLen ? w[n * seqLen + n + 1] : 0f);
        }
      }

      @Override
      public void onHeadOutputs(int layer, float[] v, int batch, int seqLen, int heads, int hs) { calls[1]++; }

      @Override
      public void onActivation(int layer, Point p, float[] v, int batch, int seqLen, int width) { calls[2]++; }
    });
    assertTrue(java.util.Arrays.equals(plain, m.logits(tok, 1, 5)));
    assertEquals(2, calls[0]);
    assertEquals(2, calls[1]);
    assertEquals(2 + 2 * 6, calls[2]);
  }
}
