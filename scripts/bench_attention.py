#!/usr/bin/python3
"""PyTorch side of `focus bench attention`: causal softmax attention on the CPU, eager mode.

For each length T it times the explicit form (matmul, mask, softmax, matmul), forward only and
forward+backward, and prints one JSON object per line. Run by the Focus CLI; runnable alone:

    /usr/bin/python3 scripts/bench_attention.py --lengths 256,512 --threads 2
"""
import argparse
import json
import math
import statistics
import sys
import time


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--lengths", default="256,512,1024,2048,4096,8192")
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--head-size", type=int, default=64)
    p.add_argument("--batch", type=int, default=1)
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--backward", action="store_true")
    p.add_argument("--cap-bytes", type=int, default=1 << 30, help="skip T when B*H*T*T floats exceed this")
    a = p.parse_args()

    import torch
    import torch.nn.functional as F

    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    sdpa = hasattr(F, "scaled_dot_product_attention")
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "sdpa": sdpa}), flush=True)

    def explicit(q, k, v, mask, scale):
        att = (q @ k.transpose(-2, -1)) * scale
        att = att.masked_fill(mask, float("-inf"))
        att = torch.softmax(att, dim=-1)
        return att @ v

    def median_ms(fn, reps):
        fn()  # warm-up
        times = []
        for _ in range(reps):
            t0 = time.perf_counter()
            fn()
            times.append((time.perf_counter() - t0) * 1e3)
        return statistics.median(times)

    for t in [int(x) for x in a.lengths.split(",") if x.strip()]:
        b, h, hs = a.batch, a.heads, a.head_size
        tt_bytes = 4 * b * h * t * t
        row = {"T": t}
        if tt_bytes > a.cap_bytes:
            row["skipped"] = "B*H*T*T floats = %d MiB exceed the cap" % (tt_bytes >> 20)
            print(json.dumps(row), flush=True)
            continue
        q = torch.randn(b, h, t, hs)
        k = torch.randn(b, h, t, hs)
        v = torch.randn(b, h, t, hs)
        mask = torch.ones(t, t, dtype=torch.bool).triu(1)
        scale = 1.0 / math.sqrt(hs)
        with torch.no_grad():
            row["fwd_ms"] = median_ms(lambda: explicit(q, k, v, mask, scale), a.reps)
            if sdpa:
                row["sdpa_fwd_ms"] = median_ms(lambda: F.scaled_dot_product_attention(q, k, v, is_causal=True), a.reps)
        # explicit form keeps scores and probabilities, (B, H, T, T) each, plus the (T, T) mask
        row["extra_bytes_est"] = 2 * tt_bytes + t * t
        if a.backward:
            qg, kg, vg = (x.clone().requires_grad_(True) for x in (q, k, v))
            dy = torch.randn(b, h, t, hs)

            def fb():
                y = explicit(qg, kg, vg, mask, scale)
                y.backward(dy)
                qg.grad = kg.grad = vg.grad = None

            row["fwdbwd_ms"] = median_ms(fb, a.reps)
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    sys.exit(main())
