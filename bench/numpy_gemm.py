#!/usr/bin/env python3
"""numpy (OpenBLAS) reference for GemmBench: prints one JSON line per (shape, threads) with the median GFLOPS.

  python3 bench/numpy_gemm.py --threads 1 2 --shapes 512x512x512:NN 512x8x64x8:NT

Shapes as GemmBench: MxNxK:TT is one GEMM C = op(A) op(B) (N or T per operand, stored row-major as the engine
stores them, so numpy hands OpenBLAS the same transposes), BxMxNxK:TT a batch of B (np.matmul on 3-D arrays).
The thread count is fixed with OPENBLAS_NUM_THREADS, which must be set before numpy is imported: each count
runs in a child process.
"""
import argparse
import json
import os
import subprocess
import sys
import time


def parse(shape):
    dims, ops = shape.split(":")
    d = [int(x) for x in dims.split("x")]
    batch = d[0] if len(d) == 4 else 0
    m, n, k = d[-3:]
    return batch, m, n, k, ops[0] == "T", ops[1] == "T"


def measure(shape, seconds):
    import numpy as np
    batch, m, n, k, ta, tb = parse(shape)
    rng = np.random.default_rng(42)
    lead = (batch,) if batch else ()
    a = rng.uniform(-1, 1, lead + ((k, m) if ta else (m, k))).astype(np.float32)
    b = rng.uniform(-1, 1, lead + ((n, k) if tb else (k, n))).astype(np.float32)
    opa = np.swapaxes(a, -1, -2) if ta else a
    opb = np.swapaxes(b, -1, -2) if tb else b
    out = np.empty(lead + (m, n), dtype=np.float32)
    flops = 2.0 * max(batch, 1) * m * n * k
    # warm up for a third of the time, then time single calls until the time is up (at least 5)
    end = time.perf_counter() + seconds / 3
    while time.perf_counter() < end:
        np.matmul(opa, opb, out=out)
    times = []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end or len(times) < 5:
        t = time.perf_counter()
        np.matmul(opa, opb, out=out)
        times.append(time.perf_counter() - t)
    times.sort()
    return flops / times[len(times) // 2] / 1e9


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--shapes", nargs="+", required=True)
    p.add_argument("--threads", nargs="+", type=int, default=[1, 2])
    p.add_argument("--seconds", type=float, default=3.0, help="timed seconds per shape (default 3)")
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        threads = int(os.environ["OPENBLAS_NUM_THREADS"])
        for shape in args.shapes:
            print(json.dumps({"label": "gemm " + shape, "threads": threads, "gflops": measure(shape, args.seconds)}),
                  flush=True)
        return
    for t in args.threads:
        env = dict(os.environ, OPENBLAS_NUM_THREADS=str(t), OMP_NUM_THREADS=str(t))
        cmd = [sys.executable, __file__, "--child", "--seconds", str(args.seconds), "--shapes", *args.shapes]
        subprocess.run(cmd, env=env, check=True)


if __name__ == "__main__":
    main()
