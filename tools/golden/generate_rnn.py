#!/usr/bin/python3
"""Writes the PyTorch reference fixtures for Vesalius' recurrent layers (org.vesalius.rnn).

Run with Debian's interpreter, which has python3-torch:

    /usr/bin/python3 tools/golden/generate_rnn.py

It writes rnn/src/test/resources/golden/rnn.json, read by rnn/src/test/java/org/vesalius/rnn/RNNParityTest.java.
Each case builds a layer (RNN, LSTM, GRU) or a cell with seeded float64 parameters, runs it on a seeded
input (padded, or packed from unsorted lengths), and records the outputs and the gradients of
loss = sum(output * wo) + sum(h * wh) + sum(c * wc) with respect to the input, the initial states and
every parameter (by PyTorch's state-dict name). Inputs are seeded from each case's id, so the file only
changes when a case (or PyTorch) does.
"""
import json
import os
import sys

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from generate import encode, seed_of  # noqa: E402  (shared tensor encoding and seeds)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "rnn", "src", "test", "resources", "golden", "rnn.json")
F64 = torch.float64


def rand(gen, *shape):
    return torch.rand(*shape, generator=gen, dtype=F64) * 2 - 1


def layer_case(cid, kind, inp, hidden, layers=1, bidirectional=False, batch_first=False, bias=True, proj=0,
               nonlinearity="tanh", steps=5, batch=3, with_state=True, lengths=None, unbatched=False):
    gen = torch.Generator().manual_seed(seed_of(cid))
    cls = {"RNN": nn.RNN, "LSTM": nn.LSTM, "GRU": nn.GRU}[kind]
    kw = dict(num_layers=layers, bias=bias, batch_first=batch_first, bidirectional=bidirectional)
    if kind == "RNN":
        kw["nonlinearity"] = nonlinearity
    if proj:
        kw["proj_size"] = proj
    m = cls(inp, hidden, **kw).to(F64)
    with torch.no_grad():
        for p in m.parameters():
            p.copy_(rand(gen, *p.shape) * 0.6)
    d = 2 if bidirectional else 1
    out_size = proj if proj else hidden
    shape = [steps, inp] if unbatched else ([batch, steps, inp] if batch_first else [steps, batch, inp])
    x = rand(gen, *shape).requires_grad_()
    state_shape = [layers * d] + ([] if unbatched else [batch])
    h0 = (rand(gen, *(state_shape + [out_size])) * 0.5).requires_grad_() if with_state else None
    c0 = (rand(gen, *(state_shape + [hidden])) * 0.5).requires_grad_() if with_state and kind == "LSTM" else None
    state = None
    if with_state:
        state = (h0, c0) if kind == "LSTM" else h0
    if lengths is not None:
        packed = pack_padded_sequence(x, torch.tensor(lengths), batch_first=batch_first, enforce_sorted=False)
        out_packed, hs = m(packed, state)
        out = out_packed.data
        padded, _ = pad_packed_sequence(out_packed, batch_first=batch_first)
    else:
        out, hs = m(x, state)
        padded = None
    h, c = (hs if kind == "LSTM" else (hs, None))
    wo = rand(gen, *out.shape)
    wh = rand(gen, *h.shape)
    loss = (out * wo).sum() + (h * wh).sum()
    wc = None
    if c is not None:
        wc = rand(gen, *c.shape)
        loss = loss + (c * wc).sum()
    loss.backward()
    case = {"id": cid, "kind": kind, "inputSize": inp, "hiddenSize": hidden, "numLayers": layers,
            "bidirectional": bidirectional, "batchFirst": batch_first, "bias": bias, "projSize": proj,
            "nonlinearity": nonlinearity, "input": encode(x), "output": encode(out), "h": encode(h),
            "gradWeights": {"output": encode(wo), "h": encode(wh)},
            "params": {n: encode(p) for n, p in m.named_parameters()},
            "grads": {n: encode(p.grad) for n, p in m.named_parameters()},
            "gradInput": encode(x.grad), "paramOrder": [n for n, _ in m.named_parameters()]}
    if c is not None:
        case["c"] = encode(c)
        case["gradWeights"]["c"] = encode(wc)
    if h0 is not None:
        case["h0"] = encode(h0)
        case["gradH0"] = encode(h0.grad)
    if c0 is not None:
        case["c0"] = encode(c0)
        case["gradC0"] = encode(c0.grad)
    if lengths is not None:
        case["lengths"] = lengths
        case["padded"] = encode(padded)
    return case


