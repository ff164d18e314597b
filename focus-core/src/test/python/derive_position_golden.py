#!/usr/bin/env python3
"""Independent derivation of Focus position golden tables (spec 04 §5, §7).

Written straight from the spec's closed forms with exact fractions (no cursor state machine, no Java):
for every visual block, L = the flat index of the token before it (its own token count so far − 1)
under flat / rope-tv / rope-tie-frac / rope-tv-3d, and the RoPE-Tie / M-RoPE rules are evaluated
from their own running offsets.

  python3 focus-core/src/test/python/derive_position_golden.py \
      > focus-core/src/test/resources/dev/focus/position/layouts-golden.tsv
"""
from fractions import Fraction as F
import re

LAYOUTS = [
    "T T T I3x2 T T",          # Sequence A transposed (h = 3 rows, w = 2 cols)
    "T T T I2x3 T T",          # Sequence A again (cross-check of the spec table)
    "I2x2 T",                  # leading image: L = -1
    "T I1x1 T",                # smallest image
    "T I1x5 T",                # one row
    "T I5x1 T",                # one column
    "T I2x3 I1x2 T",           # adjacent images
    "T T V2x2x3 T",            # video: (a) under rope-tv, (b) under rope-tv-3d
    "V3x1x1 T",                # leading thin video
    "T I3x3 T T V2x1x2 T",     # mixed
]
SCHEMES = ["flat", "rope-tie", "rope-tie-frac", "rope-tv", "rope-tv-3d", "mrope"]


def parse(layout):
    out = []
    for s in layout.split():
        if s == "T":
            out.append(("T",))
        elif m := re.fullmatch(r"I(\d+)x(\d+)", s):
            out.append(("I", int(m[1]), int(m[2])))
        elif m := re.fullmatch(r"V(\d+)x(\d+)x(\d+)", s):
            out.append(("V", int(m[1]), int(m[2]), int(m[3])))
    return out


def derive(scheme, segs):
    rows = []           # (kind, coords)
    off = F(0)          # rope-tie: coordinate offset beyond the flat index (sum of w+h per image)
    nxt = 0             # mrope: max so far + 1
    n = 0               # tokens so far = flat index of the next token
    for seg in segs:
        if scheme in ("rope-tie", "rope-tie-frac") and seg[0] == "V":
            return None
        if seg[0] == "T":
            if scheme == "mrope":
                rows.append(("text", [nxt] * 3)); nxt += 1
            else:
                c = n + off
                rows.append(("text", [c] * {"flat": 1, "rope-tv-3d": 3}.get(scheme, 2)))
            n += 1
            continue
        t, h, w = (1, seg[1], seg[2]) if seg[0] == "I" else seg[1:]
        if scheme == "mrope":
            S = nxt
            for k in range(t):
                for i in range(h):
                    for j in range(w):
                        rows.append(("patch", [S + k, S + i, S + j]))
            nxt = S + max(t, h, w); n += t * h * w
            continue
        frames = [(1, 1)] * t if scheme != "rope-tv-3d" else [(t, k) for k in range(1, t + 1)]
        if scheme == "rope-tv-3d":
            L = n - 1
            N = w * h * t
            b1, b2, b3 = L + F(N - h, 2), L + F(N - w, 2), L + F(N - t, 2)
            for k in range(1, t + 1):
                for i in range(1, h + 1):
                    for j in range(1, w + 1):
                        rows.append(("patch", [b1 + i, b2 + j, b3 + k]))
            n += N
            continue
        for _ in range(t):        # option (a): consecutive images
            L = n - 1 + off
            for i in range(1, h + 1):
                for j in range(1, w + 1):
                    if scheme == "flat":
                        rows.append(("patch", [L + (i - 1) * w + j]))
                    elif scheme == "rope-tie":
                        rows.append(("patch", [L + i * (w + 1), L + j * (h + 1)]))
                    elif scheme == "rope-tie-frac":
                        rows.append(("patch", [L + i * F(w * h + 1, h + 1), L + j * F(w * h + 1, w + 1)]))
                    elif scheme == "rope-tv":
                        rows.append(("patch", [L + F(w * h - h, 2) + i, L + F(w * h - w, 2) + j]))
            n += h * w
            if scheme == "rope-tie":
                off += w + h
    return rows


def fmt(x):
    x = F(x)
    return str(x.numerator) if x.denominator == 1 else (str(float(x)) if x.denominator in (2, 4, 8) else f"{x.numerator}/{x.denominator}")


print("# Golden coordinates derived by focus-core/src/test/python/derive_position_golden.py from spec 04 §5")
print("# (exact fractions; p/q entries are the nearest double to p/q). Columns: scheme, layout, index, kind, coords.")
print("# A scheme/layout pair with no rows is rejected (video under RoPE-Tie).")
for layout in LAYOUTS:
    for scheme in SCHEMES:
        rows = derive(scheme, parse(layout))
        if rows is None:
            print(f"{scheme}\t{layout}\treject")
            continue
        for idx, (kind, c) in enumerate(rows):
            print(f"{scheme}\t{layout}\t{idx}\t{kind}\t{','.join(fmt(v) for v in c)}")
