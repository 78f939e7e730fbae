#!/usr/bin/python3
"""Writes the PyTorch reference fixtures for the cnn module's layers and LeNet-5.

Run with Debian's interpreter, which has python3-torch:

    /usr/bin/python3 tools/golden/generate_cnn_layers.py

It writes to cnn/src/test/resources/golden/ (read by cnn/src/test/java/org/vesalius/cnn/):

  cnn_layers.json  one case per layer configuration, in float64: the Java constructor's arguments
                   (camelCase), the module's state dict (PyTorch's keys), an input, the output (and
                   max-pooling indices), and for loss = sum(output * gradWeight) the input's and every
                   parameter's gradient; running statistics after the forward where they change
  lenet5.json      index of lenet5.bin: name, shape and float32 offset of each array, the labels
  lenet5.bin       float32 little endian: the W2 LeNet-5's PyTorch-initialised weights (state dict),
                   a batch of images, the logits, the cross-entropy loss and the gradients of the input
                   and every parameter (5.weight's [500, 800] one as its products with two random
                   vectors, "probe/...", to keep the file small)

Inputs are seeded from each case's id (generate.py's seed_of) and rounded to four decimals, so the
files change only when a case (or PyTorch) does.
"""
import json
import os
import struct
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "bench", "scripts"))
from generate import encode, seed_of  # noqa: E402  (the tensor encoding the parity suite reads)
from torch_models import lenet5  # noqa: E402  (W2's network, the one the benchmark times)

OUT_DIR = os.path.join(ROOT, "cnn", "src", "test", "resources", "golden")

CASES = []


def case(module, label, ctor, input_shape, mode="train", forward=None, perturb_affine=False, random_stats=False):
    """ctor: the Java arguments by name; forward: extra forward arguments (outputSize, indices)."""
    cid = module + "/" + label
    if any(c["id"] == cid for c in CASES):
        raise KeyError("duplicate case id " + cid)
    CASES.append(dict(id=cid, module=module, ctor=ctor, input_shape=input_shape, mode=mode, forward=forward or {},
                      perturb_affine=perturb_affine, random_stats=random_stats))


def tup(v, n):
    return tuple(v) if isinstance(v, list) else (v,) * n


def build(c):
    m, k = c["module"], c["ctor"]
    sd = int(m[-2]) if m[-2].isdigit() else None
    if m.startswith("Conv") and not m.startswith("ConvTranspose"):
        cls = {1: nn.Conv1d, 2: nn.Conv2d, 3: nn.Conv3d}[sd]
        pad = k["padding"] if isinstance(k["padding"], str) else tup(k["padding"], sd)
        return cls(k["inChannels"], k["outChannels"], tup(k["kernelSize"], sd), stride=tup(k["stride"], sd),
                   padding=pad, dilation=tup(k["dilation"], sd), groups=k["groups"], bias=k["bias"],
                   padding_mode=k["paddingMode"], dtype=torch.float64)
    if m.startswith("ConvTranspose"):
        cls = {1: nn.ConvTranspose1d, 2: nn.ConvTranspose2d, 3: nn.ConvTranspose3d}[sd]
        return cls(k["inChannels"], k["outChannels"], tup(k["kernelSize"], sd), stride=tup(k["stride"], sd),
                   padding=tup(k["padding"], sd), output_padding=tup(k["outputPadding"], sd), groups=k["groups"],
                   bias=k["bias"], dilation=tup(k["dilation"], sd), dtype=torch.float64)
    if m.startswith("MaxPool"):
        cls = {1: nn.MaxPool1d, 2: nn.MaxPool2d, 3: nn.MaxPool3d}[sd]
        return cls(tup(k["kernelSize"], sd), stride=None if k["stride"] is None else tup(k["stride"], sd),
                   padding=tup(k["padding"], sd), dilation=tup(k["dilation"], sd), ceil_mode=k["ceilMode"],
                   return_indices=c["forward"].get("indices", False))
    if m.startswith("AvgPool"):
        cls = {1: nn.AvgPool1d, 2: nn.AvgPool2d, 3: nn.AvgPool3d}[sd]
        extra = {} if sd == 1 else {"divisor_override": k["divisorOverride"] or None}
        return cls(tup(k["kernelSize"], sd), stride=None if k["stride"] is None else tup(k["stride"], sd),
                   padding=tup(k["padding"], sd), ceil_mode=k["ceilMode"], count_include_pad=k["countIncludePad"],
                   **extra)
    if m.startswith("AdaptiveAvgPool"):
        return {1: nn.AdaptiveAvgPool1d, 2: nn.AdaptiveAvgPool2d, 3: nn.AdaptiveAvgPool3d}[sd](tup(k["outputSize"], sd))
    if m.startswith("AdaptiveMaxPool"):
        cls = {1: nn.AdaptiveMaxPool1d, 2: nn.AdaptiveMaxPool2d, 3: nn.AdaptiveMaxPool3d}[sd]
        return cls(tup(k["outputSize"], sd), return_indices=c["forward"].get("indices", False))
    if m == "Upsample":
        size = k.get("size")
        scale = k.get("scaleFactor")
        align = k["alignCorners"] if k["mode"] in ("linear", "bilinear", "bicubic", "trilinear") else None
        one = lambda v: None if v is None else v[0] if len(v) == 1 else tuple(v)  # noqa: E731
        return nn.Upsample(size=one(size), scale_factor=one(scale),
                           mode=k["mode"], align_corners=align)
    if m.startswith("InstanceNorm"):
        cls = {1: nn.InstanceNorm1d, 2: nn.InstanceNorm2d, 3: nn.InstanceNorm3d}[sd]
        return cls(k["numFeatures"], eps=k["eps"], momentum=k["momentum"], affine=k["affine"],
                   track_running_stats=k["trackRunningStats"], dtype=torch.float64)
    raise KeyError(m)


