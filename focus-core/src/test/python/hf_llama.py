#!/usr/bin/env python3
"""A Llama built only from a Hugging Face config.json, to check that a Focus checkpoint is a Llama checkpoint.

Usage: hf_llama.py CHECKPOINT_DIR TOKENS_JSON OUT_JSON

Reads nothing but the config fields of CHECKPOINT_DIR/config.json (the focus_* fields are ignored),
builds LlamaForCausalLM's module tree (model.embed_tokens, model.layers.i.{input_layernorm, self_attn.
{q,k,v,o}_proj, post_attention_layernorm, mlp.{gate,up,down}_proj}, model.norm, lm_head), loads
model.safetensors (or the shards of model.safetensors.index.json; F32, F16 or BF16, computed in float32)
with strict key and shape matching, and writes the logits [B][T][V] of the token rows.
The computation follows modeling_llama.py's definitions: LlamaRMSNorm (float32 variance), RoPE
(inv_freq = theta^(-2i/d), with linear or llama3 rope_scaling, cos/sin of cat(freqs, freqs), rotate_half),
repeat_kv for grouped-query attention, causal softmax with scale head_dim^-0.5, SwiGLU MLP
down(act(gate(x)) * up(x)). Mistral and Qwen2 configs build the same tree with their families' biases
(Qwen2: q/k/v with bias, o without; Mistral: none; Llama: attention_bias and mlp_bias); an active
sliding window is refused.
"""
import math
import os
import json
import struct
import sys

import numpy as np
import torch
import torch.nn.functional as F

HF_FIELDS = ("hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads", "num_key_value_heads",
             "rms_norm_eps", "rope_theta", "vocab_size", "max_position_embeddings", "tie_word_embeddings")


def load_safetensors(path):
    """Every tensor of one safetensors file as float32 (F16 and BF16 widened exactly)."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        b, e = info["data_offsets"]
        raw = data[8 + n + b:8 + n + e]
        if info["dtype"] == "F32":
            a = np.frombuffer(raw, dtype="<f4")
        elif info["dtype"] == "F16":
            a = np.frombuffer(raw, dtype="<f2").astype(np.float32)
        elif info["dtype"] == "BF16":  # the upper half of a float32
            a = (np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16).view(np.float32)
        else:
            raise SystemExit(f"{name}: dtype {info['dtype']} (expected F32, F16 or BF16)")
        out[name] = torch.from_numpy(a.reshape(info["shape"]).copy())
    return out


def load_weights(ckpt):
    """model.safetensors, or the shards model.safetensors.index.json lists (each tensor exactly where it says)."""
    index = os.path.join(ckpt, "model.safetensors.index.json")
    if not os.path.exists(index):
        return load_safetensors(os.path.join(ckpt, "model.safetensors"))
    with open(index) as f:
        weight_map = json.load(f)["weight_map"]
    out = {}
    for shard in sorted(set(weight_map.values())):
        part = load_safetensors(os.path.join(ckpt, shard))
        if sorted(part) != sorted(k for k, v in weight_map.items() if v == shard):
            raise SystemExit(f"{shard}: holds other tensors than the index lists")
        out.update(part)
    return out


def family_biases(c):
    """(q/k/v, o, mlp) biases as each family's modeling code sets them."""
    t = c.get("model_type", "llama")
    if t == "qwen2":
        return True, False, False
    if t == "mistral":
        return False, False, False
    a = c.get("attention_bias", False)
    return a, a, c.get("mlp_bias", False)


def inv_freq(c, d):
    """RoPE frequencies theta^(-2i/d) with the config's rope_scaling (default, linear or llama3)."""
    base = c.get("rope_theta", 10000.0)
    f = 1.0 / (base ** (torch.arange(0, d, 2, dtype=torch.int64).float() / d))
    rs = c.get("rope_scaling") or {}
    kind = rs.get("rope_type", rs.get("type", "default"))
    if kind == "default":
        return f
    if kind == "linear":  # positions divided by the factor
        return f / rs["factor"]
    if kind == "llama3":  # long wavelengths slowed by the factor, short ones kept, a smooth band between
        factor, low, high = rs["factor"], rs["low_freq_factor"], rs["high_freq_factor"]
        old = rs["original_max_position_embeddings"]
        wavelen = 2 * math.pi / f
        scaled = torch.where(wavelen > old / low, f / factor, f)
        smooth = (old / wavelen - low) / (high - low)
        smoothed = (1 - smooth) * scaled / factor + smooth * scaled
        medium = ~(wavelen < old / high) & ~(wavelen > old / low)
        return torch.where(medium, smoothed, scaled)
    raise SystemExit(f"rope_scaling type {kind} is not implemented here")


class RMSNorm(torch.nn.Module):
    def __init__(self, d, eps):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.ones(d))
        self.eps = eps

    def forward(self, x):
        return self.weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps))


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


