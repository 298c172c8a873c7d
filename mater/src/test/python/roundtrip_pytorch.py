#!/usr/bin/env python3
"""A MATER model trained and saved by this engine loads in PyTorch (mater_ref.py) and gives the same logits.

CI has no torch, so this is run by hand (Debian's torch: /usr/bin/python3):

    ./mater.sh train --epochs 2 --fold 1 --out /tmp/rt                       # any trained fold model
    /usr/bin/python3 mater/src/test/python/roundtrip_pytorch.py --random-store /tmp/rt/in.safetensors   # or any store
    ./mater.sh predict --model /tmp/rt/fold-1/model.safetensors --input /tmp/rt/in.safetensors --output /tmp/rt/pred.safetensors
    /usr/bin/python3 mater/src/test/python/roundtrip_pytorch.py /tmp/rt/fold-1/model.safetensors /tmp/rt/in.safetensors /tmp/rt/pred.safetensors

It builds mater_ref.Mater from the model file's __metadata__ (d, heads, layers, ff, classes, pe, attention,
modality), loads the state dict with strict=True (every key and shape must match PyTorch's), runs the clips
of STORE in eval mode and compares the logits with the engine's `predict` output.
"""
import json
import os
import struct
import sys

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.abspath(os.path.join(here, "..", "..", "..", ".."))
sys.path.insert(0, os.path.join(os.path.dirname(root), "shared", "reference"))
import mater_ref as ref  # noqa: E402
import torch  # noqa: E402


def metadata(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        return json.loads(f.read(n)).get("__metadata__", {})


def main(model_file, store_file, pred_file):
    meta = metadata(model_file)
    flag = lambda k: meta[k] == "true"  # noqa: E731
    model = ref.Mater(d=int(meta["d"]), heads=int(meta["heads"]), layers=int(meta["layers"]), ff=int(meta["ff"]),
                      classes=int(meta["classes"]), pe=flag("pe"), attention=flag("attention"),
                      modality=meta["modality"], dropout=0.0)
    state = ref.load_safetensors(model_file)
    model.load_state_dict(state, strict=True)
    model.eval()
    store = ref.load_safetensors(store_file)
    ours = ref.load_safetensors(pred_file)
    with torch.no_grad():
        out = model(store.get("audio"), store.get("video"))
    worst = 0.0
    for key in ("logits", "audio_logits", "video_logits"):
        if key not in out:
            continue
        scale = out[key].abs().max().item()
        err = (out[key] - ours[key]).abs().max().item() / max(scale, 1e-12)
        worst = max(worst, err)
        print(f"{key}: {tuple(out[key].shape)}, max |PyTorch - engine| / max|logit| = {err:.2e}")
    agree = (out["logits"].argmax(-1) == ours["logits"].argmax(-1)).float().mean().item()
    print(f"predicted classes agree on {100 * agree:.1f}% of {out['logits'].shape[0]} clips")
    ok = worst <= 1e-4 and agree == 1.0
    print("OK" if ok else "MISMATCH")
    return 0 if ok else 1


def random_store(path, n=20, t=8, d=512):
    g = torch.Generator().manual_seed(0)
    unit = lambda: torch.nn.functional.normalize(torch.randn(n, t, d, generator=g), dim=-1)  # noqa: E731
    ref.save_safetensors(path, {"audio": unit(), "video": unit()})
    print(f"wrote {path}: audio and video [{n}, {t}, {d}]")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--random-store":
        random_store(sys.argv[2])
        sys.exit(0)
    if len(sys.argv) != 4:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(*sys.argv[1:]))