def rounded(g, *shape):
    return torch.round(torch.randn(*shape, generator=g, dtype=torch.float64) * 1e4) / 1e4


def run(c):
    g = torch.Generator().manual_seed(seed_of(c["id"]))
    torch.manual_seed(seed_of(c["id"]))
    mod = build(c)
    with torch.no_grad():
        for name, p in mod.named_parameters():  # four decimals keep the file small; PyTorch's init draws them
            p.copy_(torch.round(p * 1e4) / 1e4)
        if c["perturb_affine"]:
            mod.weight.copy_(1 + 0.5 * rounded(g, *mod.weight.shape))
            mod.bias.copy_(0.5 * rounded(g, *mod.bias.shape))
        if c["random_stats"]:
            mod.running_mean.copy_(rounded(g, *mod.running_mean.shape))
            mod.running_var.copy_(0.5 + rounded(g, *mod.running_var.shape).abs())
    mod.train(c["mode"] == "train")
    state = {k: encode(v) for k, v in mod.state_dict().items()}
    x = rounded(g, *c["input_shape"]).requires_grad_(True)
    fwd = c["forward"]
    if "outputSize" in fwd:
        out = mod(x, output_size=fwd["outputSize"])
    else:
        out = mod(x)
    indices = None
    if isinstance(out, tuple):
        out, indices = out
    gw = rounded(g, *out.shape)
    (out * gw).sum().backward()
    rec = dict(id=c["id"], module=c["module"], ctor=c["ctor"], mode=c["mode"], forward=fwd,
               stateKeys=list(mod.state_dict().keys()), state=state, input=encode(x), output=encode(out),
               gradWeight=encode(gw), inputGrad=encode(x.grad),
               paramGrads={k: encode(p.grad) for k, p in mod.named_parameters()})
    if indices is not None:
        rec["indices"] = encode(indices)
    if c["mode"] == "train" and any(True for _ in mod.buffers()):
        rec["buffersAfter"] = {k: encode(v) for k, v in mod.named_buffers()}
    return rec


def conv(sd, label, cin, cout, k, shape, stride=1, padding=0, dilation=1, groups=1, bias=True, mode="zeros"):
    case("Conv%dd" % sd, label, dict(inChannels=cin, outChannels=cout, kernelSize=k, stride=stride, padding=padding,
                                     dilation=dilation, groups=groups, bias=bias, paddingMode=mode), shape)


