#!/usr/bin/python3
"""Writes the PyTorch reference fixtures that Vesalius' parity tests compare against.

Run with Debian's interpreter, which has python3-torch:

    /usr/bin/python3 tools/golden/generate.py

Every case is small and seeded from its own id, so the files only change when a case changes (or
PyTorch does). Cases are written per op family to backend-cpu/src/test/resources/golden/<family>.json.
The op names are the Java method names (PyTorch's in camelCase); an op key may carry a variant after a
dot ("sum.dims", "add.scalar") when one Java method has several overloads worth telling apart. kwargs
use the Java parameter names. Float64 cases carry gradients of sum(output * w) for fixed weights w;
float32 and integer cases check forward values and dtypes only.
"""
import json
import math
import os
import sys
import zlib

import numpy as np
import torch
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT_DIR = os.path.join(ROOT, "backend-cpu", "src", "test", "resources", "golden")

DTYPES = {
    "float32": torch.float32, "float64": torch.float64, "float16": torch.float16,
    "bfloat16": torch.bfloat16, "int64": torch.int64, "int32": torch.int32,
    "uint8": torch.uint8, "bool": torch.bool,
}
NAMES = {v: k for k, v in DTYPES.items()}
INF = float("inf")
NAN = float("nan")


# --------------------------------------------------------------------------------------------
# Input specifications. Each knows how to make its tensor from a seeded generator; values are
# rounded to 4 decimals so the JSON stays short (the outputs keep full precision).

class Spec:
    def __init__(self, make, dtype, grad=None, layout=None, expand=None):
        self.make = make
        self.dtype = dtype
        # float64 inputs get gradients unless told otherwise; other dtypes never do
        self.grad = (dtype == "float64") if grad is None else grad
        self.layout = layout
        self.expand = expand

    def but(self, **kw):
        s = Spec(self.make, self.dtype, self.grad, self.layout, self.expand)
        for k, v in kw.items():
            setattr(s, k, v)
        return s


def _uniform(gen, shape, lo, hi, away, points):
    v = torch.rand(shape, generator=gen, dtype=torch.float64) * (hi - lo) + lo
    for p in points:
        # add the margin to the distance rather than clamping to it, so no two values tie
        d = v - p
        near = d.abs() < away
        v = torch.where(near, p + torch.where(d >= 0, 1.0, -1.0) * (away + d.abs()), v)
    return torch.round(v * 1e4) / 1e4


def U(*shape, lo=-2.0, hi=2.0, dt="float64", away=0.0, points=(0.0,), **kw):
    """Uniform values in [lo, hi), pushed at least `away` from each of `points`."""
    return Spec(lambda g: _uniform(g, list(shape), lo, hi, away, points).to(DTYPES[dt]), dt, **kw)


def P(*shape, lo=0.2, hi=3.0, dt="float64", **kw):
    """Positive values (for log, sqrt, divisors)."""
    return U(*shape, lo=lo, hi=hi, dt=dt, **kw)


def V(values, shape=None, dt="float32", **kw):
    """Explicit values (row-major) with an optional shape."""
    def make(g):
        t = torch.tensor(values, dtype=torch.float64 if DTYPES[dt].is_floating_point else None)
        t = t.to(DTYPES[dt])
        return t.reshape(shape) if shape is not None else t
    return Spec(make, dt, **kw)


def I(*shape, lo=0, hi=5, dt="int64", **kw):
    """Random integers in [lo, hi)."""
    return Spec(lambda g: torch.randint(lo, hi, list(shape), generator=g).to(DTYPES[dt]), dt, **kw)


def B(*shape, **kw):
    """Random bools."""
    return Spec(lambda g: torch.rand(list(shape), generator=g) < 0.5, "bool", **kw)


def Perm(shape, n, dim):
    """An int64 index of `shape` with values in [0, n) and no repeats along `dim` (for scatter)."""
    def make(g):
        moved = list(shape[:dim]) + list(shape[dim + 1:]) + [shape[dim]]
        rows = [torch.randperm(n, generator=g)[:shape[dim]] for _ in range(int(np.prod(moved[:-1])))]
        return torch.stack(rows).reshape(moved).movedim(-1, dim).contiguous()
    return Spec(make, "int64")


# --------------------------------------------------------------------------------------------
# The ops: op key -> PyTorch callable (tensors, kwargs). Outputs may be a tensor, a tuple/list of
# tensors, or a Python bool.

def _slice(x, k):
    idx = [slice(None)] * x.dim()
    idx[k["dim"]] = slice(k["start"], k["end"], k["step"])
    return x[tuple(idx)]


def _opt(k, name):
    v = k.get(name)
    return None if v is None else v


