"""Writes the safetensors fixtures for engine/src/test/java/io/mater/engine/io/SafeTensorsFixtureTest.java.

Run from the repository root with the reference PyTorch:
    /usr/bin/python3 engine/src/test/python/make_safetensors_fixtures.py

Outputs (in engine/src/test/resources/safetensors/), each with a NAME.expected.json that lists, in header
order, every tensor's name, dtype, shape and the float32 bit patterns (as unsigned ints) that reading it as
float32 must give; bit patterns keep -0.0, infinities and NaN payloads exact.

  torch_f32.safetensors   written by mater_ref.save_safetensors from PyTorch tensors: 0-d, zero-size,
                          non-contiguous (transposed) input, special values, unicode and escaped names
                          (json.dumps escapes them as \\uXXXX, incl. a surrogate pair), metadata.
  dtypes.safetensors      written here with numpy + struct: F16 (subnormals, inf, NaN), BF16, F64 (round-to-
                          nearest-even ties, overflow to inf, underflow), I64/I32/I16/I8/U8/BOOL, a 0-d and an
                          empty tensor; data offsets deliberately unaligned, header in a different order from
                          the data, pretty-printed with raw UTF-8 names and __metadata__ in the middle.
"""
import json
import os
import struct
import sys
import warnings

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", "..", ".."))
OUT = os.path.join(REPO, "engine", "src", "test", "resources", "safetensors")
sys.path.insert(0, os.path.join(REPO, "..", "shared", "reference"))
sys.path.insert(0, "/work/shared/reference")
import mater_ref  # noqa: E402


def f32_bits(a):
    """float32 array -> list of uint32 bit patterns (row-major)."""
    return [int(x) for x in np.ascontiguousarray(a, dtype=np.float32).reshape(-1).view(np.uint32)]


def write_expected(path, tensors, metadata):
    """tensors: list of (name, dtype, shape, float32 array)."""
    doc = {"metadata": metadata,
           "tensors": [{"name": n, "dtype": d, "shape": list(s), "f32_bits": f32_bits(a)} for n, d, s, a in tensors]}
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=1)
        f.write("\n")


def torch_fixture():
    g = torch.Generator().manual_seed(1234)
    specials = torch.tensor([float("inf"), float("-inf"), float("nan"), -0.0, 0.0,
                             1e-45, 3.4028234663852886e38, -1.1754943508222875e-38, 0.1, -2.5])
    tensors = {
        "weight": torch.randn(3, 4, generator=g),
        "bias": torch.randn(4, generator=g),
        "scalar": torch.tensor(3.5),
        "empty": torch.zeros(0, 5),
        "empty3d": torch.zeros(2, 0, 3),
        "transposed": torch.randn(3, 5, generator=g).t(),
        "specials": specials,
        "layers.0.self_attn.in_proj_weight": torch.randn(6, 2, generator=g),
        "ünïcödé.权重": torch.arange(6, dtype=torch.float32).reshape(2, 3),
        "emoji😀": torch.tensor([1.0, -1.0]),
        'quote"back\\slash\nnewline': torch.tensor([[7.0]]),
        "": torch.tensor([42.0]),
    }
    assert not tensors["transposed"].is_contiguous()
    metadata = {"format": "pt", "epoch": 3, "flag": True, "note": "héllo\twörld"}
    path = os.path.join(OUT, "torch_f32.safetensors")
    mater_ref.save_safetensors(path, tensors, metadata)
    # what the file must read back as: the same tensors, row-major
    back = mater_ref.load_safetensors(path)
    for k, v in tensors.items():
        assert torch.equal(back[k].nan_to_num(7.0), v.nan_to_num(7.0)), k
    expected = [(k, "F32", tuple(v.shape), v.contiguous().numpy()) for k, v in tensors.items()]
    write_expected(os.path.join(OUT, "torch_f32.expected.json"), expected,
                   {"format": "pt", "epoch": "3", "flag": "true", "note": "héllo\twörld"})


def f16_from_bits(bits):
    return np.array(bits, dtype=np.uint16).view(np.float16)