def tconv(sd, label, cin, cout, k, shape, stride=1, padding=0, output_padding=0, groups=1, bias=True, dilation=1,
          output_size=None):
    case("ConvTranspose%dd" % sd, label, dict(inChannels=cin, outChannels=cout, kernelSize=k, stride=stride,
                                              padding=padding, outputPadding=output_padding, groups=groups, bias=bias,
                                              dilation=dilation), shape,
         forward={"outputSize": output_size} if output_size else None)


def maxpool(sd, label, k, shape, stride=None, padding=0, dilation=1, ceil=False, indices=False):
    case("MaxPool%dd" % sd, label, dict(kernelSize=k, stride=stride, padding=padding, dilation=dilation, ceilMode=ceil),
         shape, forward={"indices": True} if indices else None)


def avgpool(sd, label, k, shape, stride=None, padding=0, ceil=False, include_pad=True, divisor=0):
    case("AvgPool%dd" % sd, label, dict(kernelSize=k, stride=stride, padding=padding, ceilMode=ceil,
                                        countIncludePad=include_pad, divisorOverride=divisor), shape)


def instnorm(sd, label, c, shape, affine=False, track=False, mode="train", eps=1e-5, momentum=0.1):
    case("InstanceNorm%dd" % sd, label, dict(numFeatures=c, eps=eps, momentum=momentum, affine=affine,
                                             trackRunningStats=track), shape, mode=mode, perturb_affine=affine,
         random_stats=track and mode == "eval")


