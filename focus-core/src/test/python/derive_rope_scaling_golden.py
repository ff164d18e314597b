#!/usr/bin/env python3
"""θ′ arrays and attention factors for each Hugging Face rope_scaling type, in float64.

Formulas transcribed by hand from transformers src/transformers/modeling_rope_utils.py at revision
0044e3b3facff1a1ad60b235c69d5b45beae75a4 (HF itself rounds to float32; these are the float64 values).

  python3 focus-core/src/test/python/derive_rope_scaling_golden.py \
      > focus-core/src/test/resources/dev/focus/position/rope-scaling-golden.tsv
"""
import math


def inv(dim, base):
    return [1.0 / base ** (k / dim) for k in range(0, dim, 2)]


def linear(dim, base, factor):
    return [t / factor for t in inv(dim, base)], 1.0


def dynamic(dim, base, factor, M, seq_len):
    seq_len = seq_len if seq_len > M else M
    base = base * ((factor * seq_len / M) - (factor - 1)) ** (dim / (dim - 2))
    return inv(dim, base), 1.0


def ntk(dim, base, factor):
    return inv(dim, base * factor ** (dim / (dim - 2))), 1.0


def yarn(dim, base, factor, M, beta_fast=32, beta_slow=1):
    def corr(rot):
        return (dim * math.log(M / (rot * 2 * math.pi))) / (2 * math.log(base))
    low = max(math.floor(corr(beta_fast)), 0)
    high = min(math.ceil(corr(beta_slow)), dim - 1)
    if low == high:
        high += 0.001
    out = []
    for i, t in enumerate(inv(dim, base)):
        ramp = min(max((i - low) / (high - low), 0.0), 1.0)
        extrap = 1 - ramp
        out.append((t / factor) * (1 - extrap) + t * extrap)
    return out, 0.1 * math.log(factor) + 1.0


def longrope(dim, base, short, long, M, M0, seq_len):
    factor = M / M0
    att = 1.0 if factor <= 1.0 else math.sqrt(1 + math.log(factor) / math.log(M0))
    ext = long if seq_len > M0 else short
    return [1.0 / (e * base ** (k / dim)) for e, k in zip(ext, range(0, dim, 2))], att


def llama3(dim, base, factor, low, high, M0):
    lo_w, hi_w = M0 / low, M0 / high
    out = []
    for t in inv(dim, base):
        w = 2 * math.pi / t
        if w < hi_w:
            out.append(t)
        elif w > lo_w:
            out.append(t / factor)
        else:
            s = (M0 / w - low) / (high - low)
            out.append((1 - s) * t / factor + s * t)
    return out, 1.0


CASES = [
    ("default", "d=16 b=10000", (inv(16, 10000.0), 1.0)),
    ("linear", "d=16 b=10000 factor=4", linear(16, 10000.0, 4.0)),
    ("dynamic", "d=16 b=10000 factor=2 M=2048 len=4096", dynamic(16, 10000.0, 2.0, 2048, 4096)),
    ("dynamic", "d=16 b=10000 factor=2 M=2048 len=1000", dynamic(16, 10000.0, 2.0, 2048, 1000)),
    ("ntk", "d=16 b=10000 factor=4", ntk(16, 10000.0, 4.0)),
    ("yarn", "d=64 b=10000 factor=4 M=2048", yarn(64, 10000.0, 4.0, 2048)),
    ("longrope", "d=8 b=10000 M=8192 M0=2048 len=8192", longrope(8, 10000.0, [1, 1.1, 1.2, 1.5], [1, 2, 4, 8], 8192, 2048, 8192)),
    ("longrope", "d=8 b=10000 M=8192 M0=2048 len=1000", longrope(8, 10000.0, [1, 1.1, 1.2, 1.5], [1, 2, 4, 8], 8192, 2048, 1000)),
    ("llama3", "d=128 b=500000 factor=8 low=1 high=4 M0=8192", llama3(128, 500000.0, 8.0, 1.0, 4.0, 8192)),
]

print("# rope_scaling golden θ′ (float64) from transformers modeling_rope_utils.py @ 0044e3b3facff1a1ad60b235c69d5b45beae75a4")
print("# derived by focus-core/src/test/python/derive_rope_scaling_golden.py. Columns: type, config, attention factor, θ′ (comma-separated).")
for typ, cfg, (theta, att) in CASES:
    print(f"{typ}\t{cfg}\t{att!r}\t{','.join(repr(t) for t in theta)}")