TORCH = {
    # unary
    "neg": lambda t, k: torch.neg(t[0]),
    "abs": lambda t, k: torch.abs(t[0]),
    "exp": lambda t, k: torch.exp(t[0]),
    "log": lambda t, k: torch.log(t[0]),
    "log1p": lambda t, k: torch.log1p(t[0]),
    "expm1": lambda t, k: torch.expm1(t[0]),
    "sqrt": lambda t, k: torch.sqrt(t[0]),
    "rsqrt": lambda t, k: torch.rsqrt(t[0]),
    "sin": lambda t, k: torch.sin(t[0]),
    "cos": lambda t, k: torch.cos(t[0]),
    "tanh": lambda t, k: torch.tanh(t[0]),
    "sigmoid": lambda t, k: torch.sigmoid(t[0]),
    "erf": lambda t, k: torch.erf(t[0]),
    "reciprocal": lambda t, k: torch.reciprocal(t[0]),
    "square": lambda t, k: torch.square(t[0]),
    "sign": lambda t, k: torch.sign(t[0]),
    "floor": lambda t, k: torch.floor(t[0]),
    "ceil": lambda t, k: torch.ceil(t[0]),
    "round": lambda t, k: torch.round(t[0]),
    "trunc": lambda t, k: torch.trunc(t[0]),
    "relu": lambda t, k: torch.relu(t[0]),
    "leakyRelu": lambda t, k: F.leaky_relu(t[0], k["negativeSlope"]),
    "elu": lambda t, k: F.elu(t[0], k["alpha"]),
    "selu": lambda t, k: F.selu(t[0]),
    "gelu": lambda t, k: F.gelu(t[0]),
    "gelu.approximate": lambda t, k: F.gelu(t[0], approximate=k["approximate"]),
    "silu": lambda t, k: F.silu(t[0]),
    "softplus": lambda t, k: F.softplus(t[0]),
    "softplus.params": lambda t, k: F.softplus(t[0], k["beta"], k["threshold"]),
    "clamp": lambda t, k: torch.clamp(t[0], _opt(k, "min"), _opt(k, "max")),
    "clampMin": lambda t, k: torch.clamp(t[0], min=k["min"]),
    "clampMax": lambda t, k: torch.clamp(t[0], max=k["max"]),
    "isNan": lambda t, k: torch.isnan(t[0]),
    "isInf": lambda t, k: torch.isinf(t[0]),
    "logicalNot": lambda t, k: torch.logical_not(t[0]),
    # binary
    "add": lambda t, k: torch.add(t[0], t[1], alpha=k.get("alpha", 1)),
    "add.scalar": lambda t, k: torch.add(t[0], k["other"]),
    "sub": lambda t, k: torch.sub(t[0], t[1]),
    "sub.scalar": lambda t, k: torch.sub(t[0], k["other"]),
    "rsub": lambda t, k: torch.rsub(t[0], k["other"]),
    "mul": lambda t, k: torch.mul(t[0], t[1]),
    "mul.scalar": lambda t, k: torch.mul(t[0], k["other"]),
    "div": lambda t, k: torch.div(t[0], t[1]),
    "div.scalar": lambda t, k: torch.div(t[0], k["other"]),
    "pow": lambda t, k: torch.pow(t[0], t[1]),
    "pow.scalar": lambda t, k: torch.pow(t[0], k["exponent"]),
    "remainder": lambda t, k: torch.remainder(t[0], t[1]),
    "floorDivide": lambda t, k: torch.floor_divide(t[0], t[1]),
    "atan2": lambda t, k: torch.atan2(t[0], t[1]),
    "maximum": lambda t, k: torch.maximum(t[0], t[1]),
    "minimum": lambda t, k: torch.minimum(t[0], t[1]),
    # comparisons and logic
    "eq": lambda t, k: torch.eq(t[0], t[1]),
    "ne": lambda t, k: torch.ne(t[0], t[1]),
    "lt": lambda t, k: torch.lt(t[0], t[1]),
    "le": lambda t, k: torch.le(t[0], t[1]),
    "gt": lambda t, k: torch.gt(t[0], t[1]),
    "ge": lambda t, k: torch.ge(t[0], t[1]),
    "eq.scalar": lambda t, k: torch.eq(t[0], k["other"]),
    "ne.scalar": lambda t, k: torch.ne(t[0], k["other"]),
    "lt.scalar": lambda t, k: torch.lt(t[0], k["other"]),
    "le.scalar": lambda t, k: torch.le(t[0], k["other"]),
    "gt.scalar": lambda t, k: torch.gt(t[0], k["other"]),
    "ge.scalar": lambda t, k: torch.ge(t[0], k["other"]),
    "logicalAnd": lambda t, k: torch.logical_and(t[0], t[1]),
    "logicalOr": lambda t, k: torch.logical_or(t[0], t[1]),
    "logicalXor": lambda t, k: torch.logical_xor(t[0], t[1]),
    "equal": lambda t, k: torch.equal(t[0], t[1]),
    "allclose": lambda t, k: torch.allclose(t[0], t[1], rtol=k["rtol"], atol=k["atol"]),
    "where": lambda t, k: torch.where(t[0], t[1], t[2]),
    "where.method": lambda t, k: t[1].where(t[0], t[2]),
    "maskedFill": lambda t, k: t[0].masked_fill(t[1], k["value"]),
    # in place (the inputs are fresh tensors, so mutating them is fine)
    "add_": lambda t, k: t[0].add_(t[1], alpha=k.get("alpha", 1)),
    "add_.scalar": lambda t, k: t[0].add_(k["other"]),
    "sub_": lambda t, k: t[0].sub_(t[1]),
    "mul_": lambda t, k: t[0].mul_(t[1]),
    "mul_.scalar": lambda t, k: t[0].mul_(k["other"]),
    "div_": lambda t, k: t[0].div_(t[1]),
    "div_.scalar": lambda t, k: t[0].div_(k["other"]),
    "clamp_": lambda t, k: t[0].clamp_(_opt(k, "min"), _opt(k, "max")),
    "fill_": lambda t, k: t[0].fill_(k["value"]),
    "zero_": lambda t, k: t[0].zero_(),
    "copy_": lambda t, k: t[0].copy_(t[1]),
    # reductions
    "sum": lambda t, k: t[0].sum(),
    "sum.dim": lambda t, k: t[0].sum(k["dim"], keepdim=k["keepDim"]),
    "sum.dims": lambda t, k: t[0].sum(k["dims"], keepdim=k["keepDim"]),
    "mean": lambda t, k: t[0].mean(),
    "mean.dim": lambda t, k: t[0].mean(k["dim"], keepdim=k["keepDim"]),
    "mean.dims": lambda t, k: t[0].mean(k["dims"], keepdim=k["keepDim"]),
    "var": lambda t, k: t[0].var(unbiased=k["unbiased"]),
    "var.dims": lambda t, k: t[0].var(k["dims"], unbiased=k["unbiased"], keepdim=k["keepDim"]),
    "std": lambda t, k: t[0].std(unbiased=k["unbiased"]),
    "std.dims": lambda t, k: t[0].std(k["dims"], unbiased=k["unbiased"], keepdim=k["keepDim"]),
    "prod": lambda t, k: t[0].prod(),
    "prod.dim": lambda t, k: t[0].prod(k["dim"], keepdim=k["keepDim"]),
    "max": lambda t, k: t[0].max(),
    "max.dim": lambda t, k: tuple(t[0].max(k["dim"], keepdim=k["keepDim"])),
    "min": lambda t, k: t[0].min(),
    "min.dim": lambda t, k: tuple(t[0].min(k["dim"], keepdim=k["keepDim"])),
    "amax": lambda t, k: t[0].amax(k["dims"], keepdim=k["keepDim"]),
    "amin": lambda t, k: t[0].amin(k["dims"], keepdim=k["keepDim"]),
    "argmax": lambda t, k: t[0].argmax(),
    "argmax.dim": lambda t, k: t[0].argmax(k["dim"], keepdim=k["keepDim"]),
    "argmin": lambda t, k: t[0].argmin(),
    "argmin.dim": lambda t, k: t[0].argmin(k["dim"], keepdim=k["keepDim"]),
    "logsumexp.dim": lambda t, k: torch.logsumexp(t[0], k["dim"], keepdim=k["keepDim"]),
    "logsumexp.dims": lambda t, k: torch.logsumexp(t[0], k["dims"], keepdim=k["keepDim"]),
    "norm": lambda t, k: t[0].norm(),
    "norm.p": lambda t, k: t[0].norm(_num(k["p"])),
    "norm.dims": lambda t, k: t[0].norm(_num(k["p"]), k["dims"], keepdim=k["keepDim"]),
    "cumsum": lambda t, k: t[0].cumsum(k["dim"]),
    "sort": lambda t, k: tuple(torch.sort(t[0], dim=k["dim"], descending=k["descending"], stable=True)),
    "argsort": lambda t, k: torch.sort(t[0], dim=k["dim"], descending=k["descending"], stable=True)[1],
    "topk": lambda t, k: tuple(torch.topk(t[0], k["k"], dim=k["dim"], largest=k["largest"], sorted=True)),
    "all": lambda t, k: t[0].all(),
    "all.dim": lambda t, k: t[0].all(k["dim"], keepdim=k["keepDim"]),
    "any": lambda t, k: t[0].any(),
    "any.dim": lambda t, k: t[0].any(k["dim"], keepdim=k["keepDim"]),
    "softmax": lambda t, k: t[0].softmax(k["dim"]),
    "logSoftmax": lambda t, k: t[0].log_softmax(k["dim"]),
    # linear algebra
    "matmul": lambda t, k: torch.matmul(t[0], t[1]),
    "linear": lambda t, k: F.linear(*_wb(t)),
    "mm": lambda t, k: torch.mm(t[0], t[1]),
    "bmm": lambda t, k: torch.bmm(t[0], t[1]),
    "mv": lambda t, k: torch.mv(t[0], t[1]),
    "outer": lambda t, k: torch.outer(t[0], t[1]),
    "dot": lambda t, k: torch.dot(t[0], t[1]),
    # views and layout
    "view": lambda t, k: t[0].view(k["shape"]),
    "reshape": lambda t, k: t[0].reshape(k["shape"]),
    "permute": lambda t, k: t[0].permute(k["dims"]),
    "transpose": lambda t, k: t[0].transpose(k["dim0"], k["dim1"]),
    "t": lambda t, k: t[0].t(),
    "mT": lambda t, k: t[0].mT,
    "squeeze": lambda t, k: t[0].squeeze(),
    "squeeze.dim": lambda t, k: t[0].squeeze(k["dim"]),
    "unsqueeze": lambda t, k: t[0].unsqueeze(k["dim"]),
    "expand": lambda t, k: t[0].expand(k["shape"]),
    "expandAs": lambda t, k: t[0].expand_as(t[1]),
    "flatten": lambda t, k: t[0].flatten(),
    "flatten.range": lambda t, k: t[0].flatten(k["startDim"], k["endDim"]),
    "flatten.start": lambda t, k: t[0].flatten(k["startDim"]),
    "narrow": lambda t, k: t[0].narrow(k["dim"], k["start"], k["length"]),
    "slice": lambda t, k: _slice(t[0], k),
    "select": lambda t, k: t[0].select(k["dim"], k["index"]),
    "unfold": lambda t, k: t[0].unfold(k["dim"], k["size"], k["step"]),
    "contiguous": lambda t, k: t[0].contiguous(),
    "clone": lambda t, k: t[0].clone(),
    # indexing
    "gather": lambda t, k: t[0].gather(k["dim"], t[1]),
    "scatter": lambda t, k: t[0].scatter(k["dim"], t[1], t[2]),
    "scatter.value": lambda t, k: t[0].scatter(k["dim"], t[1], k["value"]),
    "scatterAdd": lambda t, k: t[0].scatter_add(k["dim"], t[1], t[2]),
    "indexSelect": lambda t, k: t[0].index_select(k["dim"], t[1]),
    # creation and casts
    "linspace": lambda t, k: torch.linspace(k["start"], k["end"], k["steps"], dtype=DTYPES[k.get("dtype", "float32")]),
    "arange": lambda t, k: torch.arange(k["end"]),
    "arange.range": lambda t, k: torch.arange(k["start"], k["end"], k["step"]),
    "arange.dtype": lambda t, k: torch.arange(k["start"], k["end"], k["step"], dtype=DTYPES[k["dtype"]]),
    "eye": lambda t, k: torch.eye(k["n"]),
    "eye.nm": lambda t, k: torch.eye(k["n"], k["m"], dtype=DTYPES[k["dtype"]]),
    "to": lambda t, k: t[0].to(DTYPES[k["dtype"]]),
    "toFloat": lambda t, k: t[0].float(),
    "toDouble": lambda t, k: t[0].double(),
    "toLong": lambda t, k: t[0].long(),
    # ---- ops the other work streams add (conv, pooling, normalization, network, joining)
    "conv1d": lambda t, k: F.conv1d(*_wb(t), k["stride"], k["padding"], k["dilation"], k["groups"]),
    "conv2d": lambda t, k: F.conv2d(*_wb(t), k["stride"], k["padding"], k["dilation"], k["groups"]),
    "conv3d": lambda t, k: F.conv3d(*_wb(t), k["stride"], k["padding"], k["dilation"], k["groups"]),
    # padding given as "same" or "valid"
    "conv1d.padMode": lambda t, k: F.conv1d(*_wb(t), k["stride"], k["padding"], k["dilation"], k["groups"]),
    "conv2d.padMode": lambda t, k: F.conv2d(*_wb(t), k["stride"], k["padding"], k["dilation"], k["groups"]),
    "conv3d.padMode": lambda t, k: F.conv3d(*_wb(t), k["stride"], k["padding"], k["dilation"], k["groups"]),
    "convTranspose1d": lambda t, k: F.conv_transpose1d(*_wb(t), k["stride"], k["padding"], k["outputPadding"],
                                                       k["groups"], k["dilation"]),
    "convTranspose2d": lambda t, k: F.conv_transpose2d(*_wb(t), k["stride"], k["padding"], k["outputPadding"],
                                                       k["groups"], k["dilation"]),
    "convTranspose3d": lambda t, k: F.conv_transpose3d(*_wb(t), k["stride"], k["padding"], k["outputPadding"],
                                                       k["groups"], k["dilation"]),
    "maxPool1d": lambda t, k: F.max_pool1d(t[0], **_pool(k)),
    "maxPool2d": lambda t, k: F.max_pool2d(t[0], **_pool(k)),
    "maxPool3d": lambda t, k: F.max_pool3d(t[0], **_pool(k)),
    "maxPool1dWithIndices": lambda t, k: tuple(F.max_pool1d(t[0], return_indices=True, **_pool(k))),
    "maxPool2dWithIndices": lambda t, k: tuple(F.max_pool2d(t[0], return_indices=True, **_pool(k))),
    "maxPool3dWithIndices": lambda t, k: tuple(F.max_pool3d(t[0], return_indices=True, **_pool(k))),
    "adaptiveMaxPool1dWithIndices": lambda t, k: tuple(F.adaptive_max_pool1d(t[0], k["outputSize"], True)),
    "adaptiveMaxPool2dWithIndices": lambda t, k: tuple(F.adaptive_max_pool2d(t[0], k["outputSize"], True)),
    "adaptiveMaxPool3dWithIndices": lambda t, k: tuple(F.adaptive_max_pool3d(t[0], k["outputSize"], True)),
    "avgPool1d": lambda t, k: F.avg_pool1d(t[0], **_avg(k)),
    "avgPool2d": lambda t, k: F.avg_pool2d(t[0], **_avg(k)),
    "avgPool3d": lambda t, k: F.avg_pool3d(t[0], **_avg(k)),
    "adaptiveAvgPool1d": lambda t, k: F.adaptive_avg_pool1d(t[0], k["outputSize"]),
    "adaptiveAvgPool2d": lambda t, k: F.adaptive_avg_pool2d(t[0], k["outputSize"]),
    "adaptiveAvgPool3d": lambda t, k: F.adaptive_avg_pool3d(t[0], k["outputSize"]),
    "adaptiveMaxPool1d": lambda t, k: F.adaptive_max_pool1d(t[0], k["outputSize"]),
    "adaptiveMaxPool2d": lambda t, k: F.adaptive_max_pool2d(t[0], k["outputSize"]),
    "adaptiveMaxPool3d": lambda t, k: F.adaptive_max_pool3d(t[0], k["outputSize"]),
    "batchNorm": lambda t, k: _batch_norm(t, k),
    "layerNorm": lambda t, k: F.layer_norm(t[0], k["normalizedShape"], t[1] if len(t) > 1 else None,
                                           t[2] if len(t) > 2 else None, k["eps"]),
    "groupNorm": lambda t, k: F.group_norm(t[0], k["numGroups"], t[1] if len(t) > 1 else None,
                                           t[2] if len(t) > 2 else None, k["eps"]),
    "instanceNorm": lambda t, k: F.instance_norm(t[0], weight=t[1] if len(t) > 1 else None,
                                                 bias=t[2] if len(t) > 2 else None, eps=k["eps"]),
    "dropout": lambda t, k: F.dropout(t[0], k["p"], k["training"]),
    "dropout1d": lambda t, k: F.dropout1d(t[0], k["p"], k["training"]),
    "dropout2d": lambda t, k: F.dropout2d(t[0], k["p"], k["training"]),
    "dropout3d": lambda t, k: F.dropout3d(t[0], k["p"], k["training"]),
    "embedding": lambda t, k: F.embedding(t[0], t[1], padding_idx=k.get("paddingIdx")),
    "interpolate.bicubic": lambda t, k: F.interpolate(t[0], size=k.get("size"), scale_factor=k.get("scaleFactor"),
                                                      mode="bicubic", align_corners=k.get("alignCorners")),
    "interpolate": lambda t, k: F.interpolate(t[0], size=k.get("size"), scale_factor=k.get("scaleFactor"),
                                              mode=k["mode"], align_corners=k.get("alignCorners")),
    "oneHot": lambda t, k: F.one_hot(t[0], k["numClasses"]),
    "oneHot.infer": lambda t, k: F.one_hot(t[0]),
    "instanceNorm.running": lambda t, k: _instance_norm_running(t, k),
    "cat": lambda t, k: torch.cat(t, k["dim"]),
    "stack": lambda t, k: torch.stack(t, k["dim"]),
    "split": lambda t, k: tuple(torch.split(t[0], k["splitSize"], k["dim"])),
    "split.sizes": lambda t, k: tuple(torch.split(t[0], k["sizes"], k["dim"])),
    "chunk": lambda t, k: tuple(torch.chunk(t[0], k["chunks"], k["dim"])),
    "pad": lambda t, k: F.pad(t[0], k["pad"], k["mode"], k.get("value", 0.0) if k["mode"] == "constant" else None),
    "flip": lambda t, k: torch.flip(t[0], k["dims"]),
    "roll": lambda t, k: torch.roll(t[0], k["shifts"], k["dims"]),
    "repeat": lambda t, k: t[0].repeat(k["sizes"]),
    "maskedSelect": lambda t, k: torch.masked_select(t[0], t[1]),
    "nonzero": lambda t, k: torch.nonzero(t[0]),
    # PyTorch 1.13 indexes with int64 only; Vesalius also takes int32, with the same meaning
    "index": lambda t, k: t[0][t[1].long() if t[1].dtype == torch.int32 else t[1]],
    "index.multi": lambda t, k: t[0][tuple(t[1:])],
    "indexPut.multi": lambda t, k: t[0].index_put(tuple(t[1:-1]), t[-1], accumulate=k["accumulate"]),
    "indexPut": lambda t, k: t[0].index_put((t[1],), t[2], accumulate=k["accumulate"]),
    "indexPut.scalar": lambda t, k: t[0].index_put((t[1],), torch.tensor(k["value"], dtype=t[0].dtype)),
    "maskedScatter": lambda t, k: t[0].masked_scatter(t[1], t[2]),
    "unbind": lambda t, k: tuple(torch.unbind(t[0], k["dim"])),
    "tile": lambda t, k: t[0].tile(k["reps"]),
    "roll.flat": lambda t, k: torch.roll(t[0], k["shifts"]),
}


