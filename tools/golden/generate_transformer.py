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
    """Uniform in [-1, 1), rounded to 4 decimals so the JSON stays short (outputs keep full precision)."""
    return torch.round((torch.rand(*shape, generator=gen, dtype=F64) * 2 - 1) * 1e4) / 1e4


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
# modules


def seed_params(m, gen, scale=0.5):
    with torch.no_grad():
        for p in m.parameters():
            p.copy_(rand(gen, *p.shape) * scale)


def key_padding(gen, n, s):
    """A bool [n, s] mask (True = ignore) that leaves every row its first key."""
    m = torch.rand(n, s, generator=gen, dtype=F64) < 0.3
    m[:, 0] = False
    return m


def module_case(cid, m, run, inputs, masks, mode, config, gen, param_grads=True):
    """run(m, inputs, masks) -> tensor or tuple of tensors; records outputs and the gradients of
    sum(output_i * w_i) with respect to the float inputs and (param_grads) every parameter."""
    m.train(mode == "train")
    outs = run(m, inputs, masks)
    outs = outs if isinstance(outs, tuple) else (outs,)
    loss = 0
    weights = []
    for o in outs:
        if o is None:
            weights.append(None)
            continue
        w = rand(gen, *o.shape)
        weights.append(w)
        loss = loss + (o * w).sum()
    loss.backward()
    case = {"id": cid, "mode": mode, "config": config,
            "inputs": {k: encode(v) for k, v in inputs.items()},
            "masks": {k: encode(v) for k, v in masks.items() if v is not None},
            "outputs": [None if o is None else encode(o) for o in outs],
            "gradWeights": [None if w is None else encode(w) for w in weights],
            "gradInputs": {k: encode(v.grad) for k, v in inputs.items() if v.grad is not None},
            "params": {n: encode(p) for n, p in m.named_parameters()},
            "paramOrder": [n for n, _ in m.named_parameters()]}
    if param_grads:
        case["grads"] = {n: encode(p.grad) for n, p in m.named_parameters()}
    return case


def mha_case(cid, e, h, n=3, l=4, s=5, bias=True, add_bias_kv=False, add_zero_attn=False, kdim=None, vdim=None,
             batch_first=False, unbatched=False, self_attn=False, kpm=False, attn_mask=None, need_weights=True,
             average=True):
    gen = torch.Generator().manual_seed(seed_of(cid))
    m = nn.MultiheadAttention(e, h, bias=bias, add_bias_kv=add_bias_kv, add_zero_attn=add_zero_attn, kdim=kdim,
                              vdim=vdim, batch_first=batch_first).double()
    seed_params(m, gen)
    kd, vd = kdim or e, vdim or e
    if self_attn:
        s = l

    def shape(length, feat):
        if unbatched:
            return [length, feat]
        return [n, length, feat] if batch_first else [length, n, feat]
    q = rand(gen, *shape(l, e)).requires_grad_()
    inputs = {"query": q}
    if not self_attn:
        inputs["key"] = rand(gen, *shape(s, kd)).requires_grad_()
        inputs["value"] = rand(gen, *shape(s, vd)).requires_grad_()
    extra = (1 if add_bias_kv else 0) + (1 if add_zero_attn else 0)
    masks = {}
    if kpm:
        km = key_padding(gen, 1 if unbatched else n, s)
        masks["keyPaddingMask"] = km[0] if unbatched else km
    if attn_mask == "bool":
        am = torch.rand(l, s, generator=gen, dtype=F64) < 0.3
        am[:, 0] = False
        masks["attnMask"] = am
    elif attn_mask == "float":
        masks["attnMask"] = (rand(gen, l, s)).masked_fill(torch.rand(l, s, generator=gen, dtype=F64) < 0.2,
                                                          float("-inf"))
        masks["attnMask"][:, 0] = 0.25
    elif attn_mask == "bool3d":
        am = torch.rand((1 if unbatched else n) * h, l, s, generator=gen, dtype=F64) < 0.3
        am[..., 0] = False
        masks["attnMask"] = am

    def run(mod, ins, ms):
        k = ins.get("key", ins["query"])
        v = ins.get("value", ins["query"])
        return mod(ins["query"], k, v, key_padding_mask=ms.get("keyPaddingMask"), need_weights=need_weights,
                   attn_mask=ms.get("attnMask"), average_attn_weights=average)
    config = {"embedDim": e, "numHeads": h, "bias": bias, "addBiasKv": add_bias_kv, "addZeroAttn": add_zero_attn,
              "kdim": kd, "vdim": vd, "batchFirst": batch_first, "needWeights": need_weights,
              "averageAttnWeights": average, "selfAttention": self_attn}
    del extra
    return module_case(cid, m, run, inputs, masks, "eval", config, gen)


