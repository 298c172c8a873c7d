#!/usr/bin/env python3
"""PyTorch reference for MaterStepBench: one MATER training step (forward, cross-entropy, backward, Adam; train
mode, dropout 0.1) and one inference forward (eval, no_grad) in the paper's configuration (both branches, d 512,
6 layers, 8 heads, ff 2048; batch 64, T 8, 512-d window embeddings), with mater_ref.py's Mater.
Prints one JSON line per (benchmark, threads): {"label", "threads", "seconds"} with the median time.

  /usr/bin/python3 bench/torch_mater.py --threads 1 2 --seconds 10 [--ref /work/shared/reference/mater_ref.py]

Labels match bench/report.py's labels for MaterStepBench ("step 64 8", "forward 64 8"). Each thread count runs
in a child process (torch.set_num_threads plus OMP/OPENBLAS variables set before torch is imported).
"""
import argparse
import json
import os
import subprocess
import sys
import time


def measure(ref, batch, windows, seconds):
    import importlib.util
    import torch
    import torch.nn.functional as F
    spec = importlib.util.spec_from_file_location("mater_ref", ref)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    torch.manual_seed(1)
    model = mod.Mater(d=512, heads=8, layers=6, ff=2048, classes=8, modality="av", dropout=0.1)
    opt = torch.optim.Adam(model.parameters(), lr=1e-4, betas=(0.9, 0.999), eps=1e-8)
    audio = torch.randn(batch, windows, 512)
    video = torch.randn(batch, windows, 512)
    labels = torch.arange(batch) % 8

    def step():
        model.train()
        loss = F.cross_entropy(model(audio, video)["logits"], labels)
        opt.zero_grad()
        loss.backward()
        opt.step()

    def forward():
        model.eval()
        with torch.no_grad():
            model(audio, video)

    out = {}
    for name, fn in (("step", step), ("forward", forward)):
        fn()  # warm-up
        times = []
        end = time.perf_counter() + seconds
        while time.perf_counter() < end or len(times) < 3:
            t = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t)
        times.sort()
        out[name] = times[len(times) // 2]
    return out


def find_ref():
    d = os.path.dirname(os.path.abspath(__file__))
    while True:
        cand = os.path.join(d, "shared", "reference", "mater_ref.py")
        if os.path.isfile(cand) or os.path.dirname(d) == d:
            return cand
        d = os.path.dirname(d)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    p.add_argument("--seconds", type=float, default=10)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--windows", type=int, default=8)
    p.add_argument("--ref", default=find_ref(), help="mater_ref.py (default: shared/reference/mater_ref.py in a "
                                                    "directory above this script)")
    p.add_argument("--child", type=int, default=0, help=argparse.SUPPRESS)
    a = p.parse_args()
    if not os.path.isfile(a.ref):
        sys.exit(f"torch_mater: mater_ref.py not found at {a.ref} (pass --ref)")
    if a.child:
        import torch
        torch.set_num_threads(a.child)
        for name, s in measure(a.ref, a.batch, a.windows, a.seconds).items():
            print(json.dumps({"label": f"{name} {a.batch} {a.windows}", "threads": a.child, "seconds": s}), flush=True)
        return
    for t in a.threads:
        env = dict(os.environ, OMP_NUM_THREADS=str(t), OPENBLAS_NUM_THREADS=str(t), MKL_NUM_THREADS=str(t))
        subprocess.run([sys.executable, os.path.abspath(__file__), "--child", str(t), "--seconds", str(a.seconds),
                        "--batch", str(a.batch), "--windows", str(a.windows), "--ref", a.ref], env=env, check=True)


if __name__ == "__main__":
    main()