def _num(v):
    return {"inf": INF, "-inf": -INF, "nan": NAN}.get(v, v) if isinstance(v, str) else v


def _wb(t):
    return (t[0], t[1], t[2] if len(t) > 2 else None)


def _pool(k):
    return dict(kernel_size=k["kernelSize"], stride=k["stride"], padding=k["padding"], dilation=k["dilation"],
                ceil_mode=k["ceilMode"])


def _avg(k):
    return dict(kernel_size=k["kernelSize"], stride=k["stride"], padding=k["padding"], ceil_mode=k["ceilMode"],
                count_include_pad=k["countIncludePad"])


def _instance_norm_running(t, k):
    x, rm, rv = t[0], t[1], t[2]
    y = F.instance_norm(x, rm, rv, t[3] if len(t) > 3 else None, t[4] if len(t) > 4 else None,
                        k["useInputStats"], k["momentum"], k["eps"])
    return (y, rm.clone(), rv.clone())


def _batch_norm(t, k):
    x, rm, rv = t[0], t[1], t[2]
    w = t[3] if len(t) > 3 else None
    b = t[4] if len(t) > 4 else None
    y = F.batch_norm(x, rm, rv, w, b, k["training"], k["momentum"], k["eps"])
    # running statistics are updated in place in training mode: they are outputs too
    return (y, rm.clone(), rv.clone())


# --------------------------------------------------------------------------------------------
# Case table. Families become files; labels say what a case is for.

FAMILIES = {}


def case(family, op, inputs, kwargs=None, label=None, grad=True, error=False):
    """Adds one case; grad=False records forward values only even for float64 inputs; error=True
    records that PyTorch rejects the call (Vesalius must throw IllegalArgumentException)."""
    if op not in TORCH:
        raise KeyError("no PyTorch callable for op " + op)
    cases = FAMILIES.setdefault(family, [])
    label = label or str(sum(1 for c in cases if c["op"] == op))
    cid = op + "/" + label
    if any(c["id"] == cid for c in cases):
        raise KeyError("duplicate case id " + cid)
    cases.append({"id": cid, "op": op, "kwargs": kwargs or {}, "specs": inputs, "grad": grad, "error": error})


# ---- unary
# Domains as functions of shape: where each op is defined and smooth enough for a clean gradient.
DOMAIN = {
    "log": lambda *s, **kw: P(*s, **kw),
    "sqrt": lambda *s, **kw: P(*s, **kw),
    "rsqrt": lambda *s, **kw: P(*s, **kw),
    "log1p": lambda *s, **kw: U(*s, lo=-0.8, hi=3.0, **kw),
    "reciprocal": lambda *s, **kw: U(*s, away=0.3, **kw),
}
UNARY = ["neg", "abs", "exp", "log", "log1p", "expm1", "sqrt", "rsqrt", "sin", "cos", "tanh", "sigmoid", "erf",
         "reciprocal", "square", "sign", "floor", "ceil", "round", "trunc", "relu", "selu", "gelu", "silu",
         "softplus"]
for op in UNARY:
    dom = DOMAIN.get(op, lambda *s, **kw: U(*s, lo=-3.0, hi=3.0, away=0.05, **kw))
    case("unary", op, [dom(3, 4)], label="f64")
    case("unary", op, [dom(3, 4, layout="permuted")], label="f64_permuted")
    case("unary", op, [dom(2, 3, layout="strided")], label="f64_strided")
    case("unary", op, [dom(2, 5, dt="float32")], label="f32")

# PyTorch's derivative at kinks (0 for relu and abs at 0, 1 inside closed clamp bounds, ...)
KINKS = [-1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0]
for op in ["abs", "relu", "sign", "floor", "round", "trunc", "ceil", "selu", "gelu", "silu"]:
    case("unary", op, [V(KINKS, dt="float64")], label="kinks")
case("unary", "round", [V([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, -0.49, 0.51, 3.5, -3.5], dt="float32")],
     label="half_to_even")
for op in ["neg", "abs", "sign", "square", "relu"]:
    case("unary", op, [I(2, 3, lo=-4, hi=5)], label="int64")
for op in ["exp", "sqrt", "sin", "sigmoid", "tanh", "log"]:
    case("unary", op, [I(2, 3, lo=1, hi=6)], label="int64_to_float")
case("unary", "exp", [V([-200.0, -1.0, 0.0, 1.0, 88.0, 89.0, 100.0], dt="float32")], label="overflow")
case("unary", "tanh", [V([-30.0, -5.0, -1e-4, 0.0, 1e-4, 5.0, 30.0], dt="float32")], label="saturation")
case("unary", "sigmoid", [V([-800.0, -40.0, -1.0, 0.0, 1.0, 40.0, 800.0], dt="float64")], label="saturation")
case("unary", "erf", [V([-6.0, -2.5, -0.3, 0.0, 1e-8, 0.7, 3.0, 6.0], dt="float64")], label="tails")
case("unary", "expm1", [V([-1e-10, -1e-5, 0.0, 1e-12, 1e-5, 1e-3], dt="float64")], label="small")
case("unary", "log1p", [V([-1e-10, -1e-5, 0.0, 1e-12, 1e-5, 1e-3], dt="float64")], label="small")
case("unary", "log", [V([0.0, 1.0, -1.0, INF], dt="float32")], label="special")
case("unary", "sqrt", [V([0.0, 4.0, -1.0, INF], dt="float32")], label="special")
case("unary", "gelu", [U(2, 4, lo=-6.0, hi=6.0, dt="float32")], label="f32_wide")

case("unary", "leakyRelu", [U(3, 4, away=0.05)], {"negativeSlope": 0.1}, label="f64")
case("unary", "leakyRelu", [V(KINKS, dt="float64")], {"negativeSlope": 0.2}, label="kinks")
case("unary", "leakyRelu", [U(2, 5, dt="float32")], {"negativeSlope": 0.01}, label="f32")
case("unary", "elu", [U(3, 4, away=0.05)], {"alpha": 1.0}, label="f64")
case("unary", "elu", [V(KINKS, dt="float64")], {"alpha": 0.7}, label="kinks")
case("unary", "elu", [U(2, 5, dt="float32")], {"alpha": 1.3}, label="f32")
case("unary", "gelu.approximate", [U(3, 4, lo=-4.0, hi=4.0)], {"approximate": "tanh"}, label="f64")
case("unary", "gelu.approximate", [U(2, 5, lo=-4.0, hi=4.0, dt="float32")], {"approximate": "tanh"}, label="f32")
case("unary", "gelu.approximate", [U(2, 3)], {"approximate": "none"}, label="none")
case("unary", "softplus.params", [U(3, 4, lo=-4.0, hi=4.0)], {"beta": 2.0, "threshold": 3.0}, label="f64")
case("unary", "softplus.params", [U(2, 5, lo=-10.0, hi=10.0, dt="float32")], {"beta": 0.5, "threshold": 2.0},
     label="f32")
case("unary", "softplus", [V([-30.0, -1.0, 0.0, 1.0, 19.9, 20.1, 50.0], dt="float64")], label="threshold")
case("unary", "clamp", [U(3, 4, away=0.05, points=(-0.5, 0.8))], {"min": -0.5, "max": 0.8}, label="f64")
case("unary", "clamp", [V(KINKS, dt="float64")], {"min": -1.0, "max": 1.0}, label="bounds")
case("unary", "clamp", [U(2, 5, dt="float32")], {"min": None, "max": 0.3}, label="max_only")
case("unary", "clamp", [U(2, 5, dt="float32")], {"min": -0.3, "max": None}, label="min_only")
case("unary", "clamp", [I(2, 5, lo=-5, hi=5)], {"min": -2, "max": 3}, label="int64")
case("unary", "clampMin", [U(3, 4, away=0.05, points=(0.2,))], {"min": 0.2}, label="f64")
case("unary", "clampMax", [U(3, 4, away=0.05, points=(0.2,))], {"max": 0.2}, label="f64")
SPECIAL = [0.0, -1.0, INF, -INF, NAN, 3.5, 1e30, -0.0]
# NaN must propagate and infinities follow IEEE / PyTorch (never a silently finite number)
NONFINITE = [NAN, INF, -INF, 0.0, -0.0, 1.0, -1.0, 1e-30]
for op in UNARY:
    case("unary", op, [V(NONFINITE, dt="float32")], label="nonfinite")
for op, kw in [("leakyRelu", {"negativeSlope": 0.1}), ("elu", {"alpha": 1.0}), ("clamp", {"min": -0.5, "max": 0.5}),
               ("gelu.approximate", {"approximate": "tanh"}), ("softplus.params", {"beta": 2.0, "threshold": 10.0})]:
    case("unary", op, [V(NONFINITE, dt="float32")], kw, label="nonfinite")
case("unary", "isNan", [V(SPECIAL, dt="float32")], label="special")
case("unary", "isInf", [V(SPECIAL, dt="float32")], label="special")
case("unary", "isNan", [I(2, 3)], label="int64")
case("unary", "isInf", [I(2, 3)], label="int64")
case("unary", "logicalNot", [V([0.0, 1.0, -2.0, 0.5, NAN, 0.0], dt="float32")], label="f32")
case("unary", "logicalNot", [B(2, 3)], label="bool")
case("unary", "logicalNot", [I(2, 3, lo=-1, hi=2)], label="int64")

# ---- binary, with broadcasting and type promotion
BINARY = {
    "add": (U, U), "sub": (U, U), "mul": (U, U),
    "div": (U, lambda *s, **kw: U(*s, away=0.3, **kw)),
    "pow": (lambda *s, **kw: P(*s, lo=0.3, hi=2.0, **kw), U),
    "remainder": (lambda *s, **kw: U(*s, lo=-5.0, hi=5.0, **kw),
                  lambda *s, **kw: U(*s, away=0.4, **kw)),
    "atan2": (U, lambda *s, **kw: U(*s, away=0.2, **kw)),
    "maximum": (U, U), "minimum": (U, U),
}
for op, (da, db) in BINARY.items():
    case("binary", op, [da(3, 4), db(3, 4)], label="f64")
    case("binary", op, [da(3, 1), db(4)], label="f64_broadcast")
    case("binary", op, [da(2, 1, 4), db(3, 1)], label="f64_broadcast3d")
    case("binary", op, [da(2, 3), db()], label="f64_scalar_tensor")
    case("binary", op, [da(3, 4, layout="permuted"), db(3, 4, layout="strided")], label="f64_noncontiguous")
    case("binary", op, [da(3, 4), db(4, expand=[3, 4])], label="f64_expanded")
    case("binary", op, [da(2, 5, dt="float32"), db(2, 5, dt="float32")], label="f32")
for op in ["add", "sub", "mul", "maximum", "minimum"]:
    case("binary", op, [I(2, 3, lo=-5, hi=5), I(3, lo=-5, hi=5)], label="int64")
case("binary", "div", [I(2, 3, lo=-9, hi=9), I(3, lo=1, hi=4)], label="int64_true_division")
case("binary", "remainder", [V([-7, -3, 0, 3, 7, 8], [2, 3], dt="int64"), V([3, -3, 2], dt="int64")],
     label="int64_sign")
case("binary", "floorDivide", [V([-7, -3, 0, 3, 7, 8], [2, 3], dt="int64"), V([2, -2, 3], dt="int64")],
     label="int64")
case("binary", "floorDivide", [V([-7.5, -3.0, 0.5, 3.25, 7.0, 8.5], [2, 3], dt="float32"),
                               V([2.0, -2.0, 0.75], dt="float32")], label="f32")
case("binary", "remainder", [V([-7.5, -3.0, 0.5, 3.25, 7.0, 8.5], [2, 3], dt="float32"),
                             V([2.0, -2.0, 0.75], dt="float32")], label="f32_sign")
