#!/usr/bin/env python3
"""Regenerates the PyTorch parity fixtures under mater/src/test/resources/fixtures with the reference
definitions in ../shared/reference/mater_ref.py. Needs torch: run with Debian's /usr/bin/python3.

    /usr/bin/python3 mater/src/test/python/make_fixtures.py [--shared ../shared]

Sizes are kept small (a few MB in all): MATER at d 16..32; VGGish and VGG-M at --scale 8 for the
convolutional part (their large fully connected weights are dropped from those model files, since the
window and face embeddings do not use them), and at --scale 32 for the full networks (the 128-d
AudioSet embedding and the 224-px logits)."""
import argparse
import os
import subprocess
import sys

MATER = {
    "mater-av": "--d 32 --heads 4 --layers 2 --ff 64 --T 8 --classes 8 --batch 5 --seed 1",
    "mater-av-8heads": "--d 32 --heads 8 --layers 1 --ff 48 --T 8 --classes 8 --batch 4 --seed 2",
    "mater-no-pe": "--d 16 --heads 4 --layers 2 --ff 32 --T 8 --classes 8 --batch 4 --seed 3 --no-pe",
    "mater-no-mhsa": "--d 16 --heads 4 --layers 2 --ff 32 --T 8 --classes 8 --batch 4 --seed 4 --no-mhsa",
    "mater-audio": "--d 16 --heads 4 --layers 2 --ff 32 --T 8 --classes 8 --batch 4 --seed 5 --modality audio",
    "mater-video": "--d 16 --heads 4 --layers 2 --ff 32 --T 8 --classes 6 --batch 4 --seed 6 --modality video",
    "mater-odd": "--d 16 --heads 2 --layers 3 --ff 24 --T 7 --classes 6 --batch 3 --seed 7",
}
VGGISH = {
    "vggish-s8-24": ("--frames 24 --batch 2 --seed 0 --scale 8", "embeddings."),
    "vggish-s8-48": ("--frames 48 --batch 2 --seed 0 --scale 8", "embeddings."),
    "vggish-s8-96": ("--frames 96 --batch 2 --seed 0 --scale 8", "embeddings."),
    "vggish-s32-96": ("--frames 96 --batch 2 --seed 1 --scale 32", None),
}
VGGM = {
    "vggm-bn-s8-96": ("--size 96 --batch 2 --seed 0 --scale 8", ("fc6.", "fc7.", "fc8.", "bn54.", "bn55.")),
    "vggm-lrn-s8-96": ("--size 96 --batch 2 --seed 0 --scale 8 --lrn", ("fc6.", "fc7.", "fc8.")),
    "vggm-bn-s32-224": ("--size 224 --batch 1 --seed 1 --scale 32", None),
    "vggm-lrn-s32-224": ("--size 224 --batch 1 --seed 2 --scale 32 --lrn", None),
}


def strip(ref, path, prefixes):
    """Drops the weights under prefixes from a fixture's model file (kept: metadata, the rest)."""
    import json
    import struct
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        meta = json.loads(f.read(n)).get("__metadata__", {})
    tensors = ref.load_safetensors(path)
    kept = {k: v for k, v in tensors.items() if not k.startswith(prefixes)}
    meta["stripped"] = ",".join(prefixes)
    ref.save_safetensors(path, kept, meta)


def main():
    p = argparse.ArgumentParser()
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.abspath(os.path.join(here, "..", "..", "..", ".."))
    p.add_argument("--shared", default=os.path.join(root, "..", "shared"))
    a = p.parse_args()
    script = os.path.join(a.shared, "reference", "mater_ref.py")
    sys.path.insert(0, os.path.dirname(script))
    import mater_ref as ref
    out = os.path.join(root, "mater", "src", "test", "resources", "fixtures")

    def run(kind, name, args):
        d = os.path.join(out, name)
        subprocess.run([sys.executable, script, kind, "--out", d] + args.split(), check=True)
        return d

    for name, args in MATER.items():
        run("mater", name, args)
    for name, (args, drop) in VGGISH.items():
        d = run("vggish", name, args)
        if drop:
            strip(ref, os.path.join(d, "model.safetensors"), drop if isinstance(drop, tuple) else (drop,))
    for name, (args, drop) in VGGM.items():
        d = run("vggm", name, args)
        if drop:
            strip(ref, os.path.join(d, "model.safetensors"), drop)
    total = 0
    for dirpath, _, files in os.walk(out):
        total += sum(os.path.getsize(os.path.join(dirpath, f)) for f in files)
    print("fixtures: %.2f MB in %s" % (total / 1e6, out))


if __name__ == "__main__":
    main()
