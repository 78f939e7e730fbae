#!/usr/bin/python3
"""Fixtures for the medical losses and metrics (cnn module, org.vesalius.medical).

Run with Debian's interpreter, which has python3-torch, python3-scipy and python3-numpy:

    /usr/bin/python3 tools/golden/generate_medical.py

Losses: the formulas of MONAI's DiceLoss, GeneralizedDiceLoss, TverskyLoss, FocalLoss and DiceCELoss
(MONAI 1.x documentation), written here in PyTorch; values and input gradients (of sum(loss * w) for
NONE) in float64. Metrics: computed independently of the Java code with scipy.ndimage
(binary_erosion for surfaces, distance_transform_edt with sampling=spacing) and numpy.percentile.
Writes cnn/src/test/resources/golden/medical_losses.json and medical_metrics.json.
"""
import json
import os

import numpy as np
import torch
import torch.nn.functional as F
from scipy import ndimage

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "cnn", "src", "test", "resources", "golden")
torch.manual_seed(0)
rng = np.random.default_rng(0)


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


# ------------------------------------------------------------------ losses

def prepare(x, g, act, to_one_hot, include_background):
    p = x
    if act == "SIGMOID":
        p = torch.sigmoid(x)
    elif act == "SOFTMAX":
        p = torch.softmax(x, 1)
    if to_one_hot:
        lab = g[:, 0] if g.dim() == x.dim() else g
        g = F.one_hot(lab.long(), x.shape[1]).movedim(-1, 1).to(x.dtype)
    if not include_background:
        p, g = p[:, 1:], g[:, 1:]
    return p, g


def sum_spatial(t, batch):
    dims = list(range(2, t.dim()))
    if batch:
        dims = [0] + dims
    return t.sum(dims) if dims else t


def reduce(f, red):
    return {"MEAN": f.mean(), "SUM": f.sum(), "NONE": f}[red]


def dice(x, g, o):
    p, g = prepare(x, g, o["activation"], o["toOneHot"], o["includeBackground"])
    inter = sum_spatial(p * g, o["batch"])
    if o["squaredPred"]:
        den = sum_spatial(p * p, o["batch"]) + sum_spatial(g * g, o["batch"])
    else:
        den = sum_spatial(p, o["batch"]) + sum_spatial(g, o["batch"])
    if o["jaccard"]:
        den = 2.0 * (den - inter)
    return reduce(1.0 - (2.0 * inter + 1e-5) / (den + 1e-5), o["reduction"])


def tversky(x, g, o):
    p, g = prepare(x, g, o["activation"], o["toOneHot"], o["includeBackground"])
    tp = sum_spatial(p * g, o["batch"])
    fp = sum_spatial(p * (1 - g), o["batch"])
    fn = sum_spatial((1 - p) * g, o["batch"])
    f = 1.0 - (tp + 1e-5) / (tp + o["alpha"] * fp + o["beta"] * fn + 1e-5)
    return reduce(f, o["reduction"])


def gdice(x, g, o):
    p, g = prepare(x, g, o["activation"], o["toOneHot"], o["includeBackground"])
    inter = sum_spatial(p * g, o["batch"])
    den = sum_spatial(p, o["batch"]) + sum_spatial(g, o["batch"])
    vol = sum_spatial(g, o["batch"]).detach()
    w = {"SQUARE": 1.0 / (vol * vol), "SIMPLE": 1.0 / vol, "UNIFORM": torch.ones_like(vol)}[o["weight"]]
    infs = torch.isinf(w)
    w = w.masked_fill(infs, 0.0)
    w = w + infs * w.max(dim=-1, keepdim=True)[0]
    numer = 2.0 * (inter * w).sum(-1) + 1e-5
    denom = (den * w).sum(-1) + 1e-5
    return reduce(1.0 - numer / denom, o["reduction"])