def mha_cases():
    return [
        mha_case("mha_self", 8, 2, self_attn=True),
        mha_case("mha_cross_weights_per_head", 8, 4, average=False, attn_mask="bool"),
        mha_case("mha_kdim_vdim_batch_first_padding", 6, 3, kdim=5, vdim=7, batch_first=True, kpm=True),
        mha_case("mha_float_mask_and_padding", 8, 2, attn_mask="float", kpm=True, need_weights=False),
        mha_case("mha_bool3d_mask", 4, 2, attn_mask="bool3d", kpm=True),
        mha_case("mha_bias_kv_zero_attn", 8, 2, add_bias_kv=True, add_zero_attn=True, kpm=True, attn_mask="bool"),
        mha_case("mha_unbatched_padding", 6, 2, unbatched=True, kpm=True),
        mha_case("mha_no_bias", 6, 3, bias=False, batch_first=True),
    ]


def causal_mask(t):
    return nn.Transformer.generate_square_subsequent_mask(t).double()


def layer_config(d, h, ff, dropout, activation, batch_first, norm_first):
    return {"dModel": d, "nhead": h, "dimFeedforward": ff, "dropout": dropout, "activation": activation,
            "layerNormEps": 1e-5, "batchFirst": batch_first, "normFirst": norm_first}


def seq(gen, batch_first, n, length, d):
    return rand(gen, *([n, length, d] if batch_first else [length, n, d])).requires_grad_()


def encoder_layer_case(cid, norm_first=False, activation="relu", batch_first=False, mode="eval", layers=0):
    gen = torch.Generator().manual_seed(seed_of(cid))
    d, h, ff, n, s = 8, 2, 16, 3, 5
    dropout = 0.1 if mode == "eval" else 0.0
    layer = nn.TransformerEncoderLayer(d, h, ff, dropout, activation, batch_first=batch_first, norm_first=norm_first)
    m = nn.TransformerEncoder(layer, layers, nn.LayerNorm(d)) if layers else layer
    m = m.double()
    seed_params(m, gen)
    inputs = {"src": seq(gen, batch_first, n, s, d)}
    masks = {"srcMask": causal_mask(s), "srcKeyPaddingMask": key_padding(gen, n, s)}

    def run(mod, ins, ms):
        if layers:
            return mod(ins["src"], mask=ms["srcMask"], src_key_padding_mask=ms["srcKeyPaddingMask"])
        return mod(ins["src"], src_mask=ms["srcMask"], src_key_padding_mask=ms["srcKeyPaddingMask"])
    config = dict(layer_config(d, h, ff, dropout, activation, batch_first, norm_first), numLayers=layers)
    return module_case(cid, m, run, inputs, masks, mode, config, gen)


def decoder_layer_case(cid, norm_first=False, activation="relu", batch_first=False, mode="eval", layers=0):
    gen = torch.Generator().manual_seed(seed_of(cid))
    d, h, ff, n, t, s = 8, 2, 16, 3, 4, 5
    dropout = 0.1 if mode == "eval" else 0.0
    layer = nn.TransformerDecoderLayer(d, h, ff, dropout, activation, batch_first=batch_first, norm_first=norm_first)
    m = nn.TransformerDecoder(layer, layers, nn.LayerNorm(d)) if layers else layer
    m = m.double()
    seed_params(m, gen)
    inputs = {"tgt": seq(gen, batch_first, n, t, d), "memory": seq(gen, batch_first, n, s, d)}
    masks = {"tgtMask": causal_mask(t), "tgtKeyPaddingMask": key_padding(gen, n, t),
             "memoryKeyPaddingMask": key_padding(gen, n, s)}

    def run(mod, ins, ms):
        return mod(ins["tgt"], ins["memory"], tgt_mask=ms["tgtMask"], tgt_key_padding_mask=ms["tgtKeyPaddingMask"],
                   memory_key_padding_mask=ms["memoryKeyPaddingMask"])
    config = dict(layer_config(d, h, ff, dropout, activation, batch_first, norm_first), numLayers=layers)
    return module_case(cid, m, run, inputs, masks, mode, config, gen)