case("binary", "maximum", [V([1.0, 2.0, 3.0, -1.0], dt="float64"), V([1.0, 0.0, 3.0, -1.0], dt="float64")],
     label="ties")
case("binary", "minimum", [V([1.0, 2.0, 3.0, -1.0], dt="float64"), V([1.0, 0.0, 3.0, -1.0], dt="float64")],
     label="ties")
case("binary", "maximum", [V([1.0, NAN, 3.0], dt="float32"), V([NAN, 0.0, 2.0], dt="float32")], label="nan")
case("binary", "pow", [V([-2.0, -1.5, 0.0, 2.0], dt="float32"), V([2.0, 3.0, 2.0, -1.0], dt="float32")],
     label="negative_base")
case("binary", "pow", [I(2, 3, lo=0, hi=4), I(3, lo=0, hi=3)], label="int64")
case("binary", "pow", [V([0.0, 0.0, -8.0, INF, -INF, NAN, 1.0, 2.0, 0.5], dt="float64", grad=False),
                       V([0.0, -1.0, 1.0 / 3, -0.5, 3.0, 0.0, NAN, INF, -INF], dt="float64", grad=False)],
     label="special")
for op in ["add", "sub", "mul", "div", "atan2", "minimum", "remainder"]:
    case("binary", op, [V([INF, -INF, NAN, 1.0, 0.0, -0.0, INF], dt="float32"),
                        V([-INF, -INF, 1.0, 0.0, 0.0, 2.0, 1.0], dt="float32")], label="nonfinite")
case("binary", "add", [U(3, 4), U(3, 4)], {"alpha": -2.5}, label="alpha")
# promotion: integer + float, float32 + float64, 0-dim tensors do not widen dimensioned ones
case("binary", "add", [I(2, 3), U(2, 3, dt="float32")], label="int64_f32")
case("binary", "mul", [U(2, 3, dt="float32"), U(2, 3, dt="float64", grad=False)], label="f32_f64")
case("binary", "add", [U(2, 3, dt="float32"), U(dt="float64", grad=False)], label="f32_0dim_f64")
case("binary", "mul", [I(2, 3), U(dt="float64", grad=False)], label="int64_0dim_f64")
case("binary", "add", [I(2, 3, dt="int32"), I(3)], label="int32_int64")
case("binary", "add", [I(2, 3, dt="uint8"), I(2, 3, dt="uint8")], label="uint8")
case("binary", "add", [U(2, 3), U(4)], label="incompatible", error=True)

# scalar variants
for op in ["add.scalar", "sub.scalar", "mul.scalar", "div.scalar", "rsub"]:
    case("scalar", op, [U(3, 4)], {"other": 2.5}, label="f64")
    case("scalar", op, [U(2, 3, dt="float32", layout="permuted")], {"other": -0.75}, label="f32_permuted")
    case("scalar", op, [I(2, 3, lo=-5, hi=5)], {"other": 3}, label="int64_int")
    case("scalar", op, [I(2, 3, lo=-5, hi=5)], {"other": 2.5}, label="int64_float")
for e in [2, 3, 0.5, -1.5, 0, 1, 2.7]:
    case("scalar", "pow.scalar", [P(3, 4, lo=0.3, hi=2.0)], {"exponent": e}, label="f64_" + str(e))
case("scalar", "pow.scalar", [U(2, 4, dt="float32")], {"exponent": 3}, label="f32_negative_base")
case("scalar", "pow.scalar", [I(2, 3, lo=-3, hi=4)], {"exponent": 2}, label="int64_square")
case("scalar", "pow.scalar", [I(2, 3, lo=0, hi=4)], {"exponent": 3}, label="int64_cube")
case("scalar", "pow.scalar", [I(2, 3, lo=0, hi=9)], {"exponent": 0.5}, label="int64_sqrt")

# ---- comparisons and logic
CMP_A = V([1.0, 2.0, NAN, -1.0, 0.5, 3.0], [2, 3], dt="float32")
CMP_B = V([1.0, 3.0, NAN, -2.0, 0.5, 2.0], [2, 3], dt="float32")
for op in ["eq", "ne", "lt", "le", "gt", "ge"]:
    case("compare", op, [CMP_A, CMP_B], label="f32_ties_nan")
    case("compare", op, [I(3, 1, lo=0, hi=3), U(4, lo=0.0, hi=3.0, dt="float32")], label="int64_f32_broadcast")
    case("compare", op, [I(2, 3, lo=0, hi=3), I(2, 3, lo=0, hi=3)], label="int64")
    case("compare", op + ".scalar", [CMP_A], {"other": 1.0}, label="f32")
    case("compare", op + ".scalar", [I(2, 3, lo=0, hi=3)], {"other": 1.5}, label="int64_fraction")
for op in ["logicalAnd", "logicalOr", "logicalXor"]:
    case("compare", op, [B(2, 3), B(2, 3)], label="bool")
    case("compare", op, [V([0.0, 1.0, -2.0, 0.0], [2, 2], dt="float32"), V([0.0, 0.0, 3.0, 5.0], [2, 2], dt="float32")],
         label="f32_nonzero")
    case("compare", op, [B(3, 1), B(4)], label="broadcast")
case("compare", "equal", [V([1.0, 2.0, 3.0], dt="float32"), V([1.0, 2.0, 3.0], dt="float32")], label="same")
case("compare", "equal", [V([1.0, 2.0, 3.0], dt="float32"), V([1.0, 2.0, 3.5], dt="float32")], label="differs")
case("compare", "equal", [V([1.0, 2.0], dt="float32"), V([1.0, 2.0, 3.0], dt="float32")], label="shapes")
case("compare", "allclose", [V([1.0, 2.0, 100.0], dt="float64"), V([1.0 + 1e-9, 2.0, 100.0001], dt="float64")],
     {"rtol": 1e-5, "atol": 1e-8}, label="close")
case("compare", "allclose", [V([1.0, 2.0, 100.0], dt="float64"), V([1.0, 2.001, 100.0], dt="float64")],
     {"rtol": 1e-5, "atol": 1e-8}, label="far")
case("compare", "allclose", [V([1.0, NAN], dt="float64"), V([1.0, NAN], dt="float64")],
     {"rtol": 1e-5, "atol": 1e-8}, label="nan")
case("select", "where", [B(3, 4), U(3, 4), U(3, 4)], label="f64")
case("select", "where", [B(3, 1), U(1, 4), U(3, 4, layout="permuted")], label="f64_broadcast")
case("select", "where", [B(2, 3), I(2, 3), U(2, 3, dt="float32")], label="int64_f32")
case("select", "where", [B(2, 3), U(2, 3, dt="float32"), U(dt="float32")], label="f32_0dim")
case("select", "where.method", [B(3, 4), U(3, 4), U(4)], label="f64")
case("select", "maskedFill", [U(3, 4), B(3, 4)], {"value": -1.5}, label="f64")
case("select", "maskedFill", [U(2, 3, 4), B(3, 1)], {"value": 0.0}, label="f64_broadcast_mask")
case("select", "maskedFill", [U(2, 3, dt="float32"), B(2, 3)], {"value": -INF}, label="f32_neg_inf")
case("select", "maskedFill", [I(2, 3), B(2, 3)], {"value": 7}, label="int64")
case("select", "maskedFill", [I(2, 3), B(2, 3)], {"value": 2.5}, label="int64_fraction")

# ---- in place (recorded nowhere; forward values only)
case("inplace", "add_", [U(3, 4, grad=False), U(4, grad=False)], label="f64_broadcast")
case("inplace", "add_", [U(3, 4, grad=False), U(3, 4, grad=False)], {"alpha": 0.5}, label="alpha")
case("inplace", "add_", [U(2, 3, dt="float32"), I(2, 3)], label="f32_int64")
case("inplace", "add_.scalar", [U(3, 4, grad=False)], {"other": 1.25}, label="f64")
case("inplace", "add_.scalar", [I(2, 3)], {"other": 2}, label="int64")
case("inplace", "sub_", [U(3, 4, grad=False), U(3, 1, grad=False)], label="f64_broadcast")
case("inplace", "mul_", [U(3, 4, grad=False, layout="permuted"), U(3, 4, grad=False)], label="f64_permuted")
case("inplace", "mul_.scalar", [U(3, 4, grad=False)], {"other": -3.0}, label="f64")
case("inplace", "div_", [U(3, 4, grad=False), U(4, away=0.3, grad=False)], label="f64_broadcast")
case("inplace", "div_.scalar", [U(3, 4, dt="float32")], {"other": 3.0}, label="f32")
case("inplace", "clamp_", [U(3, 4, grad=False)], {"min": -0.5, "max": 0.5}, label="f64")
case("inplace", "fill_", [U(3, 4, grad=False, layout="strided")], {"value": 2.5}, label="f64_strided")
case("inplace", "fill_", [I(2, 3)], {"value": 7}, label="int64")
case("inplace", "zero_", [U(2, 3, dt="float32")], label="f32")
case("inplace", "copy_", [U(3, 4, grad=False), U(4, dt="float32")], label="broadcast_cast")
case("inplace", "copy_", [U(2, 3, dt="float32", layout="permuted"), U(2, 3, grad=False)], label="into_permuted")
case("inplace", "copy_", [I(2, 3), U(2, 3, dt="float32")], label="f32_to_int64")
case("inplace", "add_", [U(3, grad=False), U(2, 3, grad=False)], label="not_broadcastable_to_self", error=True)

# ---- reductions
R3 = lambda **kw: U(2, 3, 4, **kw)
for op in ["sum", "mean"]:
    case("reduce", op, [R3()], label="all")
    case("reduce", op + ".dim", [R3()], {"dim": 1, "keepDim": False}, label="dim1")
    case("reduce", op + ".dim", [R3()], {"dim": -1, "keepDim": True}, label="dim_last_keep")
    case("reduce", op + ".dims", [R3(layout="permuted")], {"dims": [0, 2], "keepDim": False}, label="dims02_permuted")
    case("reduce", op + ".dims", [R3()], {"dims": [-1, 0], "keepDim": True}, label="dims_keep")
    case("reduce", op + ".dims", [U(3, 5, dt="float32", layout="strided")], {"dims": [1], "keepDim": False},
         label="f32_strided")
    case("reduce", op, [U(4, expand=[3, 4])], label="expanded")
case("reduce", "sum", [I(2, 3, dt="int32")], label="int32_to_int64")
case("reduce", "sum.dim", [V([1.0, INF, 2.0, NAN, -INF, INF, 3.0, 4.0, 5.0], [3, 3], dt="float32")],
     {"dim": 1, "keepDim": False}, label="nonfinite")
for op in ["max", "min"]:
    case("reduce", op, [V([1.0, NAN, 3.0, -2.0], dt="float32")], label="nan")
for op in ["amax", "amin"]:
    case("reduce", op, [V([1.0, NAN, 3.0, -2.0, 0.5, 4.0], [2, 3], dt="float32")], {"dims": [1], "keepDim": False},
         label="nan")
for op in ["argmax", "argmin"]:
    case("reduce", op, [V([1.0, 7.0, NAN, -2.0, NAN, 4.0], dt="float32")], label="nan")
case("reduce", "sum.dim", [B(3, 4)], {"dim": 0, "keepDim": False}, label="bool_to_int64")
case("reduce", "sum.dim", [U(0, 3)], {"dim": 0, "keepDim": False}, label="empty")
case("reduce", "sum", [U()], label="0dim")
case("reduce", "mean", [I(2, 3)], label="int64_rejected", error=True)
for op in ["var", "std"]:
    case("reduce", op, [R3()], {"unbiased": True}, label="all_unbiased")
    case("reduce", op, [R3()], {"unbiased": False}, label="all_biased")
    case("reduce", op + ".dims", [R3()], {"dims": [1], "unbiased": True, "keepDim": False}, label="dim1")
    case("reduce", op + ".dims", [R3(layout="permuted")], {"dims": [0, 2], "unbiased": False, "keepDim": True},
         label="dims_keep")
    case("reduce", op + ".dims", [U(4, 6, lo=1000.0, hi=1001.0, dt="float32")],
         {"dims": [1], "unbiased": True, "keepDim": False}, label="f32_offset")
