#!/usr/bin/python3
"""Writes the safetensors fixtures for org.vesalius.io: files PyTorch wrote, which Vesalius must read.

Run with Debian's interpreter, which has python3-torch:

    /usr/bin/python3 tools/golden/generate_safetensors.py

Debian has no package of Hugging Face's `safetensors`, so this script writes the format itself, as the
reference implementation (safetensors/src/tensor.rs) does: an 8-byte little-endian header length; a
compact JSON header with "__metadata__" first, then the tensors sorted by descending dtype alignment
(the reference's Dtype enum order) and then by name, each {"dtype", "shape", "data_offsets"}; the header
padded with spaces to a multiple of 8 bytes; then the tensors' little-endian bytes in that order.
The Java tests check that Vesalius writes the same tensors back byte for byte.

It writes to backend-cpu/src/test/resources/io/:

  torch_model.safetensors / .json  the state dict of a small trained PyTorch model (Embedding, Flatten,
                                   Linear, LayerNorm, BatchNorm1d with nonzero running statistics, ReLU,
                                   Linear) and, in the JSON, an input and the model's output in eval mode
  all_dtypes.safetensors / .json   one tensor of every dtype Vesalius reads (F64, F32, F16, BF16, I64,
                                   I32, U8, BOOL) with edge values (signed zeros, subnormals, extremes,
                                   infinities, NaN), a scalar and an empty tensor; the JSON gives each
                                   tensor's elements as raw bits (the integer of the same width)
"""
import json
import os

import torch
import torch.nn as nn

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT_DIR = os.path.join(ROOT, "backend-cpu", "src", "test", "resources", "io")

# The reference implementation's Dtype enum, in its order (ascending alignment).
ST_ORDER = ["BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "F64",
            "I64", "U64"]
ST_NAME = {torch.bool: "BOOL", torch.uint8: "U8", torch.float16: "F16", torch.bfloat16: "BF16",
           torch.int32: "I32", torch.float32: "F32", torch.float64: "F64", torch.int64: "I64"}
# Integer dtypes of the same width, to read floats' raw bits.
BITS = {torch.float16: torch.int16, torch.bfloat16: torch.int16, torch.float32: torch.int32,
        torch.float64: torch.int64}


def raw_bytes(t):
    """The tensor's elements as little-endian bytes, row-major (this host is little-endian)."""
    t = t.detach().contiguous().reshape(-1)
    if t.numel() == 0:
        return b""
    return bytes(t.view(torch.uint8).tolist())


def save_safetensors(tensors, metadata, path):
    order = sorted(tensors.items(), key=lambda kv: (-ST_ORDER.index(ST_NAME[kv[1].dtype]), kv[0]))
    header = {}
    if metadata is not None:
        header["__metadata__"] = metadata
    offset = 0
    data = []
    for name, t in order:
        b = raw_bytes(t)
        header[name] = {"dtype": ST_NAME[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(b)]}
        offset += len(b)
        data.append(b)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(len(text).to_bytes(8, "little"))
        f.write(text)
        for b in data:
            f.write(b)


def bits(t):
    t = t.detach().contiguous()
    if t.dtype in BITS:
        t = t.view(BITS[t.dtype]) if t.dim() > 0 else t.reshape(1).view(BITS[t.dtype]).reshape(())
    return t.reshape(-1).tolist() if t.dtype != torch.bool else [int(v) for v in t.reshape(-1).tolist()]


def write_json(name, body):
    with open(os.path.join(OUT_DIR, name), "w") as f:
        json.dump(dict(body, torch=torch.__version__, generator="tools/golden/generate_safetensors.py"), f,
                  separators=(",", ":"), allow_nan=False)
        f.write("\n")


def torch_model():
    torch.manual_seed(20240601)
    model = nn.Sequential(
        nn.Embedding(10, 4),  # [N, 3] -> [N, 3, 4]
        nn.Flatten(),         # -> [N, 12]
        nn.Linear(12, 8),
        nn.LayerNorm(8),
        nn.BatchNorm1d(8),
        nn.ReLU(),
        nn.Linear(8, 3),
    )
    with torch.no_grad():
        for m in (model[3], model[4]):  # affine parameters away from their 1/0 defaults
            m.weight.normal_(1.0, 0.3)
            m.bias.normal_(0.0, 0.3)
    model.train()
    with torch.no_grad():
        for _ in range(3):  # running statistics away from 0/1, num_batches_tracked = 3
            model(torch.randint(0, 10, (16, 3)))
    model.eval()
    x = torch.randint(0, 10, (5, 3))
    with torch.no_grad():
        y = model(x)
    sd = model.state_dict()
    save_safetensors(sd, {"format": "pt"}, os.path.join(OUT_DIR, "torch_model.safetensors"))
    write_json("torch_model.json", {
        "keys": list(sd.keys()),
        "input": {"shape": list(x.shape), "data": x.reshape(-1).tolist()},
        "output": {"shape": list(y.shape), "data": y.reshape(-1).tolist()},
        "runningMean": sd["4.running_mean"].tolist(),
    })


def all_dtypes():
    inf, nan = float("inf"), float("nan")
    t = {
        "f32": torch.tensor([0.0, -0.0, 1.5, -2.25, 3.4028235e38, 1e-45, inf, -inf, nan], dtype=torch.float32)
        .reshape(3, 3),
        "f64": torch.tensor([1 / 3, -1e300, 5e-324, inf, nan, -0.0], dtype=torch.float64).reshape(2, 3),
        "f16": torch.tensor([1.0, -2.5, 65504.0, 6e-8, 0.1, inf, -inf, nan], dtype=torch.float16),
        "bf16": torch.tensor([1.0, -2.5, 3.0e38, 1e-39, 0.1, inf, nan, -0.0], dtype=torch.bfloat16).reshape(2, 4),
        "i64": torch.tensor([0, -1, 2 ** 62, -2 ** 63, 2 ** 63 - 1], dtype=torch.int64),
        "i32": torch.tensor([0, -1, 2 ** 31 - 1, -2 ** 31], dtype=torch.int32).reshape(2, 2),
        "u8": torch.tensor([0, 1, 127, 128, 255], dtype=torch.uint8),
        "bool": torch.tensor([True, False, False, True]).reshape(2, 2),
        "scalar": torch.tensor(7.5, dtype=torch.float32),
        "empty": torch.zeros(0, 3, dtype=torch.int64),
    }
    save_safetensors(t, {"source": "pytorch", "note": "one tensor of each dtype"},
                     os.path.join(OUT_DIR, "all_dtypes.safetensors"))
    write_json("all_dtypes.json", {"tensors": {k: {"dtype": str(v.dtype).replace("torch.", ""), "shape": list(v.shape),
                                                   "bits": bits(v)} for k, v in t.items()}})


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    torch_model()
    all_dtypes()
    for f in sorted(os.listdir(OUT_DIR)):
        print(f, os.path.getsize(os.path.join(OUT_DIR, f)), "bytes")


if __name__ == "__main__":
    main()