def define():
    conv(1, "basic", 2, 4, 3, [2, 2, 9])
    conv(1, "stride2_pad1_dilation2", 2, 3, 3, [2, 2, 11], stride=2, padding=1, dilation=2)
    conv(1, "groups2_nobias", 4, 6, 3, [2, 4, 8], groups=2, bias=False)
    conv(1, "same_circular", 2, 3, 4, [2, 2, 7], padding="same", mode="circular")
    conv(1, "reflect", 2, 3, 3, [1, 2, 6], padding=2, mode="reflect")
    conv(1, "valid", 2, 2, 3, [2, 2, 5], padding="valid")
    conv(2, "basic", 3, 4, 3, [2, 3, 7, 6])
    conv(2, "stride_pad_per_dim", 2, 3, [3, 2], [2, 2, 8, 7], stride=[2, 1], padding=[1, 2])
    conv(2, "dilation2_groups2", 4, 4, 3, [2, 4, 9, 9], dilation=2, groups=2)
    conv(2, "same_even_kernel", 2, 3, 4, [2, 2, 6, 5], padding="same")
    conv(2, "same_dilated_reflect", 2, 3, 3, [1, 2, 7, 7], padding="same", dilation=2, mode="reflect")
    conv(2, "reflect_pad2", 2, 2, 3, [2, 2, 6, 6], padding=2, mode="reflect")
    conv(2, "replicate_pad_per_dim", 2, 2, 3, [2, 2, 5, 6], padding=[1, 2], mode="replicate")
    conv(2, "circular_stride2", 2, 3, 3, [2, 2, 7, 7], stride=2, padding=1, mode="circular")
    conv(2, "unbatched", 3, 2, 3, [3, 6, 6], padding=1)
    conv(2, "nobias_depthwise", 3, 6, 3, [2, 3, 6, 6], groups=3, bias=False)
    conv(3, "basic", 2, 3, 3, [1, 2, 5, 5, 5])
    conv(3, "stride2_pad1", 2, 2, 3, [2, 2, 6, 5, 6], stride=2, padding=1)
    conv(3, "same_replicate", 2, 2, 3, [1, 2, 4, 5, 4], padding="same", mode="replicate")
    conv(3, "groups2_dilation2", 2, 4, [2, 3, 3], [1, 2, 5, 6, 6], groups=2, dilation=[1, 2, 2])

    tconv(1, "basic", 2, 3, 3, [2, 2, 5])
    tconv(1, "stride2_pad1_outpad1", 2, 3, 3, [2, 2, 6], stride=2, padding=1, output_padding=1)
    tconv(1, "groups2_dilation2", 4, 2, 3, [2, 4, 5], groups=2, dilation=2)
    tconv(2, "unet_up", 4, 2, 2, [2, 4, 4, 4], stride=2)
    tconv(2, "stride2_pad1_outpad1", 3, 4, 3, [2, 3, 4, 5], stride=2, padding=1, output_padding=1)
    tconv(2, "groups2_dilation2_nobias", 4, 4, 3, [1, 4, 4, 4], groups=2, dilation=2, bias=False)
    tconv(2, "per_dim", 2, 3, [3, 2], [2, 2, 4, 5], stride=[2, 3], padding=[1, 0], output_padding=[1, 2])
    tconv(2, "output_size", 3, 2, 3, [2, 3, 4, 4], stride=2, padding=1, output_size=[8, 8])
    tconv(2, "unbatched", 2, 3, 3, [2, 4, 4], stride=2)
    tconv(3, "stride2", 2, 2, 2, [1, 2, 3, 3, 3], stride=2)
    tconv(3, "pad1_outpad1", 2, 3, 3, [1, 2, 3, 4, 3], stride=2, padding=1, output_padding=1)

    maxpool(1, "k3_s2_p1", 3, [2, 3, 10], stride=2, padding=1)
    maxpool(1, "ceil_dilation2_indices", 2, [2, 2, 11], stride=2, dilation=2, ceil=True, indices=True)
    maxpool(2, "k2", 2, [2, 3, 8, 8])
    maxpool(2, "k3_s2_p1_ceil", 3, [2, 2, 9, 8], stride=2, padding=1, ceil=True)
    maxpool(2, "dilation2_indices", 3, [1, 2, 9, 9], stride=1, dilation=2, indices=True)
    maxpool(2, "per_dim", [2, 3], [2, 2, 7, 9], stride=[1, 2], padding=[1, 1])
    maxpool(2, "unbatched", 2, [3, 6, 6])
    maxpool(3, "k2", 2, [1, 2, 4, 6, 4])
    maxpool(3, "k3_s2_p1_ceil_indices", 3, [1, 2, 6, 7, 6], stride=2, padding=1, ceil=True, indices=True)

    avgpool(1, "k3_s2_p1_exclude_pad", 3, [2, 3, 10], stride=2, padding=1, include_pad=False)
    avgpool(1, "ceil", 2, [2, 2, 7], ceil=True)
    avgpool(2, "k2", 2, [2, 3, 6, 8])
    avgpool(2, "k3_s2_p1_ceil_exclude_pad", 3, [2, 2, 8, 9], stride=2, padding=1, ceil=True, include_pad=False)
    avgpool(2, "divisor3", 2, [1, 2, 6, 6], divisor=3)
    avgpool(3, "k2", 2, [1, 2, 4, 4, 6])
    avgpool(3, "k3_s2_p1_ceil_divisor", 3, [1, 2, 6, 5, 6], stride=2, padding=1, ceil=True, divisor=5)

    for sd, shape, out in ((1, [2, 3, 10], 4), (2, [2, 3, 7, 9], [3, 4]), (3, [1, 2, 5, 7, 6], [2, 3, 4])):
        case("AdaptiveAvgPool%dd" % sd, "uneven", dict(outputSize=out), shape)
        case("AdaptiveMaxPool%dd" % sd, "uneven", dict(outputSize=out), shape)
    case("AdaptiveAvgPool2d", "global", dict(outputSize=1), [2, 4, 5, 6])
    case("AdaptiveMaxPool2d", "indices", dict(outputSize=[2, 3]), [2, 2, 5, 7], forward={"indices": True})

    case("Upsample", "nearest_scale2", dict(scaleFactor=[2.0], mode="nearest", alignCorners=False), [2, 2, 3, 4])
    case("Upsample", "nearest_size_1d", dict(size=[7], mode="nearest", alignCorners=False), [2, 2, 5])
    case("Upsample", "nearest_exact_scale", dict(scaleFactor=[1.5], mode="nearest-exact", alignCorners=False),
         [1, 2, 4, 5])
    case("Upsample", "linear_align", dict(size=[9], mode="linear", alignCorners=True), [2, 2, 4])
    case("Upsample", "bilinear_scale2", dict(scaleFactor=[2.0], mode="bilinear", alignCorners=False), [2, 2, 3, 4])
    case("Upsample", "bilinear_size_align", dict(size=[5, 7], mode="bilinear", alignCorners=True), [1, 2, 3, 4])
    case("Upsample", "bilinear_scale_per_dim", dict(scaleFactor=[1.5, 2.5], mode="bilinear", alignCorners=False),
         [1, 2, 4, 3])
    case("Upsample", "trilinear_scale2", dict(scaleFactor=[2.0], mode="trilinear", alignCorners=False), [1, 2, 2, 3, 2])
    case("Upsample", "bicubic_scale2", dict(scaleFactor=[2.0], mode="bicubic", alignCorners=False), [2, 2, 3, 4])
    case("Upsample", "bicubic_size_align", dict(size=[3, 7], mode="bicubic", alignCorners=True), [1, 2, 5, 4])
    case("Upsample", "nearest_3d_size", dict(size=[3, 4, 5], mode="nearest", alignCorners=False), [1, 1, 2, 3, 2])
    case("Upsample", "area_size", dict(size=[3, 2], mode="area", alignCorners=False), [2, 2, 7, 5])

    instnorm(1, "default", 3, [2, 3, 8])
    instnorm(1, "affine", 3, [2, 3, 7], affine=True)
    instnorm(1, "unbatched_affine", 3, [3, 6], affine=True)
    instnorm(1, "track_train", 3, [4, 3, 6], track=True, momentum=0.2)
    instnorm(2, "affine_track_train", 2, [3, 2, 5, 4], affine=True, track=True)
    instnorm(2, "affine_track_eval", 2, [3, 2, 5, 4], affine=True, track=True, mode="eval")
    instnorm(2, "eval_without_stats", 2, [2, 2, 4, 4], mode="eval", eps=1e-3)
    instnorm(3, "affine", 2, [2, 2, 3, 4, 3], affine=True)
    instnorm(3, "track_eval", 2, [1, 2, 3, 3, 3], track=True, mode="eval")