case("reduce", "prod", [U(2, 3, lo=0.5, hi=1.5)], label="all")
case("reduce", "prod.dim", [R3()], {"dim": 1, "keepDim": False}, label="dim1")
case("reduce", "prod.dim", [V([1.5, 0.0, 2.0, 0.0, 0.0, 3.0, -1.0, 2.0, 0.5], [3, 3], dt="float64")],
     {"dim": 1, "keepDim": True}, label="zeros")
case("reduce", "prod", [I(2, 3, lo=1, hi=4)], label="int64")
MAX_TIES = V([1.0, 3.0, 3.0, -2.0, 0.5, 0.5, 2.0, -1.0, 2.0, 2.0, 0.0, 1.0], [3, 4], dt="float64")
for op in ["max", "min"]:
    case("reduce", op, [R3()], label="all")
    case("reduce", op, [MAX_TIES], label="ties")
    case("reduce", op + ".dim", [R3()], {"dim": 1, "keepDim": False}, label="dim1")
    case("reduce", op + ".dim", [R3(layout="permuted")], {"dim": -1, "keepDim": True}, label="last_keep_permuted")
    case("reduce", op + ".dim", [MAX_TIES], {"dim": 1, "keepDim": False}, label="ties")
    case("reduce", op + ".dim", [V([1.0, NAN, 3.0, 2.0, 5.0, -1.0], [2, 3], dt="float32")],
         {"dim": 1, "keepDim": False}, label="nan")
    case("reduce", op + ".dim", [I(3, 4, lo=-5, hi=5)], {"dim": 0, "keepDim": False}, label="int64")
for op in ["amax", "amin"]:
    case("reduce", op, [R3()], {"dims": [0, 2], "keepDim": False}, label="dims")
    case("reduce", op, [MAX_TIES], {"dims": [1], "keepDim": True}, label="ties")
    case("reduce", op, [MAX_TIES], {"dims": [0, 1], "keepDim": False}, label="all_ties")
for op in ["argmax", "argmin"]:
    case("reduce", op, [R3(dt="float32")], label="all")
    case("reduce", op, [MAX_TIES], label="ties")
    case("reduce", op + ".dim", [R3(dt="float32")], {"dim": 1, "keepDim": False}, label="dim1")
    case("reduce", op + ".dim", [MAX_TIES], {"dim": 0, "keepDim": True}, label="ties_keep")
    case("reduce", op + ".dim", [I(3, 4, lo=0, hi=3)], {"dim": 1, "keepDim": False}, label="int64")
case("reduce", "logsumexp.dim", [R3()], {"dim": 1, "keepDim": False}, label="dim1")
case("reduce", "logsumexp.dims", [R3(layout="permuted")], {"dims": [0, 2], "keepDim": True}, label="dims_keep")
case("reduce", "logsumexp.dim", [U(2, 4, lo=500.0, hi=800.0)], {"dim": 1, "keepDim": False}, label="large")
case("reduce", "logsumexp.dim", [V([-INF, -INF, -INF, 0.0, -INF, 1.0], [2, 3], dt="float32")],
     {"dim": 1, "keepDim": False}, label="neg_inf")
case("reduce", "logsumexp.dim", [U(3, 5, dt="float32")], {"dim": 0, "keepDim": False}, label="f32")
case("reduce", "norm", [R3()], label="fro")
for p in [1, 2, INF, 3, 0.5]:
    case("reduce", "norm.p", [U(3, 4, away=0.05)], {"p": p}, label="p" + str(p))
    case("reduce", "norm.dims", [R3(away=0.05)], {"p": p, "dims": [1], "keepDim": False}, label="p" + str(p) + "_dim1")
case("reduce", "norm.dims", [R3(away=0.05, layout="permuted")], {"p": 2, "dims": [0, 2], "keepDim": True},
     label="p2_dims_keep")
case("reduce", "norm.p", [V([1.0, -3.0, 3.0, 2.0], dt="float64")], {"p": INF}, label="inf_ties")
case("reduce", "norm.p", [U(2, 5, dt="float32")], {"p": 2}, label="f32")
case("reduce", "cumsum", [R3()], {"dim": 1}, label="dim1")
case("reduce", "cumsum", [R3(layout="permuted")], {"dim": -1}, label="last_permuted")
case("reduce", "cumsum", [I(2, 5, lo=-3, hi=3)], {"dim": 1}, label="int64")
case("reduce", "cumsum", [U(3, 7, dt="float32")], {"dim": 1}, label="f32")
case("reduce", "sort", [R3()], {"dim": 1, "descending": False}, label="dim1")
case("reduce", "sort", [R3(layout="permuted")], {"dim": -1, "descending": True}, label="desc_permuted")
case("reduce", "sort", [I(3, 9, lo=0, hi=4)], {"dim": 1, "descending": False}, label="int64_ties_stable")
case("reduce", "sort", [I(3, 9, lo=0, hi=4)], {"dim": 1, "descending": True}, label="int64_ties_desc")
case("reduce", "sort", [V([0.5, NAN, -INF, 2.0, -0.25, INF, 1.0, NAN], [2, 4], dt="float32")],
     {"dim": 1, "descending": False}, label="nan_inf")
case("reduce", "sort", [V([0.5, NAN, -INF, 2.0, -0.25, INF, 1.0, NAN], [2, 4], dt="float32")],
     {"dim": 1, "descending": True}, label="nan_inf_desc")
case("reduce", "sort", [U(40, dt="float32")], {"dim": 0, "descending": False}, label="long_line_f32")
case("reduce", "argsort", [R3()], {"dim": 0, "descending": True}, label="dim0")
case("reduce", "argsort", [I(2, 7, lo=-3, hi=3)], {"dim": 1, "descending": False}, label="int64")
case("reduce", "topk", [R3()], {"k": 2, "dim": 1, "largest": True}, label="largest")
case("reduce", "topk", [R3(layout="permuted")], {"k": 3, "dim": -1, "largest": False}, label="smallest_permuted")
case("reduce", "topk", [U(4, 10, dt="float32")], {"k": 5, "dim": 1, "largest": True}, label="f32")
for op in ["all", "any"]:
    case("reduce", op, [B(3, 4)], label="bool")
    case("reduce", op, [V([1.0, 2.0, 0.0], dt="float32")], label="f32")
    case("reduce", op + ".dim", [B(3, 4)], {"dim": 1, "keepDim": False}, label="dim1")
    case("reduce", op + ".dim", [I(3, 4, lo=0, hi=2)], {"dim": 0, "keepDim": True}, label="int64_keep")
for op in ["softmax", "logSoftmax"]:
    case("reduce", op, [R3()], {"dim": -1}, label="last")
    case("reduce", op, [R3()], {"dim": 0}, label="first")
    case("reduce", op, [R3(layout="permuted")], {"dim": 1}, label="middle_permuted")
    case("reduce", op, [U(2, 4, lo=-1000.0, hi=1000.0, dt="float32")], {"dim": 1}, label="f32_large")
    case("reduce", op, [U(3, 1)], {"dim": 1}, label="size1")
    case("reduce", op, [V([0.0, -INF, 1.0, -INF], [2, 2], dt="float32")], {"dim": 1}, label="neg_inf")

# ---- linear algebra
MAT = [
    ("dot", [4], [4]), ("mv", [3, 4], [4]), ("vm", [4], [4, 2]), ("mm", [3, 4], [4, 2]),
    ("batched", [2, 3, 4], [2, 4, 5]), ("batch_times_matrix", [2, 3, 4], [4, 2]),
    ("matrix_times_batch", [3, 4], [2, 4, 2]), ("broadcast4d", [2, 1, 3, 4], [3, 4, 2]),
    ("vector_times_batch", [4], [2, 4, 3]), ("batch_times_vector", [2, 3, 4], [4]),
]
for label, sa, sb in MAT:
    case("linalg", "matmul", [U(*sa), U(*sb)], label=label)
case("linalg", "matmul", [U(3, 4, layout="permuted"), U(4, 2, layout="permuted")], label="transposed_operands")
case("linalg", "matmul", [U(2, 3, 4, layout="strided"), U(4, 2, layout="strided")], label="strided_operands")
case("linalg", "matmul", [U(3, 4), U(1, 4, 5, expand=[2, 4, 5])], label="expanded_operand")
case("linalg", "matmul", [U(16, 24, dt="float32"), U(24, 8, dt="float32")], label="f32")
case("linalg", "matmul", [U(3, 4), U(5, 2)], label="mismatch", error=True)
case("linalg", "mm", [U(3, 4), U(4, 5)], label="f64")
case("linalg", "mm", [U(3, 4, layout="permuted"), U(4, 5)], label="permuted")
case("linalg", "mm", [U(8, 12, dt="float32"), U(12, 6, dt="float32")], label="f32")
case("linalg", "bmm", [U(2, 3, 4), U(2, 4, 2)], label="f64")
case("linalg", "bmm", [U(3, 2, 4, dt="float32"), U(3, 4, 5, dt="float32")], label="f32")
case("linalg", "mv", [U(3, 4), U(4)], label="f64")
case("linalg", "mv", [U(3, 4, layout="permuted"), U(4, layout="strided")], label="noncontiguous")
case("linalg", "outer", [U(3), U(4)], label="f64")
case("linalg", "outer", [U(3, dt="float32"), U(2, dt="float32")], label="f32")
case("linalg", "dot", [U(5), U(5)], label="f64")
case("linalg", "dot", [U(6, dt="float32", layout="strided"), U(6, dt="float32")], label="f32_strided")
case("linalg", "dot", [U(5), U(4)], label="mismatch", error=True)
case("linalg", "linear", [U(4, 3), U(5, 3), U(5)], label="f64")
case("linalg", "linear", [U(2, 3, 4), U(2, 4)], label="batched_no_bias")
case("linalg", "linear", [U(3), U(2, 3), U(2)], label="vector")
case("linalg", "linear", [U(3, 4, layout="permuted"), U(5, 4, layout="permuted"), U(5)], label="permuted")
case("linalg", "linear", [U(16, 24, dt="float32"), U(8, 24, dt="float32"), U(8, dt="float32")], label="f32")
case("linalg", "linear", [U(3, 4), U(5, 3)], label="mismatch", error=True)

# ---- views and layout
case("views", "view", [U(2, 3, 4)], {"shape": [6, 4]}, label="merge")
case("views", "view", [U(2, 3, 4)], {"shape": [2, -1, 2]}, label="infer")
case("views", "view", [U(2, 3, 4, layout="permuted")], {"shape": [24]}, label="incompatible", error=True)
case("views", "reshape", [U(2, 3, 4)], {"shape": [4, 6]}, label="f64")
case("views", "reshape", [U(2, 3, 4, layout="permuted")], {"shape": [-1, 2]}, label="permuted_copy")
case("views", "reshape", [U(6)], {"shape": [2, 3, 1]}, label="add_dim")
case("views", "reshape", [U(6)], {"shape": [4, -1]}, label="bad", error=True)
case("views", "permute", [U(2, 3, 4)], {"dims": [2, 0, 1]}, label="f64")
case("views", "permute", [U(2, 3, 4)], {"dims": [-1, 1, 0]}, label="negative")
case("views", "transpose", [U(2, 3, 4)], {"dim0": 0, "dim1": 2}, label="f64")
case("views", "transpose", [U(2, 3, 4, dt="float32")], {"dim0": -1, "dim1": 1}, label="f32")
case("views", "t", [U(3, 4)], label="matrix")
case("views", "t", [U(4)], label="vector")
case("views", "mT", [U(2, 3, 4)], label="batch")
case("views", "squeeze", [U(1, 3, 1, 2)], label="all")
case("views", "squeeze.dim", [U(1, 3, 1, 2)], {"dim": 2}, label="dim")
case("views", "squeeze.dim", [U(1, 3, 1, 2)], {"dim": 1}, label="not_one")
case("views", "unsqueeze", [U(3, 2)], {"dim": 0}, label="front")
case("views", "unsqueeze", [U(3, 2)], {"dim": -1}, label="back")
case("views", "unsqueeze", [U(3, 2, layout="permuted")], {"dim": 1}, label="middle_permuted")
case("views", "expand", [U(3, 1)], {"shape": [2, 3, 4]}, label="f64")
case("views", "expand", [U(3, 1)], {"shape": [-1, 5]}, label="keep")
case("views", "expand", [U(3, 2)], {"shape": [3, 4]}, label="bad", error=True)
case("views", "expandAs", [U(1, 4), U(3, 4, grad=False)], label="f64")
case("views", "flatten", [U(2, 3, 4)], label="all")
case("views", "flatten", [U(2, 3, 4, layout="permuted")], label="permuted")
case("views", "flatten.range", [U(2, 3, 4, 2)], {"startDim": 1, "endDim": 2}, label="middle")
case("views", "flatten.range", [U(2, 3, 4)], {"startDim": 0, "endDim": -2}, label="negative")
case("views", "flatten.start", [U(2, 3, 4, 2)], {"startDim": 1}, label="batch")
case("views", "narrow", [U(4, 5)], {"dim": 1, "start": 1, "length": 3}, label="f64")
case("views", "narrow", [U(4, 5)], {"dim": 0, "start": -2, "length": 2}, label="negative_start")
case("views", "slice", [U(5, 6)], {"dim": 1, "start": 1, "end": 6, "step": 2}, label="step2")
case("views", "slice", [U(5, 6)], {"dim": 0, "start": -3, "end": 100, "step": 1}, label="clamped")
case("views", "slice", [U(5, 6, layout="permuted")], {"dim": 1, "start": 0, "end": 5, "step": 3}, label="permuted")
case("views", "select", [U(3, 4, 2)], {"dim": 1, "index": 2}, label="f64")
case("views", "select", [U(3, 4, 2)], {"dim": 0, "index": -1}, label="negative")
case("views", "select", [U(3, 4)], {"dim": 1, "index": 4}, label="out_of_range", error=True)
case("views", "unfold", [U(2, 7)], {"dim": 1, "size": 3, "step": 2}, label="f64")
case("views", "unfold", [U(6, 2)], {"dim": 0, "size": 3, "step": 1}, label="overlap")
case("views", "unfold", [U(2, 5, dt="float32", layout="permuted")], {"dim": 1, "size": 5, "step": 5}, label="whole")
case("views", "contiguous", [U(3, 4, layout="permuted")], label="permuted")
case("views", "contiguous", [U(3, 4)], label="already")
case("views", "clone", [U(3, 4, layout="strided")], label="strided")
case("views", "clone", [I(2, 3)], label="int64")