def focal(x, g, o):
    _, g = prepare(x, g, "NONE", o["toOneHot"], o["includeBackground"])
    xx = x if o["includeBackground"] else x[:, 1:]
    if o["softmax"]:
        logp = torch.log_softmax(x, 1)
        if not o["includeBackground"]:
            logp = logp[:, 1:]
        loss = -g * logp * (1 - logp.exp()) ** o["gamma"]
        if o["alpha"] is not None:
            loss = loss * o["alpha"]
    else:
        bce = F.binary_cross_entropy_with_logits(xx, g, reduction="none")
        pt = torch.sigmoid(xx) * g + (1 - torch.sigmoid(xx)) * (1 - g)
        loss = bce * (1 - pt) ** o["gamma"]
        if o["alpha"] is not None:
            loss = loss * (o["alpha"] * g + (1 - o["alpha"]) * (1 - g))
    return reduce(loss, o["reduction"])


def dice_ce(x, g, o):
    d = dice(x, g, dict(o, squaredPred=False, jaccard=False, batch=False, reduction="MEAN"))
    if o["activation"] == "SOFTMAX":
        lab = g[:, 0] if g.dim() == x.dim() else g
        ce = F.cross_entropy(x, lab.long())
    else:
        _, oh = prepare(x, g, "NONE", o["toOneHot"], True)
        ce = F.binary_cross_entropy_with_logits(x, oh)
    return o["lambdaDice"] * d + o["lambdaCe"] * ce


LOSSES = {"DiceLoss": dice, "TverskyLoss": tversky, "GeneralizedDiceLoss": gdice, "FocalLoss": focal,
          "DiceCELoss": dice_ce}
DEFAULTS = {"activation": "NONE", "toOneHot": False, "includeBackground": True, "squaredPred": False,
            "jaccard": False, "batch": False, "reduction": "MEAN"}


def loss_case(cases, loss, label, shape, opts, probs_input=False, labels=False):
    o = dict(DEFAULTS, **opts)
    x = torch.randn(*shape, dtype=torch.float64) * 2
    if probs_input:
        x = torch.rand(*shape, dtype=torch.float64)
    x.requires_grad_(True)
    n, c = shape[0], shape[1]
    labels = labels or o["toOneHot"]
    if labels:
        lab = torch.randint(0, c, (n, 1) + tuple(shape[2:]))
        if opts.get("emptyClass") is not None:
            lab[lab == opts["emptyClass"]] = 0
        g = lab
    else:
        g = (torch.rand(*shape, dtype=torch.float64) > 0.6).to(torch.float64)
    out = LOSSES[loss](x, g, o)
    w = torch.linspace(0.5, 1.5, out.numel(), dtype=torch.float64).reshape(out.shape)
    (out * w).sum().backward()
    cases.append({"loss": loss, "label": label, "options": {k: v for k, v in o.items() if k != "emptyClass"},
                  "input": {"shape": list(shape), "data": flat(x)},
                  "target": {"shape": list(g.shape), "data": flat(g.to(torch.float64)), "labels": labels},
                  "output": {"shape": list(out.shape), "data": flat(out)},
                  "weight": flat(w), "grad": flat(x.grad)})