def write_json(name, obj):
    path = os.path.join(OUT_DIR, name)
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(obj, f, separators=(",", ":"), allow_nan=False)
        f.write("\n")
    os.replace(tmp, path)
    return path


def lenet_fixture():
    """W2's network with PyTorch's own initialisation, float32, a batch of 8 images and their labels."""
    torch.manual_seed(seed_of("lenet5"))
    model = lenet5(torch)
    x = torch.rand(8, 1, 28, 28, requires_grad=True)
    y = torch.randint(0, 10, (8,))
    logits = model(x)
    loss = F.cross_entropy(logits, y)
    loss.backward()
    arrays = [("state/" + k, v) for k, v in model.state_dict().items()]
    arrays += [("input", x), ("logits", logits), ("loss", loss), ("grad/input", x.grad)]
    # 5.weight's gradient [500, 800] would double the file; its products with two random vectors pin
    # it down as well (an error anywhere in it changes them) at 1,300 floats
    u = torch.randn(500, dtype=torch.float64)
    v = torch.randn(800, dtype=torch.float64)
    g5 = model[5].weight.grad.to(torch.float64)
    arrays += [("grad/" + k, p.grad) for k, p in model.named_parameters() if k != "5.weight"]
    arrays += [("probe/u", u), ("probe/v", v), ("probe/grad/5.weight@v", g5 @ v), ("probe/u@grad/5.weight", u @ g5)]
    index, blob, offset = [], bytearray(), 0
    for name, t in arrays:
        flat = t.detach().to(torch.float32).contiguous().reshape(-1).tolist()
        blob += struct.pack("<%df" % len(flat), *flat)
        index.append({"name": name, "shape": list(t.shape), "offset": offset})
        offset += len(flat)
    path = os.path.join(OUT_DIR, "lenet5.bin")
    with open(path + ".tmp", "wb") as f:
        f.write(blob)
    os.replace(path + ".tmp", path)
    write_json("lenet5.json", {"torch": torch.__version__, "generator": "tools/golden/generate_cnn_layers.py",
                               "dtype": "float32", "byteOrder": "little", "labels": y.tolist(), "arrays": index})
    return len(blob)


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    define()
    records = [run(c) for c in CASES]
    p = write_json("cnn_layers.json", {"torch": torch.__version__, "generator": "tools/golden/generate_cnn_layers.py",
                                       "cases": records})
    print("%s: %d cases, %d bytes" % (p, len(records), os.path.getsize(p)))
    print("lenet5.bin: %d bytes" % lenet_fixture())


if __name__ == "__main__":
    main()