# ---- indexing
case("indexing", "gather", [U(3, 4), I(3, 5, lo=0, hi=4)], {"dim": 1}, label="dim1_repeats")
case("indexing", "gather", [U(3, 4), I(2, 4, lo=0, hi=3)], {"dim": 0}, label="dim0")
case("indexing", "gather", [U(3, 4, layout="permuted"), I(3, 2, lo=0, hi=4)], {"dim": -1}, label="permuted")
case("indexing", "gather", [I(3, 4, lo=-5, hi=5), I(3, 2, lo=0, hi=4)], {"dim": 1}, label="int64")
case("indexing", "gather", [U(3, 4), I(3, 2, lo=4, hi=6)], {"dim": 1}, label="out_of_range", error=True)
case("indexing", "scatter", [U(3, 5), Perm([3, 2], 5, 1), U(3, 2)], {"dim": 1}, label="dim1")
# PyTorch 1.13's scatter backward rejects a src larger than index, so only self gets a gradient here
case("indexing", "scatter", [U(4, 3), Perm([2, 3], 4, 0), U(3, 3, grad=False)], {"dim": 0}, label="larger_src")
case("indexing", "scatter", [U(3, 5, dt="float32"), Perm([3, 2], 5, 1), U(3, 2, dt="float32")],
     {"dim": 1}, label="f32")
case("indexing", "scatter.value", [U(3, 5), Perm([3, 2], 5, 1)], {"dim": 1, "value": -2.0}, label="f64")
case("indexing", "scatterAdd", [U(3, 4), I(3, 6, lo=0, hi=4), U(3, 6)], {"dim": 1}, label="repeats")
case("indexing", "scatterAdd", [U(4, 3), I(5, 3, lo=0, hi=4), U(5, 3, layout="permuted")], {"dim": 0}, label="dim0")
case("indexing", "scatterAdd", [I(2, 4), I(2, 3, lo=0, hi=4), I(2, 3)], {"dim": 1}, label="int64")
case("indexing", "indexSelect", [U(4, 3), V([3, 0, 3, 1], dt="int64")], {"dim": 0}, label="dim0_repeats")
case("indexing", "indexSelect", [U(2, 5, 3), V([4, 1], dt="int32")], {"dim": 1}, label="int32_index")
case("indexing", "indexSelect", [U(4, 3, dt="float32", layout="permuted"), V([2, 2], dt="int64")], {"dim": -1},
     label="f32_permuted")
case("indexing", "indexSelect", [U(4, 3), V([0.0, 1.0], dt="float32")], {"dim": 0}, label="float_index", error=True)

# ---- creation and casts
case("creation", "linspace", [], {"start": 0.0, "end": 1.0, "steps": 7}, label="f32")
case("creation", "linspace", [], {"start": -2.5, "end": 3.0, "steps": 12, "dtype": "float64"}, label="f64")
case("creation", "linspace", [], {"start": 5.0, "end": 5.0, "steps": 1}, label="one")
case("creation", "linspace", [], {"start": 1.0, "end": 0.0, "steps": 6}, label="descending")
case("creation", "arange", [], {"end": 6}, label="end")
case("creation", "arange.range", [], {"start": 2, "end": 11, "step": 3}, label="int")
case("creation", "arange.range", [], {"start": 0.0, "end": 1.0, "step": 0.1}, label="float_step")
case("creation", "arange.range", [], {"start": 5, "end": -3, "step": -2}, label="negative_step")
case("creation", "arange.dtype", [], {"start": 0, "end": 5, "step": 1, "dtype": "float64"}, label="f64")
case("creation", "arange.range", [], {"start": 0, "end": 5, "step": -1}, label="inconsistent", error=True)
case("creation", "eye", [], {"n": 3}, label="square")
case("creation", "eye.nm", [], {"n": 2, "m": 4, "dtype": "float64"}, label="wide_f64")
case("creation", "eye.nm", [], {"n": 4, "m": 3, "dtype": "int64"}, label="tall_int64")
CAST_SRC = V([-2.7, -1.5, -0.5, 0.0, 0.49, 1.5, 2.5, 200.9], dt="float32")
for dt in ["int64", "int32", "bool", "float64", "float16", "bfloat16"]:
    case("creation", "to", [CAST_SRC], {"dtype": dt}, label="f32_to_" + dt)
case("creation", "to", [V([65504.0, 65520.0, 1e5, 1.0009765625 + 2 ** -11, 1.0 + 2 ** -11, 6e-8, 3e-8, -1e-9],
                          dt="float32")], {"dtype": "float16"}, label="f16_rounding_range")
case("creation", "to", [V([1.00390625, 1.01171875, 3.14159265, 1e38, 3e38, -1e-40], dt="float32")],
     {"dtype": "bfloat16"}, label="bf16_rounding_range")
case("creation", "to", [V([1.2345678901234567, -1e-50, 1e300], dt="float64", grad=False)], {"dtype": "float32"},
     label="f64_to_f32")
case("creation", "to", [U(3, 4)], {"dtype": "float32"}, label="f64_to_f32_grad")
case("creation", "to", [I(2, 3, lo=-9, hi=9)], {"dtype": "float32"}, label="int64_to_f32")
case("creation", "to", [B(2, 3)], {"dtype": "float32"}, label="bool_to_f32")
case("creation", "to", [I(2, 3, lo=0, hi=255, dt="uint8")], {"dtype": "int64"}, label="uint8_to_int64")
case("creation", "to", [V([0, 1, 250, 255], dt="int64")], {"dtype": "uint8"}, label="int64_to_uint8")
case("creation", "toFloat", [I(2, 3)], label="int64")
case("creation", "toDouble", [U(2, 3, dt="float32")], label="f32")
case("creation", "toLong", [V([-1.7, 0.2, 3.99], dt="float64", grad=False)], label="truncates")

# ---- the other work streams' ops: named by the Java methods expected (camelCase of PyTorch's)
for d, shape_in, k in [(1, [2, 3, 9], [4, 3, 3]), (2, [2, 3, 6, 5], [4, 3, 3, 2]), (3, [1, 2, 5, 4, 4], [3, 2, 2, 3, 2])]:
    op = "conv%dd" % d
    one = [1] * d
    case("conv", op, [U(*shape_in), U(*k), U(k[0])], {"stride": one, "padding": [0] * d, "dilation": one, "groups": 1},
         label="basic")
    case("conv", op, [U(*shape_in), U(*k)], {"stride": [2] * d, "padding": [1] * d, "dilation": one, "groups": 1},
         label="stride_pad_nobias")
    case("conv", op, [U(*shape_in[:1], 4, *shape_in[2:]), U(k[0] + k[0] % 2, 2, *k[2:]), U(k[0] + k[0] % 2)],
         {"stride": one, "padding": [1] * d, "dilation": [2] * d, "groups": 2}, label="groups_dilation")
    case("conv", op, [U(*shape_in, dt="float32"), U(*k, dt="float32"), U(k[0], dt="float32")],
         {"stride": one, "padding": [1] * d, "dilation": one, "groups": 1}, label="f32")
    opt = "convTranspose%dd" % d
    cin = shape_in[1]
    case("conv", opt, [U(*shape_in[:1], 2, *[min(s, 4) for s in shape_in[2:]]), U(2, 3, *k[2:]), U(3)],
         {"stride": [2] * d, "padding": [1] * d, "outputPadding": [1] * d, "groups": 1, "dilation": one},
         label="stride_pad_outpad")
    case("conv", opt, [U(*shape_in[:1], 4, *[min(s, 4) for s in shape_in[2:]]), U(4, 1, *k[2:])],
         {"stride": one, "padding": [0] * d, "outputPadding": [0] * d, "groups": 2, "dilation": [2] * d},
         label="groups_dilation_nobias")
    case("conv", opt, [U(*shape_in[:1], 2, *[min(s, 4) for s in shape_in[2:]], dt="float32"),
                       U(2, 3, *k[2:], dt="float32"), U(3, dt="float32")],
         {"stride": [2] * d, "padding": [0] * d, "outputPadding": [0] * d, "groups": 1, "dilation": one}, label="f32")
# "same" with an even kernel puts the extra zero at the end, as PyTorch
case("conv", "conv1d.padMode", [U(2, 2, 7), U(3, 2, 4), U(3)], {"stride": [1], "padding": "same", "dilation": [1],
                                                                "groups": 1}, label="same_even_kernel")
case("conv", "conv2d.padMode", [U(1, 2, 5, 6), U(2, 2, 3, 2)], {"stride": [1, 1], "padding": "same",
                                                                "dilation": [2, 1], "groups": 1}, label="same_dilated")
case("conv", "conv2d.padMode", [U(1, 2, 5, 6), U(2, 2, 3, 2), U(2)], {"stride": [2, 1], "padding": "valid",
                                                                      "dilation": [1, 1], "groups": 1}, label="valid")
case("conv", "conv3d.padMode", [U(1, 2, 3, 4, 3), U(2, 1, 2, 3, 2)], {"stride": [1, 1, 1], "padding": "same",
                                                                      "dilation": [1, 1, 1], "groups": 2},
     label="same_groups")
case("conv", "conv2d", [U(1, 2, 5, 5, layout="permuted"), U(3, 2, 3, 3)],
     {"stride": [1, 2], "padding": [2, 0], "dilation": [1, 1], "groups": 1}, label="asymmetric_permuted")
case("conv", "conv2d", [U(1, 3, 5, 5), U(4, 2, 3, 3)],
     {"stride": [1, 1], "padding": [0, 0], "dilation": [1, 1], "groups": 1}, label="channel_mismatch", error=True)

