#!/usr/bin/env python3
"""Rotated vectors for `focus rope` (spec 04 §8), computed independently with numpy in float64.

Each plan is built from the spec's words: θ_i = 1/B^(2i/D); INTERLEAVED(k): frequency i reads axis
i mod k; BLOCKED(s): contiguous runs; ADJACENT pairs (2i, 2i+1); HALF pairs (j, j + D/2).

  python3 focus-core/src/test/python/derive_rope_vectors.py \
      > focus-core/src/test/resources/dev/focus/position/rope-vectors.tsv
"""
import numpy as np

CASES = [
    # scheme, D, B, coords, sections
    ("flat", 8, 10000.0, [3.0], None),
    ("flat", 4, 100.0, [-2.5], None),
    ("rope-tv", 8, 10000.0, [5.0, 4.5], None),
    ("rope-tie-frac", 8, 10000.0, [13 / 3, 3.75], None),
    ("rope-tv", 8, 10000.0, [5.0, 4.5], [1, 3]),
    ("rope-tv-3d", 12, 10000.0, [7.0, 6.5, 7.0], None),
    ("mrope", 8, 1e6, [3.0, 4.0, 5.0], [1, 2, 1]),
    ("mrope", 128, 1e6, [9.0, 10.0, 11.0], None),
]


def rotate(scheme, D, B, coords, sections):
    P = D // 2
    theta = 1.0 / np.power(B, 2.0 * np.arange(P) / D)
    k = len(coords)
    if sections is None and scheme == "mrope":
        sections = [16, 24, 24]
    if sections is not None:
        axis = np.repeat(np.arange(len(sections)), sections)
    else:
        axis = np.arange(P) % k
    phi = np.array(coords)[axis] * theta
    rng = np.random.default_rng(D * 1000 + int(B) % 997)
    v = np.round(rng.standard_normal(D), 3)
    y = v.copy()
    if scheme == "mrope":
        a, b = np.arange(P), np.arange(P) + P
    else:
        a, b = 2 * np.arange(P), 2 * np.arange(P) + 1
    y[a] = v[a] * np.cos(phi) - v[b] * np.sin(phi)
    y[b] = v[b] * np.cos(phi) + v[a] * np.sin(phi)
    return v, y


print("# `focus rope` golden vectors from focus-core/src/test/python/derive_rope_vectors.py (numpy, float64).")
print("# Columns: scheme, D, B, coords, sections (- for default), vector, expected rotated vector.")
for scheme, D, B, coords, sections in CASES:
    v, y = rotate(scheme, D, B, coords, sections)
    sec = "-" if sections is None else ",".join(map(str, sections))
    print("\t".join([scheme, str(D), repr(B), ",".join(repr(c) for c in coords), sec,
                     ",".join(repr(float(x)) for x in v), ",".join(repr(float(x)) for x in y)]))
