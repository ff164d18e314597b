#!/usr/bin/env python3
"""Focus reference model in plain PyTorch: the oracle for Focus's decoder (parity) and its yardstick (bench).

The architecture follows Hugging Face's modeling_llama.py definitions (LlamaRMSNorm, rotate_half RoPE,
LlamaMLP with SwiGLU, repeat_kv for grouped-query attention), extended with the variants Focus supports:
an encoder mode (mask=bidirectional: every query sees every key, ALiBi's bias -slope*|n-m|, linear
attention's decay lambda^|n-m|), ALiBi (Press et al. 2022), NoPE, learned and sinusoidal absolute positions, a global logit scale and
trainable per-head logit scales (head_scale), linear attention (Katharopoulos et al. 2020, eq. 6) with
phi = elu + 1, relu, identity or the squared-relu kernel, an optional decay lambda^(n-m) and RoPE on the
numerator features as in RoFormer 3.4.4, LayerNorm, the GELU (tanh) MLP, biases and tied embeddings.
Flash attention is the same function as softmax attention, so it runs the softmax code here. No transformers or safetensors package is
needed: the checkpoint is read with struct/json/numpy.

Modes
  parity  --checkpoint DIR --batch BATCH.json --out OUT.safetensors   (or --jobs JOBS.json: a list of
          {"checkpoint", "batch", "out"} objects, run in one process)
          loads a Focus checkpoint, runs forward and backward on the batch, then `steps` AdamW steps;
          writes logits, loss, every parameter gradient (grad.<name>) and the AdamW losses.
  bench   --config config.json --batch B --seq T --threads N --steps S --warmup W
          times full training steps (forward, backward, AdamW) and prints one JSON line.
"""
import argparse
import json
import math
import struct
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

# ---------------------------------------------------------------- safetensors, by hand (format spec)

_DTYPES = {"F32": np.float32, "F64": np.float64, "F16": np.float16, "I64": np.int64, "I32": np.int32}


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n].decode("utf-8"))
    base = 8 + n
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        arr = np.frombuffer(data[base + begin:base + end], dtype=np.dtype(_DTYPES[info["dtype"]]).newbyteorder("<"))
        out[name] = arr.reshape(info["shape"]).astype(np.float32)
    return out


def write_safetensors(path, tensors, metadata=None):
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name, arr in tensors.items():
        a = np.ascontiguousarray(np.asarray(arr, dtype="<f4"))
        b = a.tobytes()
        header[name] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    h = json.dumps(header).encode("utf-8")
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


# ---------------------------------------------------------------- the model


class Config:
    """The focus_config block of config.json (keys of dev.focus.model.Overrides)."""

    def __init__(self, d):
        self.vocab = int(d["vocab"])
        self.hidden = int(d["hidden"])
        self.intermediate = int(d["intermediate"])
        self.layers = int(d["layers"])
        self.heads = int(d["heads"])
        self.kv_heads = int(d["kvHeads"])
        self.context = int(d["context"])
        self.attention = d["attention"]                        # softmax, flash or linear
        self.causal = d.get("mask", "causal") == "causal"      # a decoder's config has no mask key
        self.feature = d.get("linearFeature", "elu_plus_1")
        self.decay = float(d.get("linearDecay", 1.0))
        self.logit_scale = float(d.get("logitScale", 1.0))
        self.head_scale = str(d.get("headScale", "false")).lower() == "true"
        self.rope_scaling = d.get("ropeScaling", "none")             # "none" or "linear:factor=F" here
        self.position = d["position"]
        self.rope_theta = float(d["ropeTheta"])
        self.rope_layout = d["ropeLayout"]
        self.norm = d["norm"]
        self.norm_eps = float(d["normEps"])
        self.mlp = d["mlp"]
        self.bias = str(d["bias"]).lower() == "true"
        self.tie = str(d["tieEmbeddings"]).lower() == "true"
        self.init_std = float(d["initStd"])
        self.head_size = self.hidden // self.heads