def losses():
    cases = []
    s2 = (2, 3, 5, 6)
    s3 = (2, 2, 3, 4, 5)
    loss_case(cases, "DiceLoss", "probs_onehot", s2, {}, probs_input=True)
    loss_case(cases, "DiceLoss", "softmax_labels", s2, {"activation": "SOFTMAX", "toOneHot": True})
    loss_case(cases, "DiceLoss", "softmax_labels_nobg_none", s2,
              {"activation": "SOFTMAX", "toOneHot": True, "includeBackground": False, "reduction": "NONE"})
    loss_case(cases, "DiceLoss", "sigmoid_squared_3d", s3, {"activation": "SIGMOID", "squaredPred": True})
    loss_case(cases, "DiceLoss", "sigmoid_jaccard_batch_sum", s2,
              {"activation": "SIGMOID", "jaccard": True, "batch": True, "reduction": "SUM"})
    loss_case(cases, "TverskyLoss", "softmax_labels", s2,
              {"activation": "SOFTMAX", "toOneHot": True, "alpha": 0.3, "beta": 0.7})
    loss_case(cases, "TverskyLoss", "sigmoid_3d_none", s3,
              {"activation": "SIGMOID", "alpha": 0.5, "beta": 0.5, "reduction": "NONE"})
    loss_case(cases, "GeneralizedDiceLoss", "softmax_labels_square", s2,
              {"activation": "SOFTMAX", "toOneHot": True, "weight": "SQUARE"})
    loss_case(cases, "GeneralizedDiceLoss", "softmax_absent_class", s2,
              {"activation": "SOFTMAX", "toOneHot": True, "weight": "SQUARE", "emptyClass": 2, "reduction": "NONE"})
    loss_case(cases, "GeneralizedDiceLoss", "sigmoid_simple_batch", s3,
              {"activation": "SIGMOID", "weight": "SIMPLE", "batch": True})
    loss_case(cases, "FocalLoss", "sigmoid_gamma2", s2, {"gamma": 2.0, "alpha": None, "softmax": False})
    loss_case(cases, "FocalLoss", "sigmoid_alpha_none", s3,
              {"gamma": 1.5, "alpha": 0.25, "softmax": False, "reduction": "NONE"})
    loss_case(cases, "FocalLoss", "softmax_labels_nobg", s2,
              {"gamma": 2.0, "alpha": 0.5, "softmax": True, "toOneHot": True, "includeBackground": False,
               "reduction": "SUM"})
    loss_case(cases, "DiceCELoss", "softmax_labels", s2,
              {"activation": "SOFTMAX", "toOneHot": True, "lambdaDice": 1.0, "lambdaCe": 1.0})
    loss_case(cases, "DiceCELoss", "sigmoid_onehot_3d", s3,
              {"activation": "SIGMOID", "toOneHot": False, "lambdaDice": 0.7, "lambdaCe": 0.3})
    return cases


# ------------------------------------------------------------------ metrics

def blob(shape, threshold, sigma):
    field = ndimage.gaussian_filter(rng.standard_normal(shape), sigma)
    return field > threshold


def surface(m):
    return m ^ ndimage.binary_erosion(m)


def directed(a, b, spacing):
    dist = ndimage.distance_transform_edt(~surface(b), sampling=spacing)
    return dist[surface(a)]


def metric_case(cases, label, pred, gt, spacing):
    d_pg = directed(pred, gt, spacing)
    d_gp = directed(gt, pred, spacing)
    tp = int((pred & gt).sum()); fp = int((pred & ~gt).sum()); fn = int((~pred & gt).sum()); tn = int((~pred & ~gt).sum())
    cases.append({
        "label": label, "shape": list(pred.shape), "spacing": list(spacing),
        "pred": [int(v) for v in pred.reshape(-1)], "target": [int(v) for v in gt.reshape(-1)],
        "dice": 2 * tp / (2 * tp + fp + fn), "iou": tp / (tp + fp + fn),
        "sensitivity": tp / (tp + fn), "specificity": tn / (tn + fp),
        "hausdorff": float(max(d_pg.max(), d_gp.max())),
        "hausdorff95": float(max(np.percentile(d_pg, 95), np.percentile(d_gp, 95))),
        "meanSurfaceDistance": float(np.concatenate([d_pg, d_gp]).mean()),
    })


def metrics():
    cases = []
    for i, (shape, spacing) in enumerate([((40, 50), (1.0, 1.0)), ((48, 37), (0.7, 1.3)),
                                          ((14, 20, 18), (2.5, 0.9, 1.1)), ((24, 24, 24), (1.0, 1.0, 1.0))]):
        gt = blob(shape, 0.0, 3.0)
        noisy = ndimage.gaussian_filter(gt.astype(float) + 0.6 * rng.standard_normal(shape), 1.0) > 0.5
        metric_case(cases, "blob%d" % i, noisy, gt, spacing)
    # a far outlier voxel: the 100th percentile sees it, the 95th barely does
    gt = np.zeros((30, 30), bool); gt[5:20, 5:20] = True
    pred = gt.copy(); pred[6:19, 6:19] = True; pred[28, 28] = True
    metric_case(cases, "outlier", pred, gt, (1.0, 2.0))
    return cases


def write(name, cases):
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, name)
    with open(path, "w") as f:
        json.dump({"generator": "tools/golden/generate_medical.py", "torch": torch.__version__,
                   "cases": cases}, f)
    print(name, len(cases), "cases", os.path.getsize(path), "bytes")


write("medical_losses.json", losses())
write("medical_metrics.json", metrics())
