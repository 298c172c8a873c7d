#!/usr/bin/env python3
"""PyTorch reference fixtures for the engine's conv2d, max/avg pooling, batch norm and local response norm.

Run with PyTorch 1.13 (CPU):  /usr/bin/python3 engine/src/test/python/make_op_fixtures.py
Writes engine/src/test/resources/fixtures/ops/<case>.safetensors (F32 only). Each file holds the inputs,
a random output gradient "gy", the outputs and the gradients of sum(out * gy) with respect to each input
("g_<input>"); the op and its arguments are in the safetensors metadata.
"""
import json
import os
import struct

import torch
import torch.nn.functional as F

OUT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "fixtures", "ops"))


def save(name, tensors, meta):
    header, blobs, offset = {}, [], 0
    for key, t in tensors.items():
        data = t.detach().contiguous().to(torch.float32).numpy().tobytes()
        header[key] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    header["__metadata__"] = {k: str(v) for k, v in meta.items()}
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * (-len(raw) % 8)
    path = os.path.join(OUT, name + ".safetensors")
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for b in blobs:
            f.write(b)
    os.replace(tmp, path)
    print(f"{path}: {8 + len(raw) + offset} bytes")


def with_grads(fn, inputs):
    """Runs fn on leaf copies of inputs; returns (out, {g_name: grad}, gy)."""
    leaves = {k: v.clone().requires_grad_(True) for k, v in inputs.items()}
    out = fn(**leaves)
    gy = torch.randn_like(out)
    (out * gy).sum().backward()
    return out, {"g_" + k: v.grad for k, v in leaves.items()}, gy


def conv(name, x_shape, w_shape, stride, padding, dilation, groups, bias=True):
    x, w = torch.randn(x_shape), torch.randn(w_shape) * 0.3
    inputs = {"x": x, "w": w}
    if bias:
        inputs["b"] = torch.randn(w_shape[0])
    fn = lambda x, w, b=None: F.conv2d(x, w, b, stride=stride, padding=padding, dilation=dilation, groups=groups)
    y, grads, gy = with_grads(fn, inputs)
    save(name, {**inputs, "gy": gy, "y": y, **grads},
         {"op": "conv2d", "stride": stride, "padding": padding, "dilation": dilation, "groups": groups})


def max_pool(name, x, kernel, stride, padding, ceil):
    fn = lambda x: F.max_pool2d(x, kernel, stride, padding, ceil_mode=ceil)
    y, grads, gy = with_grads(fn, {"x": x})
    _, idx = F.max_pool2d(x, kernel, stride, padding, ceil_mode=ceil, return_indices=True)
    save(name, {"x": x, "gy": gy, "y": y, "argmax": idx.float(), **grads},
         {"op": "max_pool2d", "kernel": kernel, "stride": stride, "padding": padding, "ceil_mode": ceil})


def avg_pool(name, x, kernel, stride, padding, ceil):
    fn = lambda x: F.avg_pool2d(x, kernel, stride, padding, ceil_mode=ceil, count_include_pad=True)
    y, grads, gy = with_grads(fn, {"x": x})
    save(name, {"x": x, "gy": gy, "y": y, **grads},
         {"op": "avg_pool2d", "kernel": kernel, "stride": stride, "padding": padding, "ceil_mode": ceil})


def batch_norm(name, x, affine, training, momentum=0.1, eps=1e-5):
    c = x.shape[1]
    rm, rv = torch.rand(c) - 0.5, torch.rand(c) + 0.5
    inputs = {"x": x}
    if affine:
        inputs["w"], inputs["b"] = torch.rand(c) + 0.5, torch.randn(c) * 0.2
    rm_after, rv_after = rm.clone(), rv.clone()
    fn = lambda x, w=None, b=None: F.batch_norm(x, rm_after, rv_after, w, b, training, momentum, eps)
    y, grads, gy = with_grads(fn, inputs)
    save(name, {**inputs, "running_mean": rm, "running_var": rv, "gy": gy, "y": y, **grads,
                "running_mean_after": rm_after, "running_var_after": rv_after},
         {"op": "batch_norm", "training": str(training).lower(), "momentum": momentum, "eps": eps})


def lrn(name, x, size, alpha, beta, k):
    fn = lambda x: F.local_response_norm(x, size, alpha, beta, k)
    y, grads, gy = with_grads(fn, {"x": x})
    save(name, {"x": x, "gy": gy, "y": y, **grads},
         {"op": "local_response_norm", "size": size, "alpha": alpha, "beta": beta, "k": k})


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(20240601)
    conv("conv_3x2", [2, 3, 9, 7], [4, 3, 3, 2], 1, 0, 1, 1)
    conv("conv_vggm_conv1", [2, 3, 19, 17], [5, 3, 7, 7], 2, 0, 1, 1)
    conv("conv_vggm_conv2", [2, 6, 11, 10], [5, 6, 5, 5], 2, 1, 1, 1)
    conv("conv_groups2_dilation2", [2, 4, 9, 8], [6, 2, 3, 3], 1, 2, 2, 2)
    conv("conv_depthwise", [2, 4, 8, 7], [8, 1, 3, 3], 2, 1, 1, 4)
    conv("conv_1x1_nobias", [3, 8, 5, 4], [6, 8, 1, 1], 1, 0, 1, 1, bias=False)
    conv("conv_blocks_pad1", [6, 3, 10, 9], [4, 3, 3, 3], 1, 1, 1, 1)
    max_pool("maxpool_vggm_pool2", torch.randn(2, 3, 10, 10), 3, 2, 0, True)
    max_pool("maxpool_vggm_pool1", torch.randn(1, 3, 23, 23), 3, 2, 0, False)
    max_pool("maxpool_2x2", torch.randn(2, 3, 8, 6), 2, 2, 0, False)
    max_pool("maxpool_pad1_ceil", torch.randn(2, 2, 8, 7), 3, 2, 1, True)
    max_pool("maxpool_ties", torch.randint(-2, 3, (2, 2, 9, 20)).float(), 3, 2, 1, True)
    avg_pool("avgpool_pad1_ceil", torch.randn(2, 2, 8, 7), 3, 2, 1, True)
    avg_pool("avgpool_2x2_ceil", torch.randn(2, 3, 6, 5), 2, 2, 0, True)
    avg_pool("avgpool_3x3s2_ceil", torch.randn(1, 2, 8, 8), 3, 2, 0, True)
    batch_norm("batchnorm_train", torch.randn(4, 3, 5, 6) * 2 + 1, True, True)
    batch_norm("batchnorm_train_noaffine", torch.randn(3, 4, 3, 5), False, True)
    batch_norm("batchnorm_train_offset", torch.randn(6, 2, 10, 10) * 0.1 + 100, True, True)
    batch_norm("batchnorm_eval", torch.randn(2, 3, 4, 5), True, False)
    lrn("lrn_vggm", torch.randn(2, 10, 6, 5) * 10, 5, 5e-4 * 5, 0.75, 2.0)
    lrn("lrn_size4", torch.randn(2, 7, 3, 5), 4, 0.3, 0.6, 1.0)


if __name__ == "__main__":
    main()