def rotate_half(x):
    """HF: (-x2, x1) for the halves x1, x2 of the last dim."""
    x1, x2 = x[..., : x.shape[-1] // 2], x[..., x.shape[-1] // 2:]
    return torch.cat((-x2, x1), dim=-1)


def rope_tables(cfg, t):
    hs = cfg.head_size
    inv = 1.0 / (cfg.rope_theta ** (torch.arange(0, hs, 2, dtype=torch.float64) / hs))
    if cfg.rope_scaling.startswith("linear:factor="):  # position interpolation: theta_i / factor
        inv = inv / float(cfg.rope_scaling.split("=")[1])
    elif cfg.rope_scaling != "none":
        raise SystemExit(f"rope scaling {cfg.rope_scaling} is not implemented in the reference")
    ang = torch.outer(torch.arange(t, dtype=torch.float64), inv)  # (T, HS/2), float64 like Focus
    return torch.cos(ang).float(), torch.sin(ang).float()


def apply_rope(x, cos, sin, layout):
    """x: (B, H, T, HS). HALF = HF rotate_half; ADJACENT = pairs (2i, 2i+1)."""
    if layout == "half":
        c = torch.cat((cos, cos), dim=-1)
        s = torch.cat((sin, sin), dim=-1)
        return x * c + rotate_half(x) * s
    xe, xo = x[..., 0::2], x[..., 1::2]
    ye = xe * cos - xo * sin
    yo = xo * cos + xe * sin
    return torch.stack((ye, yo), dim=-1).flatten(-2)


def alibi_slopes(h):
    p = 1 << (h.bit_length() - 1)
    s = [2.0 ** (-8.0 * (i + 1) / p) for i in range(p)]
    s += [2.0 ** (-8.0 * (2 * j + 1) / (2.0 * p)) for j in range(h - p)]
    return torch.tensor(s, dtype=torch.float64).float()


def sinusoids(t, c):
    n = torch.arange(t, dtype=torch.float64)[:, None]
    w = 1.0 / (10000.0 ** (2.0 * torch.arange(c // 2, dtype=torch.float64) / c))
    out = torch.zeros(t, c, dtype=torch.float64)
    out[:, 0::2] = torch.sin(n * w)
    out[:, 1::2] = torch.cos(n * w)
    return out.float()


class Norm(torch.nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.weight = torch.nn.Parameter(torch.ones(cfg.hidden))
        self.bias = torch.nn.Parameter(torch.zeros(cfg.hidden)) if (cfg.norm == "layernorm" and cfg.bias) else None

    def forward(self, x):
        eps = self.cfg.norm_eps
        if self.cfg.norm == "rmsnorm":  # LlamaRMSNorm
            return self.weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps))
        mu = x.mean(-1, keepdim=True)
        var = (x - mu).pow(2).mean(-1, keepdim=True)
        y = (x - mu) * torch.rsqrt(var + eps) * self.weight
        return y + self.bias if self.bias is not None else y


def linear(cfg, i, o):
    return torch.nn.Linear(i, o, bias=cfg.bias)


class Attention(torch.nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        hs = cfg.head_size
        self.q_proj = linear(cfg, cfg.hidden, cfg.heads * hs)
        self.k_proj = linear(cfg, cfg.hidden, cfg.kv_heads * hs)
        self.v_proj = linear(cfg, cfg.hidden, cfg.kv_heads * hs)
        self.o_proj = linear(cfg, cfg.heads * hs, cfg.hidden)
        if cfg.head_scale:  # lambda_h, multiplying the content logit of head h
            self.head_scale = torch.nn.Parameter(torch.ones(cfg.heads))

    def forward(self, x, tables):
        cfg = self.cfg
        b, t, _ = x.shape
        hs, nh, kvh = cfg.head_size, cfg.heads, cfg.kv_heads
        q = self.q_proj(x).view(b, t, nh, hs).transpose(1, 2)   # (B, NH, T, HS)
        k = self.k_proj(x).view(b, t, kvh, hs).transpose(1, 2)  # (B, KVH, T, HS)
        v = self.v_proj(x).view(b, t, kvh, hs).transpose(1, 2)
        rep = nh // kvh                                          # repeat_kv
        k = k.repeat_interleave(rep, dim=1)
        v = v.repeat_interleave(rep, dim=1)
        mask = torch.ones(t, t, dtype=torch.bool)
        if cfg.causal:
            mask = mask.tril()
        rotary = cfg.position in ("rope", "mrope")
        if cfg.attention in ("softmax", "flash"):
            if rotary:
                q = apply_rope(q, *tables["rope"], cfg.rope_layout)
                k = apply_rope(k, *tables["rope"], cfg.rope_layout)
            s = (q @ k.transpose(-1, -2)) * (cfg.logit_scale / math.sqrt(hs))
            if cfg.head_scale:
                s = s * self.head_scale[None, :, None, None]
            if cfg.position == "alibi":
                dist = (torch.arange(t)[:, None] - torch.arange(t)[None, :]).abs().float()  # n - m on the causal side
                s = s - tables["slopes"][None, :, None, None] * dist
            s = s.masked_fill(~mask, float("-inf"))
            a = torch.softmax(s, dim=-1)
        else:
            a = linear_weights(cfg, q, k, mask, tables.get("rope") if rotary else None)
        y = (a @ v).transpose(1, 2).reshape(b, t, nh * hs)
        return self.o_proj(y)


def linear_weights(cfg, q, k, mask, rope):
    """Normalised linear-attention weights (B, NH, T, T), no temperature (scale 1).

    a[n, m] = num[n, m] / den[n] over the keys m the mask shows n, with, for a feature map phi (elu+1, relu, identity):
      num[n, m] = (R_n phi(q_n)) . (R_m phi(k_m)) * decay^|n - m|   (rotations only under RoPE)
      den[n]    = sum_m phi(q_n) . phi(k_m) * decay^|n - m| + 1e-6   (elu+1, relu: Focus's SUM normaliser)
                = the number of visible keys: n + 1 causal, T bidirectional   (identity, relu2)
    and for relu2 num[n, m] = relu(q_n . k_m)^2 (no feature map, so no rotation).
    """
    t = q.shape[2]
    dist = (torch.arange(t)[:, None] - torch.arange(t)[None, :]).abs().double()
    decay = (cfg.decay ** dist).float().masked_fill(~mask, 0.0)    # (T, T), zero on the hidden keys
    keys = mask.sum(-1, keepdim=True).float()                      # (T, 1) visible keys per query
    if cfg.feature == "relu2":
        num = F.relu(q @ k.transpose(-1, -2)) ** 2 * decay
        return num / keys
    phi = {"elu_plus_1": lambda x: F.elu(x) + 1, "relu": F.relu, "identity": lambda x: x}[cfg.feature]
    fq, fk = phi(q), phi(k)
    rq, rk = fq, fk
    if rope is not None:
        rq = apply_rope(fq, *rope, cfg.rope_layout)
        rk = apply_rope(fk, *rope, cfg.rope_layout)
    num = (rq @ rk.transpose(-1, -2)) * decay
    if cfg.feature == "identity":
        return num / keys
    den = ((fq @ fk.transpose(-1, -2)) * decay).sum(-1, keepdim=True) + 1e-6
    return num / den


class MLP(torch.nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        if cfg.mlp == "swiglu":
            self.gate_proj = linear(cfg, cfg.hidden, cfg.intermediate)
        self.up_proj = linear(cfg, cfg.hidden, cfg.intermediate)
        self.down_proj = linear(cfg, cfg.intermediate, cfg.hidden)

    def forward(self, x):
        if self.cfg.mlp == "swiglu":
            return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))
        return self.down_proj(F.gelu(self.up_proj(x), approximate="tanh"))


class Layer(torch.nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.input_layernorm = Norm(cfg)
        self.self_attn = Attention(cfg)
        self.post_attention_layernorm = Norm(cfg)
        self.mlp = MLP(cfg)

    def forward(self, x, tables):
        x = x + self.self_attn(self.input_layernorm(x), tables)
        return x + self.mlp(self.post_attention_layernorm(x))


class Inner(torch.nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.embed_tokens = torch.nn.Embedding(cfg.vocab, cfg.hidden)
        if cfg.position == "learned":
            self.embed_positions = torch.nn.Embedding(cfg.context, cfg.hidden)
        self.layers = torch.nn.ModuleList([Layer(cfg) for _ in range(cfg.layers)])
        self.norm = Norm(cfg)


class CausalLM(torch.nn.Module):
    """LlamaForCausalLM's layout: model.{embed_tokens, layers.i.*, norm}, lm_head."""

    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.model = Inner(cfg)
        if not cfg.tie:
            self.lm_head = torch.nn.Linear(cfg.hidden, cfg.vocab, bias=False)

    def tables(self, t):
        cfg = self.cfg
        out = {}
        if cfg.position in ("rope", "mrope"):
            out["rope"] = rope_tables(cfg, t)
        if cfg.position == "alibi":
            out["slopes"] = alibi_slopes(cfg.heads)
        return out

    def forward(self, tokens, tables=None):
        cfg = self.cfg
        b, t = tokens.shape
        tables = tables if tables is not None else self.tables(t)
        x = self.model.embed_tokens(tokens)
        if cfg.position == "learned":
            x = x + self.model.embed_positions.weight[:t][None]
        if cfg.position == "sinusoidal":
            x = x + sinusoids(t, cfg.hidden)[None]
        for layer in self.model.layers:
            x = layer(x, tables)
        x = self.model.norm(x)
        w = self.model.embed_tokens.weight if cfg.tie else self.lm_head.weight
        return x @ w.t()


def decays(name, p):
    """Weight decay on weight matrices only (not norms, embeddings or biases), as in Focus."""
    return p.dim() == 2 and "embed_" not in name


class AdamW:
    """torch.optim.AdamW's update (decoupled decay, bias-corrected moments), written out step by step."""

    def __init__(self, named, lr, betas, eps, wd):
        self.named = list(named)
        self.lr, self.b1, self.b2, self.eps, self.wd = lr, betas[0], betas[1], eps, wd
        self.m = {n: torch.zeros_like(p) for n, p in self.named}
        self.v = {n: torch.zeros_like(p) for n, p in self.named}
        self.t = 0

    @torch.no_grad()
    def step(self):
        self.t += 1
        bc1 = 1 - self.b1 ** self.t
        bc2 = 1 - self.b2 ** self.t
        for n, p in self.named:
            g = p.grad
            if decays(n, p):
                p.mul_(1 - self.lr * self.wd)
            self.m[n].mul_(self.b1).add_(g, alpha=1 - self.b1)
            self.v[n].mul_(self.b2).addcmul_(g, g, value=1 - self.b2)
            denom = (self.v[n].sqrt() / math.sqrt(bc2)).add_(self.eps)
            p.addcdiv_(self.m[n], denom, value=-self.lr / bc1)


def load_focus(ckpt):
    with open(ckpt + "/config.json") as f:
        meta = json.load(f)
    cfg = Config(meta["focus_config"])
    model = CausalLM(cfg)
    tensors = read_safetensors(ckpt + "/model.safetensors")
    state = {k: torch.from_numpy(v.copy()) for k, v in tensors.items()}
    missing, unexpected = model.load_state_dict(state, strict=False)
    if missing or unexpected:
        raise SystemExit(f"checkpoint mismatch: missing {missing}, unexpected {unexpected}")
    return cfg, model


def parity(args):
    if args.jobs:
        with open(args.jobs) as f:
            jobs = json.load(f)
    else:
        jobs = [{"checkpoint": args.checkpoint, "batch": args.batch, "out": args.out}]
    for job in jobs:
        parity_one(job["checkpoint"], job["batch"], job["out"])


def parity_one(checkpoint, batch_file, out_file):
    torch.manual_seed(0)
    cfg, model = load_focus(checkpoint)
    with open(batch_file) as f:
        batch = json.load(f)
    tokens = torch.tensor(batch["tokens"], dtype=torch.long)
    targets = torch.tensor(batch["targets"], dtype=torch.long)
    logits = model(tokens)
    loss = F.cross_entropy(logits.reshape(-1, cfg.vocab), targets.reshape(-1), ignore_index=-1)
    model.zero_grad()
    loss.backward()
    out = {"logits": logits.detach().numpy().reshape(-1), "loss": np.array([loss.item()], dtype=np.float32)}
    for n, p in model.named_parameters():
        out["grad." + n] = p.grad.detach().clone().numpy().reshape(-1)
    # AdamW steps on the same batch; the hand-written update is checked against torch.optim.AdamW.
    opt_cfg = batch["adamw"]
    named = list(model.named_parameters())
    twin = CausalLM(cfg)
    twin.load_state_dict(model.state_dict())
    groups = [{"params": [p for n, p in twin.named_parameters() if decays(n, p)], "weight_decay": opt_cfg["weight_decay"]},
              {"params": [p for n, p in twin.named_parameters() if not decays(n, p)], "weight_decay": 0.0}]
    torch_opt = torch.optim.AdamW(groups, lr=opt_cfg["lr"], betas=(opt_cfg["beta1"], opt_cfg["beta2"]), eps=opt_cfg["eps"])
    opt = AdamW(named, opt_cfg["lr"], (opt_cfg["beta1"], opt_cfg["beta2"]), opt_cfg["eps"], opt_cfg["weight_decay"])
    losses = []
    for _ in range(opt_cfg["steps"]):
        for m_, o_ in ((model, opt), (twin, torch_opt)):
            m_.zero_grad()
            l_ = F.cross_entropy(m_(tokens).reshape(-1, cfg.vocab), targets.reshape(-1), ignore_index=-1)
            l_.backward()
            o_.step()
            if m_ is model:
                losses.append(l_.item())
    worst = max((p - q).abs().max().item() for p, q in zip(model.parameters(), twin.parameters()))
    if worst > 1e-5:
        raise SystemExit(f"hand-written AdamW drifted from torch.optim.AdamW by {worst}")
    out["adamw_losses"] = np.array(losses, dtype=np.float32)
    write_safetensors(out_file, out, {"torch": torch.__version__})


def _status_mib(field):
    """A memory field of /proc/self/status (VmRSS, VmHWM) in MiB; None where there is no /proc."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return None


def bench(args):
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    with open(args.config) as f:
        meta = json.load(f)
    cfg = Config(meta.get("focus_config", meta))
    rss0 = _status_mib("VmRSS")  # before the model: the interpreter and torch's libraries
    model = CausalLM(cfg)
    with torch.no_grad():
        for n, p in model.named_parameters():
            if p.dim() == 1:
                p.fill_(1.0 if n.endswith("layernorm.weight") or n.endswith("norm.weight") else 0.0)
            else:
                p.normal_(0.0, cfg.init_std)
    opt = AdamW(list(model.named_parameters()), 1e-3, (0.9, 0.95), 1e-8, 0.1)
    b, t = args.batch, args.seq
    gen = torch.Generator().manual_seed(args.seed)
    tokens = torch.randint(0, cfg.vocab, (b, t + 1), generator=gen)
    x, y = tokens[:, :-1], tokens[:, 1:]
    tables = model.tables(t)
    times, cpus, losses = [], [], []
    for step in range(args.warmup + args.steps):
        t0 = time.perf_counter()
        c0 = time.process_time()
        for p in model.parameters():
            p.grad = None
        loss = F.cross_entropy(model(x, tables).reshape(-1, cfg.vocab), y.reshape(-1))
        loss.backward()
        opt.step()
        dt = time.perf_counter() - t0
        dc = time.process_time() - c0
        if step >= args.warmup:
            times.append(dt)
            cpus.append(dc)
        losses.append(loss.item())
    med = sorted(times)[len(times) // 2]
    cpu = sorted(cpus)[len(cpus) // 2]
    blas = sorted({line.split()[-1] for line in open("/proc/self/maps") if "blas" in line.lower() and "/" in line}) \
        if sys.platform.startswith("linux") else []
    hwm = _status_mib("VmHWM")  # the process's peak resident set: weights, AdamW, the step's tensors, the allocator's cache
    print(json.dumps({"threads": args.threads, "median_step_s": med, "tokens_per_s": b * t / med,
                      "peak_rss_growth_mib": None if rss0 is None or hwm is None else hwm - rss0,
                      "median_cpu_s": cpu, "tokens_per_cpu_s": b * t / cpu,
                      "first_loss": losses[0], "last_loss": losses[-1], "torch": torch.__version__, "blas": blas}))


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="mode", required=True)
    p = sub.add_parser("parity")
    p.add_argument("--checkpoint")
    p.add_argument("--batch")
    p.add_argument("--out")
    p.add_argument("--jobs", help="JSON list of {checkpoint, batch, out}")
    p = sub.add_parser("bench")
    p.add_argument("--config", required=True, help="a Focus config.json (its focus_config block is used)")
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--seq", type=int, default=256)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    torch.set_num_threads(getattr(args, "threads", 1))
    {"parity": parity, "bench": bench}[args.mode](args)


if __name__ == "__main__":
    main(sys.argv[1:])
