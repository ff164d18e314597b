#!/usr/bin/env python3
"""numpy's side of `focus bench kernels`: times float32 matrix products through numpy's BLAS.

Usage: bench_kernels.py [--reps N] [--warmup N] [--clock wall|cpu] PRODUCT...
       bench_kernels.py [--reps N] [--warmup N] [--clock wall|cpu] --serve   (PRODUCTs on stdin)
  PRODUCT is LAYOUT:MxKxN with LAYOUT one of
    NN  C[M,N] = A[M,K] @ B[K,N]
    NT  C[M,N] = A[M,K] @ B[N,K].T      (y = x @ W.T, W stored [out, in])
    TN  C[M,N] = A[K,M].T @ B[K,N]      (dW = dy.T @ x)
The transposes are views, so BLAS sees the same layouts Focus does (no copies are timed).

Output (stdout, tab-separated):
  blas <TAB> library path <TAB> description
  LAYOUT <TAB> M <TAB> K <TAB> N <TAB> median GFLOP/s
Exits 3 after printing "numpy: not available" when numpy cannot be imported.
With --serve, `focus bench kernels` keeps one such process per thread count and asks for each
product right after timing it in Java, so both sides see the same machine load.

--clock cpu times by this thread's CPU time (meaningful with one BLAS thread only): on a busy
machine it counts the cycles the product got rather than the neighbours' share.

Threads are set by the caller through OPENBLAS_NUM_THREADS / OMP_NUM_THREADS in this process's
environment (they must be set before numpy loads).
"""
import argparse
import ctypes
import statistics
import sys
import time


def blas_library():
    """The BLAS shared library mapped into this process, and what it says about itself."""
    path = None
    with open("/proc/self/maps") as maps:
        libs = {line.split()[-1] for line in maps if ".so" in line}
    for key in ("openblas", "mkl_rt", "blis", "libblas"):
        hits = sorted(l for l in libs if key in l.rsplit("/", 1)[-1])
        if hits:
            path = hits[0]
            break
    if path is None:
        return "unknown", "no BLAS library found in /proc/self/maps"
    desc = "reference BLAS (netlib): slow, install libopenblas0 for a fair comparison" if "/blas/" in path else ""
    try:
        lib = ctypes.CDLL(path)
    except OSError:
        return path, desc or "BLAS"
    for suffix in ("", "64_", "_64"):  # Debian's OpenBLAS, then the prefixed builds in pip wheels
        for prefix in ("openblas_", "scipy_openblas_"):
            try:
                config = getattr(lib, prefix + "get_config" + suffix)
                core = getattr(lib, prefix + "get_corename" + suffix)
            except AttributeError:
                continue
            config.restype = ctypes.c_char_p
            core.restype = ctypes.c_char_p
            return path, "%s, core %s" % (config().decode().strip(), core().decode())
    return path, desc or "BLAS"


def time_product(np, rng, spec, warmup, reps, clock=time.perf_counter):
    """Median GFLOP/s of one LAYOUT:MxKxN product, as an output line."""
    layout, dims = spec.split(":")
    m, k, n = (int(d) for d in dims.split("x"))
    if layout == "NN":
        a, b = rng.random((m, k), np.float32), rng.random((k, n), np.float32)
        fa, fb = a, b
    elif layout == "NT":
        a, b = rng.random((m, k), np.float32), rng.random((n, k), np.float32)
        fa, fb = a, b.T
    elif layout == "TN":
        a, b = rng.random((k, m), np.float32), rng.random((k, n), np.float32)
        fa, fb = a.T, b
    else:
        raise SystemExit("bad layout " + layout)
    c = np.empty((m, n), np.float32)
    times = []
    for i in range(warmup + reps):
        t0 = clock()
        np.matmul(fa, fb, out=c)
        dt = clock() - t0
        if i >= warmup:
            times.append(dt)
    gflops = 2.0 * m * k * n / statistics.median(times) / 1e9
    return "%s\t%d\t%d\t%d\t%.3f" % (layout, m, k, n, gflops)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--serve", action="store_true")
    ap.add_argument("--clock", choices=("wall", "cpu"), default="wall")
    ap.add_argument("products", nargs="*")
    args = ap.parse_args()
    try:
        import numpy as np
    except ImportError:
        print("numpy: not available")
        return 3

    rng = np.random.default_rng(0)
    np.ones((8, 8), dtype=np.float32) @ np.ones((8, 8), dtype=np.float32)  # load the BLAS
    path, desc = blas_library()
    print("blas\t%s\tnumpy %s, %s" % (path, np.__version__, desc), flush=True)
    specs = (line.strip() for line in iter(sys.stdin.readline, "")) if args.serve else iter(args.products)
    for spec in specs:
        if spec:
            clock = time.thread_time if args.clock == "cpu" else time.perf_counter
            print(time_product(np, rng, spec, args.warmup, args.reps, clock), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