for d, shape_in in [(1, [2, 3, 9]), (2, [2, 2, 7, 6]), (3, [1, 2, 5, 5, 4])]:
    one = [1] * d
    case("pool", "maxPool%dd" % d, [U(*shape_in)],
         {"kernelSize": [2] * d, "stride": [2] * d, "padding": [0] * d, "dilation": one, "ceilMode": False},
         label="k2s2")
    case("pool", "maxPool%dd" % d, [U(*shape_in)],
         {"kernelSize": [3] * d, "stride": [2] * d, "padding": [1] * d, "dilation": one, "ceilMode": True},
         label="k3s2p1_ceil")
    case("pool", "avgPool%dd" % d, [U(*shape_in)],
         {"kernelSize": [2] * d, "stride": [2] * d, "padding": [0] * d, "ceilMode": False, "countIncludePad": True},
         label="k2s2")
    case("pool", "avgPool%dd" % d, [U(*shape_in)],
         {"kernelSize": [3] * d, "stride": [2] * d, "padding": [1] * d, "ceilMode": True, "countIncludePad": False},
         label="k3s2p1_ceil_exclude_pad")
    case("pool", "avgPool%dd" % d, [U(*shape_in, dt="float32")],
         {"kernelSize": [3] * d, "stride": [1] * d, "padding": [1] * d, "ceilMode": False, "countIncludePad": True},
         label="f32")
    case("pool", "adaptiveAvgPool%dd" % d, [U(*shape_in)], {"outputSize": [3] * d}, label="uneven")
    case("pool", "adaptiveMaxPool%dd" % d, [U(*shape_in)], {"outputSize": [2] * d}, label="f64")
case("pool", "maxPool2d", [U(1, 2, 7, 7)],
     {"kernelSize": [3, 2], "stride": [1, 2], "padding": [1, 0], "dilation": [2, 1], "ceilMode": False},
     label="dilation_asymmetric")
case("pool", "maxPool2d", [U(2, 3, 6, 6, dt="float32", layout="permuted")],
     {"kernelSize": [2, 2], "stride": [2, 2], "padding": [0, 0], "dilation": [1, 1], "ceilMode": False},
     label="f32_channels_last_like")
# indices index the flattened spatial plane of each (n, c), as PyTorch's return_indices
case("pool", "maxPool1dWithIndices", [U(2, 2, 7)],
     {"kernelSize": [3], "stride": [2], "padding": [1], "dilation": [1], "ceilMode": False}, label="k3s2p1")
case("pool", "maxPool2dWithIndices", [U(1, 2, 4, 6)],
     {"kernelSize": [2, 2], "stride": [2, 2], "padding": [0, 0], "dilation": [1, 1], "ceilMode": False},
     label="k2s2")
case("pool", "maxPool2dWithIndices", [U(1, 1, 5, 5)],
     {"kernelSize": [3, 3], "stride": [2, 2], "padding": [1, 1], "dilation": [1, 1], "ceilMode": True},
     label="k3s2p1_ceil")
case("pool", "maxPool3dWithIndices", [U(1, 2, 4, 4, 3)],
     {"kernelSize": [2, 2, 2], "stride": [2, 2, 1], "padding": [0, 0, 0], "dilation": [1, 1, 1], "ceilMode": False},
     label="k2")
case("pool", "adaptiveMaxPool1dWithIndices", [U(2, 2, 7)], {"outputSize": [3]}, label="uneven")
case("pool", "adaptiveMaxPool2dWithIndices", [U(1, 2, 5, 7)], {"outputSize": [2, 3]}, label="uneven")
case("pool", "adaptiveMaxPool3dWithIndices", [U(1, 1, 4, 5, 3)], {"outputSize": [2, 2, 2]}, label="uneven")
case("pool", "adaptiveAvgPool2d", [U(2, 3, 7, 5, dt="float32")], {"outputSize": [1, 1]}, label="global_f32")

case("norm", "batchNorm", [U(4, 3, 5), U(3, grad=False), P(3, grad=False), U(3), U(3)],
     {"training": True, "momentum": 0.1, "eps": 1e-5}, label="train_1d")
case("norm", "batchNorm", [U(3, 2, 4, 3), U(2, grad=False), P(2, grad=False), U(2), U(2)],
     {"training": True, "momentum": 0.3, "eps": 1e-3}, label="train_2d")
case("norm", "batchNorm", [U(3, 2, 4, 3), U(2, grad=False), P(2, grad=False), U(2), U(2)],
     {"training": False, "momentum": 0.1, "eps": 1e-5}, label="eval_2d")
case("norm", "batchNorm", [U(2, 2, 3, 3, 2), U(2, grad=False), P(2, grad=False)],
     {"training": True, "momentum": 0.1, "eps": 1e-5}, label="train_3d_no_affine")
case("norm", "batchNorm", [U(8, 4, 3, 3, dt="float32"), U(4, dt="float32"), P(4, dt="float32"),
                           U(4, dt="float32"), U(4, dt="float32")],
     {"training": True, "momentum": 0.1, "eps": 1e-5}, label="f32")
case("norm", "layerNorm", [U(2, 3, 4), U(4), U(4)], {"normalizedShape": [4], "eps": 1e-5}, label="last")
case("norm", "layerNorm", [U(2, 3, 4), U(3, 4), U(3, 4)], {"normalizedShape": [3, 4], "eps": 1e-5}, label="last2")
case("norm", "layerNorm", [U(2, 3, 4, layout="permuted")], {"normalizedShape": [4], "eps": 1e-5},
     label="no_affine_permuted")
case("norm", "layerNorm", [U(4, 16, dt="float32"), U(16, dt="float32"), U(16, dt="float32")],
     {"normalizedShape": [16], "eps": 1e-5}, label="f32")
case("norm", "groupNorm", [U(2, 4, 3, 3), U(4), U(4)], {"numGroups": 2, "eps": 1e-5}, label="g2")
case("norm", "groupNorm", [U(2, 6, 5)], {"numGroups": 3, "eps": 1e-5}, label="g3_no_affine")
case("norm", "groupNorm", [U(2, 4, 2, 2, 2), U(4), U(4)], {"numGroups": 4, "eps": 1e-5}, label="3d_per_channel")
case("norm", "groupNorm", [U(2, 8, 4, 4, dt="float32"), U(8, dt="float32"), U(8, dt="float32")],
     {"numGroups": 4, "eps": 1e-5}, label="f32")
case("norm", "instanceNorm", [U(2, 3, 4, 4), U(3), U(3)], {"eps": 1e-5}, label="2d")
case("norm", "instanceNorm", [U(2, 2, 6)], {"eps": 1e-5}, label="1d_no_affine")
case("norm", "instanceNorm", [U(1, 2, 3, 3, 3), U(2), U(2)], {"eps": 1e-5}, label="3d")
case("norm", "instanceNorm.running", [U(2, 3, 4, 4), U(3, grad=False), P(3, grad=False), U(3), U(3)],
     {"useInputStats": True, "momentum": 0.2, "eps": 1e-5}, label="update_running_stats")
case("norm", "instanceNorm.running", [U(2, 3, 5), U(3, grad=False), P(3, grad=False), U(3), U(3)],
     {"useInputStats": False, "momentum": 0.1, "eps": 1e-5}, label="use_running_stats")

case("network", "dropout", [U(3, 4)], {"p": 0.5, "training": False}, label="eval_identity")
case("network", "dropout", [U(3, 4)], {"p": 0.0, "training": True}, label="p0_identity")
case("network", "dropout", [U(3, 4, dt="float32")], {"p": 1.0, "training": True}, label="p1_zeros")
# dropout draws from its own random stream: only the deterministic settings can match PyTorch
for d, shape in [(1, [2, 3, 4]), (2, [2, 3, 2, 2]), (3, [1, 2, 2, 2, 2])]:
    case("network", "dropout%dd" % d, [U(*shape)], {"p": 0.5, "training": False}, label="eval_identity")
    case("network", "dropout%dd" % d, [U(*shape)], {"p": 0.0, "training": True}, label="p0_identity")
    case("network", "dropout%dd" % d, [U(*shape, dt="float32")], {"p": 1.0, "training": True}, label="p1_zeros")
case("network", "embedding", [I(2, 3, lo=0, hi=5), U(5, 4)], {}, label="f64")
case("network", "embedding", [V([[0, 2, 0], [4, 2, 1]], dt="int64"), U(5, 3)], {"paddingIdx": 0}, label="padding_idx")
case("network", "embedding", [I(4, lo=0, hi=6), U(6, 2, dt="float32")], {}, label="f32")
for mode, shape, size, extra in [
    ("nearest", [1, 2, 3, 4], [5, 7], {}), ("nearest", [1, 1, 5], [3], {}),
    ("linear", [2, 2, 5], [8], {"alignCorners": False}), ("linear", [2, 2, 5], [8], {"alignCorners": True}),
    ("bilinear", [1, 2, 3, 4], [5, 6], {"alignCorners": False}), ("bilinear", [1, 2, 3, 4], [5, 6], {"alignCorners": True}),
    ("bilinear", [1, 1, 6, 6], [4, 3], {"alignCorners": False}),
    ("trilinear", [1, 1, 3, 3, 2], [4, 5, 3], {"alignCorners": False}),
    ("nearest", [1, 1, 2, 3, 2], [3, 4, 4], {}),
]:
    kw = dict(extra, size=size, mode=mode)
    case("network", "interpolate", [U(*shape)], kw,
         label=mode + "_" + "x".join(map(str, size)) + ("_ac" if extra.get("alignCorners") else ""))
case("network", "interpolate.bicubic", [U(1, 1, 4, 4)], {"size": [6, 5], "alignCorners": False}, label="6x5")
# edge taps clamp (not zero-padded), downsampling skips inputs, one input row, a permuted input,
# and scale factors that leave one size unchanged but still map positions with 1 / scale
for shape, kw, label, layout in [
    ([2, 1, 4, 3], {"size": [6, 7], "alignCorners": True}, "6x7_ac", None),
    ([1, 2, 7, 6], {"size": [3, 2], "alignCorners": False}, "down_3x2", None),
    ([1, 1, 6, 5], {"size": [4, 2], "alignCorners": True}, "down_4x2_ac", None),
    ([1, 1, 1, 3], {"size": [2, 5], "alignCorners": False}, "one_row_2x5", None),
    ([1, 2, 3, 4], {"size": [5, 5], "alignCorners": False}, "permuted_5x5", "permuted"),
    ([1, 1, 4, 4], {"scaleFactor": [1.1, 0.9], "alignCorners": False}, "scale_1.1x0.9", None),
]:
    case("network", "interpolate.bicubic", [U(*shape, layout=layout)], kw, label=label)
case("network", "interpolate.bicubic", [U(1, 2, 3, 4, dt="float32")], {"scaleFactor": [2.0, 1.5], "alignCorners": False},
     label="scale2x1.5_f32")
case("network", "interpolate.bicubic", [U(1, 1, 5, 3, dt="float32")], {"size": [3, 8], "alignCorners": True},
     label="3x8_ac_f32")
case("network", "interpolate.bicubic", [U(1, 1, 4)], {"size": [6], "alignCorners": False}, label="3d_input",
     error=True)
case("network", "interpolate", [U(1, 2, 3, 4, dt="float32")], {"scaleFactor": [2.0, 2.0], "mode": "bilinear",
                                                               "alignCorners": False}, label="bilinear_scale2_f32")
case("network", "interpolate", [U(1, 2, 3, 3, dt="float32")], {"scaleFactor": [2.0, 2.0], "mode": "nearest"},
     label="nearest_scale2_f32")
case("network", "oneHot", [V([0, 3, 1, 3], dt="int64")], {"numClasses": 5}, label="1d")
case("network", "oneHot", [I(2, 3, lo=0, hi=4)], {"numClasses": 4}, label="2d")
case("network", "oneHot.infer", [V([2, 0, 4], dt="int64")], {}, label="max_plus_one")
case("network", "oneHot", [V([0, 5], dt="int64")], {"numClasses": 3}, label="out_of_range", error=True)

