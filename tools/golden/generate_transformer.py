#!/usr/bin/python3
"""Writes the PyTorch reference fixtures for Vesalius' attention and transformer layers
(org.vesalius.nn.F.scaledDotProductAttention, org.vesalius.transformer).

Run with Debian's interpreter, which has python3-torch (1.13):

    /usr/bin/python3 tools/golden/generate_transformer.py

It writes two files under transformer/src/test/resources/golden/:

- attention.json, read by AttentionParityTest: scaled dot-product attention with PyTorch 2's semantics
  (bool mask = True takes part, float mask added, is_causal = lower-triangular ones(L, S), scale default
  1/sqrt(E)). PyTorch 1.13 has no F.scaled_dot_product_attention, so the reference is PyTorch 2's
  documented formula evaluated in float64 with autograd; outputs and the gradients of sum(out * w) with
  respect to query, key, value (and a float mask).
- transformer.json, read by TransformerParityTest: nn.MultiheadAttention, the encoder and decoder
  layers, the stacks and a whole nn.Transformer with seeded float64 weights (state dicts by name), in
  eval and train mode (dropout 0), with masks; outputs, attention weights and the gradients of
  sum(out * w) with respect to the inputs and every parameter.

Inputs are seeded from each case's id, so the files only change when a case (or PyTorch) does. Outputs
are computed with gradients enabled, which keeps 1.13's fast paths (nested tensors, native MHA) out of
eval mode: they would zero padded positions that the plain formula leaves as they are.
"""
import json
import math
import os
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from generate import encode, seed_of  # noqa: E402  (shared tensor encoding and seeds)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT_DIR = os.path.join(ROOT, "transformer", "src", "test", "resources", "golden")
F64 = torch.float64


def rand(gen, *shape):
    return torch.rand(*shape, generator=gen, dtype=F64) * 2 - 1


# ------------------------------------------------------------------------------------------------
# scaled dot-product attention


def sdpa_reference(q, k, v, attn_mask=None, is_causal=False, scale=None):
    """PyTorch 2's documented formula for F.scaled_dot_product_attention (dropout 0)."""
    L, S = q.size(-2), k.size(-2)
    scale_factor = 1 / math.sqrt(q.size(-1)) if scale is None else scale
    bias = torch.zeros(L, S, dtype=q.dtype)
    if is_causal:
        assert attn_mask is None
        allowed = torch.ones(L, S, dtype=torch.bool).tril(diagonal=0)
        bias = bias.masked_fill(allowed.logical_not(), float("-inf"))
    if attn_mask is not None:
        if attn_mask.dtype == torch.bool:
            bias = torch.zeros(attn_mask.shape, dtype=q.dtype).masked_fill(attn_mask.logical_not(), float("-inf"))
        else:
            bias = attn_mask + bias
    weights = torch.softmax(q @ k.transpose(-2, -1) * scale_factor + bias, dim=-1)
    return weights @ v


def attention_case(cid, qs, ks, vs, mask=None, is_causal=False, scale=None):
    """mask: None, ("bool", shape, p_keep) or ("float", shape, p_neg_inf)."""
    gen = torch.Generator().manual_seed(seed_of(cid))
    q = rand(gen, *qs).requires_grad_()
    k = rand(gen, *ks).requires_grad_()
    v = rand(gen, *vs).requires_grad_()
    m = None
    if mask is not None:
        kind, shape, p = mask
        u = torch.rand(*shape, generator=gen, dtype=F64)
        if kind == "bool":
            m = u < p
            # every row keeps its first key, so no row is left without one
            m[..., 0] = True
        else:
            m = (rand(gen, *shape) * 2).masked_fill(u < p, float("-inf"))
            m[..., 0] = 0.5
            m.requires_grad_()
    out = sdpa_reference(q, k, v, m, is_causal, scale)
    w = rand(gen, *out.shape)
    (out * w).sum().backward()
    case = {"id": cid, "query": encode(q), "key": encode(k), "value": encode(v), "isCausal": is_causal,
            "output": encode(out), "gradWeight": encode(w), "gradQuery": encode(q.grad), "gradKey": encode(k.grad),
            "gradValue": encode(v.grad)}
    if scale is not None:
        case["scale"] = scale
    if m is not None:
        case["mask"] = encode(m)
        if m.grad is not None:
            case["gradMask"] = encode(m.grad)
    return case


def attention_cases():
    return [
        attention_case("self", [2, 3, 5, 8], [2, 3, 5, 8], [2, 3, 5, 8]),
        attention_case("cross_scale", [2, 4, 6], [2, 7, 6], [2, 7, 3], scale=0.5),
        attention_case("unbatched", [4, 8], [6, 8], [6, 3]),
        attention_case("key_padding_bool", [2, 3, 4, 8], [2, 3, 7, 8], [2, 3, 7, 5], mask=("bool", [2, 1, 1, 7], 0.6)),
        attention_case("bool_per_query", [2, 2, 5, 4], [2, 2, 6, 4], [2, 2, 6, 4], mask=("bool", [5, 6], 0.5)),
        attention_case("float_mask", [2, 2, 4, 4], [2, 2, 7, 4], [2, 2, 7, 3], mask=("float", [4, 7], 0.3)),
        attention_case("causal", [2, 2, 6, 4], [2, 2, 6, 4], [2, 2, 6, 4], is_causal=True),
        attention_case("causal_fewer_queries", [1, 2, 5, 4], [1, 2, 8, 4], [1, 2, 8, 2], is_causal=True),
        attention_case("causal_more_queries", [1, 2, 8, 4], [1, 2, 5, 4], [1, 2, 5, 2], is_causal=True),
        attention_case("broadcast_batch", [2, 3, 4, 8], [1, 3, 6, 8], [1, 3, 6, 5]),
        # two key blocks of the blocked path (512 keys each) and three query blocks of 32 rows
        attention_case("long_keys", [1, 1, 70, 2], [1, 1, 600, 2], [1, 1, 600, 2], mask=("bool", [1, 1, 1, 600], 0.8)),
    ]


# ------------------------------------------------------------------------------------------------


def write(name, payload):
    os.makedirs(OUT_DIR, exist_ok=True)
    path = os.path.join(OUT_DIR, name)
    payload = {"torch": torch.__version__, "generator": "tools/golden/generate_transformer.py", **payload}
    with open(path, "w") as f:
        json.dump(payload, f, separators=(",", ":"), allow_nan=False)
        f.write("\n")
    return path


def main():
    attention = attention_cases()
    print(write("attention.json", {"cases": attention}), len(attention), "attention cases")


if __name__ == "__main__":
    main()
