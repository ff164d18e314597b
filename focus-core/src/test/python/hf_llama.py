#!/usr/bin/env python3
"""A Llama built only from a Hugging Face config.json, to check that a Focus checkpoint is a Llama checkpoint.

Usage: hf_llama.py CHECKPOINT_DIR TOKENS_JSON OUT_JSON

Reads nothing but the LlamaConfig fields of CHECKPOINT_DIR/config.json (the focus_* fields are ignored),
builds LlamaForCausalLM's module tree (model.embed_tokens, model.layers.i.{input_layernorm, self_attn.
{q,k,v,o}_proj, post_attention_layernorm, mlp.{gate,up,down}_proj}, model.norm, lm_head), loads
model.safetensors with strict key and shape matching, and writes the logits [B][T][V] of the token rows.
The computation follows modeling_llama.py's definitions: LlamaRMSNorm (float32 variance), default RoPE
(inv_freq = theta^(-2i/d), cos/sin of cat(freqs, freqs), rotate_half), repeat_kv for grouped-query
attention, causal softmax with scale head_dim^-0.5, SwiGLU MLP down(act(gate(x)) * up(x)).
"""
import json
import struct
import sys

import numpy as np
import torch
import torch.nn.functional as F

HF_FIELDS = ("hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads", "num_key_value_heads",
             "rms_norm_eps", "rope_theta", "vocab_size", "max_position_embeddings", "tie_word_embeddings")


def load_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if info["dtype"] != "F32":
            raise SystemExit(f"{name}: dtype {info['dtype']} (expected F32)")
        b, e = info["data_offsets"]
        out[name] = torch.from_numpy(np.frombuffer(data[8 + n + b:8 + n + e], dtype="<f4").reshape(info["shape"]).copy())
    return out


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
        bias = c.get("attention_bias", False)
        self.q_proj = torch.nn.Linear(c["hidden_size"], self.heads * self.d, bias=bias)
        self.k_proj = torch.nn.Linear(c["hidden_size"], self.kv * self.d, bias=bias)
        self.v_proj = torch.nn.Linear(c["hidden_size"], self.kv * self.d, bias=bias)
        self.o_proj = torch.nn.Linear(self.heads * self.d, c["hidden_size"], bias=bias)

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
        bias = c.get("mlp_bias", False)
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
        inv_freq = 1.0 / (self.c["rope_theta"] ** (torch.arange(0, d, 2, dtype=torch.int64).float() / d))
        freqs = torch.outer(torch.arange(t).float(), inv_freq)
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
    if full.get("model_type") != "llama" or full.get("hidden_act", "silu") != "silu" or full.get("rope_scaling"):
        raise SystemExit("not a plain Llama config: model_type, hidden_act or rope_scaling differ")
    c = {k: v for k, v in full.items() if not k.startswith("focus_")}
    model = LlamaForCausalLM(c)
    state = load_safetensors(ckpt + "/model.safetensors")
    if c["tie_word_embeddings"]:
        state.setdefault("lm_head.weight", state["model.embed_tokens.weight"])
    model.load_state_dict(state, strict=True)
    with open(tokens_file) as f:
        tokens = torch.tensor(json.load(f), dtype=torch.long)
    with torch.no_grad():
        logits = model(tokens)
    with open(out_file, "w") as f:
        json.dump(logits.tolist(), f)


if __name__ == "__main__":
    main(sys.argv[1:])