class SelfAttention(torch.nn.Module):
    def __init__(self, c):
        super().__init__()
        self.heads, self.kv = c["num_attention_heads"], c["num_key_value_heads"]
        self.d = c.get("head_dim") or c["hidden_size"] // self.heads
        qkv, o, _ = family_biases(c)
        self.q_proj = torch.nn.Linear(c["hidden_size"], self.heads * self.d, bias=qkv)
        self.k_proj = torch.nn.Linear(c["hidden_size"], self.kv * self.d, bias=qkv)
        self.v_proj = torch.nn.Linear(c["hidden_size"], self.kv * self.d, bias=qkv)
        self.o_proj = torch.nn.Linear(self.heads * self.d, c["hidden_size"], bias=o)

    def forward(self, x, cos, sin):
        b, t, _ = x.shape
        q = self.q_proj(x).view(b, t, self.heads, self.d).transpose(1, 2)
        k = self.k_proj(x).view(b, t, self.kv, self.d).transpose(1, 2)
        v = self.v_proj(x).view(b, t, self.kv, self.d).transpose(1, 2)
        q, k = q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin
        rep = self.heads // self.kv
        k, v = k.repeat_interleave(rep, dim=1), v.repeat_interleave(rep, dim=1)
        s = (q @ k.transpose(2, 3)) * self.d ** -0.5
        s = s.masked_fill(torch.ones(t, t, dtype=torch.bool).triu(1), float("-inf"))
        y = F.softmax(s, dim=-1, dtype=torch.float32) @ v
        return self.o_proj(y.transpose(1, 2).reshape(b, t, self.heads * self.d))


class Mlp(torch.nn.Module):
    def __init__(self, c):
        super().__init__()
        bias = family_biases(c)[2]
        self.gate_proj = torch.nn.Linear(c["hidden_size"], c["intermediate_size"], bias=bias)
        self.up_proj = torch.nn.Linear(c["hidden_size"], c["intermediate_size"], bias=bias)
        self.down_proj = torch.nn.Linear(c["intermediate_size"], c["hidden_size"], bias=bias)

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class DecoderLayer(torch.nn.Module):
    def __init__(self, c):
        super().__init__()
        self.input_layernorm = RMSNorm(c["hidden_size"], c["rms_norm_eps"])
        self.self_attn = SelfAttention(c)
        self.post_attention_layernorm = RMSNorm(c["hidden_size"], c["rms_norm_eps"])
        self.mlp = Mlp(c)

    def forward(self, x, cos, sin):
        x = x + self.self_attn(self.input_layernorm(x), cos, sin)
        return x + self.mlp(self.post_attention_layernorm(x))


class LlamaModel(torch.nn.Module):
    def __init__(self, c):
        super().__init__()
        self.embed_tokens = torch.nn.Embedding(c["vocab_size"], c["hidden_size"])
        self.layers = torch.nn.ModuleList(DecoderLayer(c) for _ in range(c["num_hidden_layers"]))
        self.norm = RMSNorm(c["hidden_size"], c["rms_norm_eps"])


class LlamaForCausalLM(torch.nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.model = LlamaModel(c)
        self.lm_head = torch.nn.Linear(c["hidden_size"], c["vocab_size"], bias=False)
        if c["tie_word_embeddings"]:
            self.lm_head.weight = self.model.embed_tokens.weight

    def forward(self, tokens):
        t = tokens.shape[1]
        d = self.model.layers[0].self_attn.d
        freqs = torch.outer(torch.arange(t).float(), inv_freq(self.c, d))
        emb = torch.cat((freqs, freqs), dim=-1)
        cos, sin = emb.cos()[None, None], emb.sin()[None, None]
        x = self.model.embed_tokens(tokens)
        for layer in self.model.layers:
            x = layer(x, cos, sin)
        return self.lm_head(self.model.norm(x))


def main(argv):
    if len(argv) != 3:
        raise SystemExit(__doc__)
    ckpt, tokens_file, out_file = argv
    with open(ckpt + "/config.json") as f:
        full = json.load(f)
    missing = [k for k in HF_FIELDS if k not in full]
    if missing:
        raise SystemExit(f"config.json lacks LlamaConfig fields {missing}")
    if full.get("model_type") not in ("llama", "mistral", "qwen2") or full.get("hidden_act", "silu") != "silu":
        raise SystemExit("not a Llama-family config: model_type or hidden_act differ")
    if (full.get("model_type") == "mistral" and full.get("sliding_window") is not None) or full.get("use_sliding_window"):
        raise SystemExit("a sliding window is on; this reference computes full causal attention")
    c = {k: v for k, v in full.items() if not k.startswith("focus_")}
    print(logits_of(c, load_weights(ckpt), tokens_file, out_file))


def reference_logits(c, state, tokens):
    """The float32 logits (B, T, V) of the model of config c with weights state on the token rows."""
    model = LlamaForCausalLM(c)
    state = dict(state)
    if c["tie_word_embeddings"]:
        state.setdefault("lm_head.weight", state["model.embed_tokens.weight"])
    model.load_state_dict(state, strict=True)
    with torch.no_grad():
        return model(torch.tensor(tokens, dtype=torch.long))


def logits_of(c, state, tokens_file, out_file):
    """Writes the logits of the token rows in TOKENS_FILE to OUT_FILE; returns a one-line summary."""
    with open(tokens_file) as f:
        logits = reference_logits(c, state, json.load(f))
    with open(out_file, "w") as f:
        json.dump(logits.tolist(), f)
    return f"logits {list(logits.shape)}, max |logit| {logits.abs().max().item():.4g}"


if __name__ == "__main__":
    main(sys.argv[1:])