def transformer_case(cid, mode, norm_first=False, activation="relu", batch_first=False, memory_mask=False):
    gen = torch.Generator().manual_seed(seed_of(cid))
    d, h, ff, n, s, t = 8, 2, 16, 3, 5, 4
    dropout = 0.1 if mode == "eval" else 0.0
    m = nn.Transformer(d, h, 2, 2, ff, dropout, activation, batch_first=batch_first, norm_first=norm_first).double()
    seed_params(m, gen)
    inputs = {"src": seq(gen, batch_first, n, s, d), "tgt": seq(gen, batch_first, n, t, d)}
    src_kpm = key_padding(gen, n, s)
    masks = {"tgtMask": causal_mask(t), "srcKeyPaddingMask": src_kpm, "tgtKeyPaddingMask": key_padding(gen, n, t),
             "memoryKeyPaddingMask": src_kpm}
    if memory_mask:
        mm = torch.rand(t, s, generator=gen, dtype=F64) < 0.25
        mm[:, 0] = False
        masks["memoryMask"] = mm

    def run(mod, ins, ms):
        return mod(ins["src"], ins["tgt"], tgt_mask=ms["tgtMask"], memory_mask=ms.get("memoryMask"),
                   src_key_padding_mask=ms["srcKeyPaddingMask"], tgt_key_padding_mask=ms["tgtKeyPaddingMask"],
                   memory_key_padding_mask=ms["memoryKeyPaddingMask"])
    config = dict(layer_config(d, h, ff, dropout, activation, batch_first, norm_first), numEncoderLayers=2,
                  numDecoderLayers=2)
    # the whole model's parameter gradients once, in training mode; eval cases check outputs and inputs' gradients
    return module_case(cid, m, run, inputs, masks, mode, config, gen, param_grads=mode == "train")


def layer_cases():
    return [
        encoder_layer_case("encoder_layer_post_relu"),
        encoder_layer_case("encoder_layer_pre_gelu_batch_first_train", norm_first=True, activation="gelu",
                           batch_first=True, mode="train"),
        decoder_layer_case("decoder_layer_post_relu"),
        decoder_layer_case("decoder_layer_pre_gelu_batch_first_train", norm_first=True, activation="gelu",
                           batch_first=True, mode="train"),
        encoder_layer_case("encoder_2_layers_norm", layers=2),
        decoder_layer_case("decoder_2_layers_norm_train", layers=2, mode="train"),
    ]


def transformer_cases():
    return [
        transformer_case("transformer_eval", "eval"),
        transformer_case("transformer_train_dropout0", "train", memory_mask=True),
        transformer_case("transformer_pre_gelu_batch_first_eval", "eval", norm_first=True, activation="gelu",
                         batch_first=True),
    ]


def position_cases():
    gen = torch.Generator().manual_seed(seed_of("positions"))
    # PyTorch's tutorial PositionalEncoding, in float64
    d, max_len = 6, 12
    position = torch.arange(max_len, dtype=F64).unsqueeze(1)
    div_term = torch.exp(torch.arange(0, d, 2, dtype=F64) * (-math.log(10000.0) / d))
    pe = torch.zeros(max_len, d, dtype=F64)
    pe[:, 0::2] = torch.sin(position * div_term)
    pe[:, 1::2] = torch.cos(position * div_term)
    # rotary, GPT-NeoX / LLaMA rotate_half form, positions from an offset
    dim, offset, base = 8, 3, 10000.0
    x = rand(gen, 2, 2, 5, dim).requires_grad_()
    inv_freq = 1.0 / (base ** (torch.arange(0, dim, 2, dtype=F64) / dim))
    t = torch.arange(offset, offset + 5, dtype=F64)
    freqs = torch.outer(t, inv_freq)
    emb = torch.cat((freqs, freqs), dim=-1)
    x1, x2 = x[..., : dim // 2], x[..., dim // 2:]
    out = x * emb.cos() + torch.cat((-x2, x1), dim=-1) * emb.sin()
    w = rand(gen, *out.shape)
    (out * w).sum().backward()
    return {"sinusoidal": {"dModel": d, "maxLen": max_len, "pe": encode(pe)},
            "rotary": {"dim": dim, "offset": offset, "base": base, "input": encode(x), "output": encode(out),
                       "gradWeight": encode(w), "gradInput": encode(x.grad)}}


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
    mha, layers, transformers = mha_cases(), layer_cases(), transformer_cases()
    print(write("transformer.json", {"mha": mha, "layers": layers, "transformers": transformers,
                                     "positions": position_cases()}),
          len(mha), "MultiheadAttention cases,", len(layers), "layer cases,", len(transformers), "transformers")


if __name__ == "__main__":
    main()