def dtypes_fixture():
    rng = np.random.default_rng(7)
    # ---- F16: specials and a few random values; 21 elements = 42 bytes, so the next tensor is unaligned
    f16 = np.concatenate([
        f16_from_bits([0x0000, 0x8000, 0x3C00, 0xC000, 0x7BFF, 0xFBFF,  # 0, -0, 1, -2, 65504, -65504
                       0x0400, 0x0001, 0x03FF, 0x8001, 0x8200,          # min normal, subnormals (min, max, neg)
                       0x7C00, 0xFC00, 0x7E00, 0xFE00, 0x7C01, 0x7E55]),  # inf, -inf, NaNs with payloads
        rng.standard_normal(4).astype(np.float16)]).reshape(3, 7)
    # ---- BF16: float32 bit patterns cut to their top 16 bits (BF16 -> F32 is exact)
    bf16_bits = np.concatenate([
        np.array([0x0000, 0x8000, 0x3F80, 0x7F80, 0xFF80, 0x7FC0, 0x0001, 0x807F, 0x7F7F], dtype=np.uint16),
        (rng.standard_normal(6).astype(np.float32).view(np.uint32) >> 16).astype(np.uint16)])
    bf16_as_f32 = (bf16_bits.astype(np.uint32) << 16).view(np.float32)
    # ---- F64: round-to-nearest-even to float32, incl. ties, overflow to inf and underflow
    one = 1.0
    f64 = np.array([
        0.1, 1 / 3, -2 / 3,
        one + 2.0 ** -24,                  # tie between 1 and 1+2^-23 -> even (1.0)
        one + 3 * 2.0 ** -24,              # tie -> even (1 + 2^-22)
        one + 2.0 ** -24 + 2.0 ** -50,     # just above the tie -> up
        3.4028234663852886e38,             # FLT_MAX
        3.4028234663852886e38 + 2.0 ** 103,  # FLT_MAX + half an ulp: tie -> even, i.e. inf
        3.4028234663852886e38 + 2.0 ** 102,  # below the tie -> FLT_MAX
        1e300, -1e300, 1e-50, -1e-50,
        2.0 ** -149, 2.0 ** -150,          # min float subnormal; half of it (tie -> 0)
        1.5 * 2.0 ** -149,                 # tie between 1 and 2 subnormal units -> 2 (even)
        float("inf"), float("-inf"), float("nan"), -0.0,
        *rng.standard_normal(4) * 1000])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        f64_as_f32 = f64.astype(np.float32)
    i64 = np.array([0, 1, -1, 7, 2 ** 24, -(2 ** 24), 2 ** 25, 16777218, 2 ** 62, -(2 ** 63)], dtype=np.int64).reshape(2, 5)
    i32 = np.array([0, -1, 5, 2 ** 24, -(2 ** 24), 2 ** 30, -(2 ** 31), 1 << 28], dtype=np.int32).reshape(2, 2, 2)
    i16 = np.array([-32768, 32767, 0, -1, 12345], dtype=np.int16)
    i8 = np.array([-128, 127, 0], dtype=np.int8)
    u8 = np.array([[0, 255], [128, 1]], dtype=np.uint8)
    boolean = np.array([0, 1, 1, 0, 1], dtype=np.uint8)
    f32 = rng.standard_normal(5).astype(np.float32)
    f64_scalar = np.array(2.5, dtype=np.float64)
    i64_empty = np.zeros((0, 3), dtype=np.int64)

    # (name, dtype, array, raw little-endian bytes, float32 the reader must produce), in data order
    data_order = [
        ("half", "F16", f16, f16.astype("<f2").tobytes(), f16.astype(np.float32)),
        ("single", "F32", f32, f32.astype("<f4").tobytes(), f32),                          # at byte 42
        ("int8", "I8", i8, i8.tobytes(), i8.astype(np.float32)),
        ("double", "F64", f64, f64.astype("<f8").tobytes(), f64_as_f32),                   # at byte 65
        ("brain", "BF16", bf16_bits, bf16_bits.astype("<u2").tobytes(), bf16_as_f32),
        ("labels.i64", "I64", i64, i64.astype("<i8").tobytes(), i64.astype(np.float32)),
        ("größe.u8", "U8", u8, u8.tobytes(), u8.astype(np.float32)),
        ("i32", "I32", i32, i32.astype("<i4").tobytes(), i32.astype(np.float32)),
        ("empty.i64", "I64", i64_empty, b"", i64_empty.astype(np.float32)),
        ("i16", "I16", i16, i16.astype("<i2").tobytes(), i16.astype(np.float32)),
        ("mask", "BOOL", boolean, boolean.tobytes(), boolean.astype(np.float32)),
        ("scalar.f64", "F64", f64_scalar, f64_scalar.astype("<f8").tobytes(), f64_scalar.astype(np.float32)),
    ]
    entries, offset = {}, 0
    for name, dtype, arr, raw, _ in data_order:
        entries[name] = {"dtype": dtype, "shape": list(arr.shape), "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
    assert entries["single"]["data_offsets"][0] % 4 != 0 and entries["double"]["data_offsets"][0] % 8 != 0
    metadata = {"source": "numpy+struct", "ünï": "cödé ✓"}
    header_order = [e[0] for e in reversed(data_order)]
    header = {}
    for i, name in enumerate(header_order):
        if i == 5:
            header["__metadata__"] = metadata
        header[name] = entries[name]
    raw_header = json.dumps(header, ensure_ascii=False, indent=1).encode("utf-8")
    raw_header += b" " * (-len(raw_header) % 8)
    with open(os.path.join(OUT, "dtypes.safetensors"), "wb") as f:
        f.write(struct.pack("<Q", len(raw_header)))
        f.write(raw_header)
        for _, _, _, raw, _ in data_order:
            f.write(raw)
    by_name = {e[0]: e for e in data_order}
    expected = [(n, by_name[n][1], by_name[n][2].shape, by_name[n][4]) for n in header_order]
    write_expected(os.path.join(OUT, "dtypes.expected.json"), expected, metadata)


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    torch_fixture()
    dtypes_fixture()
    for n in sorted(os.listdir(OUT)):
        print(n, os.path.getsize(os.path.join(OUT, n)), "bytes")