case("joining", "cat", [U(2, 3), U(1, 3), U(4, 3)], {"dim": 0}, label="dim0")
case("joining", "cat", [U(2, 3, layout="permuted"), U(2, 1)], {"dim": -1}, label="last_permuted")
case("joining", "cat", [U(2, 3, dt="float32"), I(2, 2)], {"dim": 1}, label="promote")
case("joining", "cat", [U(2, 3), U(2, 4)], {"dim": 0}, label="mismatch", error=True)
case("joining", "stack", [U(2, 3), U(2, 3), U(2, 3)], {"dim": 0}, label="dim0")
case("joining", "stack", [U(2, 3), U(2, 3, layout="strided")], {"dim": 2}, label="last")
case("joining", "split", [U(5, 4)], {"splitSize": 2, "dim": 0}, label="uneven")
case("joining", "split.sizes", [U(3, 6)], {"sizes": [1, 3, 2], "dim": 1}, label="sizes")
case("joining", "chunk", [U(7, 2)], {"chunks": 3, "dim": 0}, label="uneven")
case("joining", "chunk", [U(2, 6, dt="float32")], {"chunks": 2, "dim": -1}, label="f32")
case("joining", "pad", [U(2, 3)], {"pad": [1, 2], "mode": "constant", "value": 0.5}, label="constant_1d")
case("joining", "pad", [U(1, 2, 3, 4)], {"pad": [1, 0, 2, 1], "mode": "constant", "value": 0.0}, label="constant_2d")
case("joining", "pad", [U(1, 2, 3, 4)], {"pad": [2, 1, 1, 2], "mode": "reflect"}, label="reflect_2d")
case("joining", "pad", [U(1, 2, 3, 4)], {"pad": [2, 1, 1, 2], "mode": "replicate"}, label="replicate_2d")
case("joining", "pad", [U(1, 1, 2, 3, 3)], {"pad": [1, 1, 0, 1, 1, 0], "mode": "replicate"}, label="replicate_3d")
case("joining", "pad", [U(1, 2, 5)], {"pad": [2, 3], "mode": "reflect"}, label="reflect_1d")
case("joining", "pad", [U(1, 2, 4)], {"pad": [2, 1], "mode": "circular"}, label="circular_1d")
case("joining", "pad", [U(1, 1, 3, 4)], {"pad": [1, 2, 2, 0], "mode": "circular"}, label="circular_2d")
case("joining", "pad", [U(1, 2, 3)], {"pad": [3, 0], "mode": "reflect"}, label="reflect_too_wide", error=True)
case("joining", "pad", [U(2, 3, dt="float32")], {"pad": [1, 1, 1, 1], "mode": "constant", "value": -1.0},
     label="f32")
case("joining", "flip", [U(2, 3, 4)], {"dims": [0, 2]}, label="f64")
case("joining", "flip", [I(2, 3)], {"dims": [-1]}, label="int64")
case("joining", "roll", [U(3, 4)], {"shifts": [1, -2], "dims": [0, 1]}, label="both")
case("joining", "roll", [U(2, 5, layout="permuted")], {"shifts": [7], "dims": [1]}, label="wrap_permuted")
case("joining", "repeat", [U(2, 3)], {"sizes": [2, 1, 3]}, label="new_dim")
case("joining", "repeat", [U(3, dt="float32")], {"sizes": [2, 2]}, label="f32")
case("joining", "repeat", [U(2, 3)], {"sizes": [2]}, label="too_few", error=True)
case("joining", "maskedSelect", [U(3, 4), B(3, 4)], {}, label="f64")
case("joining", "maskedSelect", [U(3, 4), B(4)], {}, label="broadcast_mask")
case("joining", "nonzero", [V([0.0, 1.0, 0.0, -2.0, 3.0, 0.0], [2, 3], dt="float32")], {}, label="f32")
case("joining", "nonzero", [B(2, 2, 3)], {}, label="bool3d")
case("joining", "index", [U(4, 3), V([3, 0, 3], dt="int64")], {}, label="rows_repeat")
case("joining", "index", [U(4, 3), V([[0, -1], [2, 0]], dt="int64")], {}, label="2d_index_negative")
case("joining", "index", [U(4, 3, layout="permuted"), V([1, 3], dt="int32")], {}, label="int32_permuted")
case("joining", "index", [U(4, 3), B(4)], {}, label="bool_mask")
case("joining", "index", [U(2, 3, 2), B(2, 3)], {}, label="bool_mask_2d")
case("joining", "index", [U(4, 3), V([0, 4], dt="int64")], {}, label="out_of_range", error=True)
case("joining", "index.multi", [U(4, 3), V([0, 2, 3], dt="int64"), V([1, 1, 0], dt="int64")], {}, label="pairs")
case("joining", "index.multi", [U(3, 4, 2), V([[2], [-1]], dt="int64"), V([0, -4, 3], dt="int64")], {},
     label="broadcast_negative")
case("joining", "index.multi", [U(2, 3, 4, layout="permuted"), V([1, 0, 1, 1], dt="int64"), V([2, 0, 2, 2], dt="int64"),
                                V([3, 1, 3, 3], dt="int64")], {}, label="full_rank_repeats")
case("joining", "index.multi", [U(4, 3), V([0, 1], dt="int64"), V([1, 3], dt="int64")], {}, label="out_of_range",
     error=True)
case("joining", "index.multi", [U(4, 3), V([0, 1], dt="int64"), V([1, 2, 0], dt="int64")], {}, label="no_broadcast",
     error=True)
case("joining", "index.multi", [U(4, 3), V([0], dt="int64"), V([1], dt="int64"), V([0], dt="int64")], {},
     label="too_many", error=True)
case("joining", "indexPut.multi", [U(4, 3), V([0, 2, 3], dt="int64"), V([1, 1, 0], dt="int64"), U(3)],
     {"accumulate": False}, label="pairs")
case("joining", "indexPut.multi", [U(4, 3), V([1, 1, 2], dt="int64"), V([0, 0, -1], dt="int64"), U(3)],
     {"accumulate": True}, label="repeats_accumulate")
case("joining", "indexPut.multi", [U(3, 4, 2, layout="permuted"), V([[0], [2]], dt="int64"), V([1, 3, 0], dt="int64"),
                                   U(2)], {"accumulate": True}, label="broadcast_rest_dim")
case("joining", "indexPut.multi", [U(4, 3), V([0, 1], dt="int64"), V([1, 3], dt="int64"), U(2)],
     {"accumulate": False}, label="out_of_range", error=True)
case("joining", "indexPut.multi", [U(4, 3), V([0, 1], dt="int64"), V([1, 2], dt="int64"), U(3)],
     {"accumulate": False}, label="values_do_not_broadcast", error=True)
case("joining", "indexPut", [U(4, 3), V([2, 0], dt="int64"), U(2, 3)], {"accumulate": False}, label="rows")
case("joining", "indexPut", [U(4, 3), V([2, 0, 2], dt="int64"), U(3)], {"accumulate": True}, label="accumulate_broadcast")
case("joining", "indexPut", [U(4, 3), B(4), U(1)], {"accumulate": False}, label="bool_mask")
case("joining", "indexPut", [I(4, 3), V([1], dt="int64"), I(3)], {"accumulate": True}, label="int64")
case("joining", "indexPut.scalar", [U(4, 3), V([3, 1], dt="int64")], {"value": -2.5}, label="f64")
case("joining", "maskedScatter", [U(3, 4), B(3, 4), U(12)], {}, label="f64")
case("joining", "maskedScatter", [U(3, 4), B(4), U(3, 5)], {}, label="broadcast_mask_larger_source")
case("joining", "unbind", [U(3, 4)], {"dim": 0}, label="dim0")
case("joining", "unbind", [U(2, 3, 2, layout="permuted")], {"dim": -1}, label="last_permuted")
case("joining", "tile", [U(2, 3)], {"reps": [2]}, label="fewer_reps")
case("joining", "tile", [U(2, 3)], {"reps": [2, 1, 2]}, label="more_reps")
case("joining", "roll.flat", [U(3, 4)], {"shifts": -5}, label="flattened")


# --------------------------------------------------------------------------------------------
# Running the cases

def seed_of(text):
    return zlib.crc32(text.encode("utf-8"))


def short_float(v, dtype):
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    if dtype in ("float32", "float16", "bfloat16"):
        # the shortest decimal that reads back as the same float32 (Java's Float.parseFloat)
        return float(repr(np.float32(v)))
    return v


def encode(t):
    t = t.detach()
    dt = NAMES[t.dtype]
    flat = t.contiguous().reshape(-1)
    if t.dtype.is_floating_point:
        data = [short_float(v, dt) for v in flat.to(torch.float64).tolist()]
    else:
        data = flat.tolist()
    return {"shape": list(t.shape), "dtype": dt, "data": data}


def encode_kwargs(k):
    """JSON has no inf or nan: write them as the strings the Java side parses back."""
    def enc(v):
        if isinstance(v, float) and not math.isfinite(v):
            return short_float(v, "float64")
        if isinstance(v, list):
            return [enc(x) for x in v]
        return v
    return {name: enc(v) for name, v in k.items()}


def with_layout(x, spec):
    """The tensor the op sees: same values as x, laid out as the spec asks."""
    if spec.expand is not None:
        return x.expand(spec.expand)
    if spec.layout == "permuted" and x.dim() >= 2:
        rev = list(range(x.dim()))[::-1]
        return x.permute(rev).contiguous().permute(rev)
    if spec.layout == "strided" and x.dim() >= 1:
        shape = list(x.shape)
        big = x.new_zeros(shape[:-1] + [2 * shape[-1]])
        big[..., ::2] = x
        return big[..., ::2]
    return x


def as_list(out):
    if isinstance(out, bool):
        return [torch.tensor(out)]
    if isinstance(out, torch.Tensor):
        return [out]
    return list(out)


def run(c):
    seed = seed_of(c["id"])
    gen = torch.Generator().manual_seed(seed)
    leaves = [s.make(gen) for s in c["specs"]]
    record = {"id": c["id"], "op": c["op"], "kwargs": encode_kwargs(c["kwargs"])}
    inputs = []
    for s, x in zip(c["specs"], leaves):
        e = encode(x)
        if s.layout:
            e["layout"] = s.layout
        if s.expand is not None:
            e["expand"] = s.expand
        wants = c["grad"] and not c["error"] and s.grad and x.dtype == torch.float64
        if wants:
            e["requiresGrad"] = True
            x.requires_grad_(True)
        inputs.append(e)
    record["inputs"] = inputs
    args = [with_layout(x, s) for s, x in zip(c["specs"], leaves)]
    if c["error"]:
        try:
            TORCH[c["op"]](args, c["kwargs"])
        except (RuntimeError, IndexError, ValueError, TypeError):
            record["error"] = True
            return record
        raise AssertionError(c["id"] + ": expected PyTorch to reject this call")
    outs = as_list(TORCH[c["op"]](args, c["kwargs"]))
    record["outputs"] = [encode(o) for o in outs]
    grad_leaves = [x for x in leaves if x.requires_grad]
    if grad_leaves:
        wgen = torch.Generator().manual_seed(seed + 1)
        loss = 0
        weights = []
        for o in outs:
            if o.dtype.is_floating_point and o.requires_grad:
                w = torch.round(torch.randn(o.shape, generator=wgen, dtype=torch.float64) * 1e4) / 1e4
                weights.append(encode(w))
                loss = loss + (o.to(torch.float64) * w).sum()
            else:
                weights.append(None)
        record["gradWeights"] = weights
        if isinstance(loss, torch.Tensor):
            grads = torch.autograd.grad(loss, grad_leaves, allow_unused=True)
            it = iter(grads)
            for e, x in zip(inputs, leaves):
                if x.requires_grad:
                    g = next(it)
                    e["grad"] = encode(g if g is not None else torch.zeros_like(x))
    return record


def main():
    torch.set_default_dtype(torch.float32)
    torch.set_num_threads(1)
    os.makedirs(OUT_DIR, exist_ok=True)
    total = 0
    for family, cases in FAMILIES.items():
        records = [run(c) for c in cases]
        total += len(records)
        head = {
            "family": family,
            "torch": torch.__version__,
            "generator": "tools/golden/generate.py",
            "note": "Generated; do not edit. Gradients are d(sum_i sum(outputs[i] * gradWeights[i]))/d(input).",
        }
        lines = [json.dumps(head, separators=(",", ":"))[:-1] + ',"cases":[']
        lines.append(",\n".join(json.dumps(r, separators=(",", ":"), allow_nan=False) for r in records))
        lines.append("]}")
        path = os.path.join(OUT_DIR, family + ".json")
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        print("%-10s %4d cases %8d bytes" % (family, len(records), os.path.getsize(path)))
    ops = sorted({c["op"] for cs in FAMILIES.values() for c in cs})
    print("total %d cases, %d op keys, torch %s" % (total, len(ops), torch.__version__))


if __name__ == "__main__":
    main()