def cell_case(cid, kind, inp, hidden, batch=4, bias=True, nonlinearity="tanh", unbatched=False):
    gen = torch.Generator().manual_seed(seed_of(cid))
    if kind == "RNNCell":
        m = nn.RNNCell(inp, hidden, bias=bias, nonlinearity=nonlinearity)
    else:
        m = {"LSTMCell": nn.LSTMCell, "GRUCell": nn.GRUCell}[kind](inp, hidden, bias=bias)
    m = m.to(F64)
    with torch.no_grad():
        for p in m.parameters():
            p.copy_(rand(gen, *p.shape) * 0.6)
    lead = [] if unbatched else [batch]
    x = rand(gen, *(lead + [inp])).requires_grad_()
    h0 = (rand(gen, *(lead + [hidden])) * 0.5).requires_grad_()
    c0 = (rand(gen, *(lead + [hidden])) * 0.5).requires_grad_() if kind == "LSTMCell" else None
    if kind == "LSTMCell":
        h, c = m(x, (h0, c0))
    else:
        h, c = m(x, h0), None
    wh = rand(gen, *h.shape)
    loss = (h * wh).sum()
    case = {"id": cid, "kind": kind, "inputSize": inp, "hiddenSize": hidden, "bias": bias,
            "nonlinearity": nonlinearity, "input": encode(x), "h0": encode(h0), "h": encode(h),
            "gradWeights": {"h": encode(wh)}, "params": {n: encode(p) for n, p in m.named_parameters()}}
    if c is not None:
        wc = rand(gen, *c.shape)
        loss = loss + (c * wc).sum()
        case["c0"] = encode(c0)
        case["c"] = encode(c)
        case["gradWeights"]["c"] = encode(wc)
    loss.backward()
    case["grads"] = {n: encode(p.grad) for n, p in m.named_parameters()}
    case["gradInput"] = encode(x.grad)
    case["gradH0"] = encode(h0.grad)
    if c0 is not None:
        case["gradC0"] = encode(c0.grad)
    return case


def main():
    layers = [
        layer_case("rnn_tanh", "RNN", 4, 5),
        layer_case("rnn_relu_2layer_nobias", "RNN", 3, 4, layers=2, nonlinearity="relu", bias=False),
        layer_case("rnn_bidir_batchfirst_zero_state", "RNN", 3, 4, bidirectional=True, batch_first=True,
                   with_state=False),
        layer_case("lstm", "LSTM", 4, 5),
        layer_case("lstm_2layer_bidir", "LSTM", 3, 4, layers=2, bidirectional=True),
        layer_case("lstm_proj", "LSTM", 3, 5, layers=2, proj=2),
        layer_case("lstm_unbatched", "LSTM", 3, 4, unbatched=True),
        layer_case("lstm_packed_bidir", "LSTM", 3, 4, layers=2, bidirectional=True, steps=6, batch=4,
                   lengths=[3, 6, 1, 4]),
        layer_case("gru", "GRU", 4, 5),
        layer_case("gru_2layer_bidir_batchfirst", "GRU", 3, 4, layers=2, bidirectional=True, batch_first=True),
        layer_case("gru_packed_batchfirst", "GRU", 3, 4, steps=5, batch=3, batch_first=True, lengths=[2, 5, 4]),
        layer_case("rnn_packed_bidir", "RNN", 2, 3, bidirectional=True, steps=4, batch=3, lengths=[1, 4, 2]),
    ]
    cells = [
        cell_case("rnncell", "RNNCell", 3, 4),
        cell_case("rnncell_relu_nobias", "RNNCell", 3, 4, bias=False, nonlinearity="relu"),
        cell_case("lstmcell", "LSTMCell", 3, 4),
        cell_case("grucell", "GRUCell", 3, 4),
        cell_case("grucell_unbatched", "GRUCell", 3, 4, unbatched=True),
    ]
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump({"torch": torch.__version__, "generator": "tools/golden/generate_rnn.py", "layers": layers,
                   "cells": cells}, f, separators=(",", ":"), allow_nan=False)
        f.write("\n")
    print(OUT, len(layers), "layer cases,", len(cells), "cell cases")


if __name__ == "__main__":
    main()
