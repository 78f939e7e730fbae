#!/usr/bin/python3
"""Writes the PyTorch reference fixtures for Vesalius' training stack: losses, modules, optimizers
and learning-rate schedules.

Run with Debian's interpreter, which has python3-torch:

    /usr/bin/python3 tools/golden/generate_training.py

It writes three files to backend-cpu/src/test/resources/golden/ (read by the tests in
backend-cpu/src/test/java/org/vesalius/{nn,optim}/, not by the tensor-op parity test):

  losses.json      every loss with each reduction and option: value and d(sum(out * w))/d(input)
  modules.json     layer forwards and gradients with given weights, BatchNorm running statistics over
                   several steps, and the state-dict keys of a nested model
  optimizers.json  20 steps of every optimizer and schedule on one fixed least-squares problem
                   (parameters and lr after each step), and gradient clipping

Inputs are seeded from each case's id through generate.py's helpers, so the files only change when a
case (or PyTorch) does. Names are the Java ones: loss functions as in org.vesalius.nn.F, options in
camelCase (weightDecay, beta1, ...), reductions as PyTorch spells them.
"""
import json
import math
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from generate import I, P, U, V, encode, encode_kwargs, seed_of  # noqa: E402  (shared input specs and encoding)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT_DIR = os.path.join(ROOT, "backend-cpu", "src", "test", "resources", "golden")


def write(name, head, body):
    path = os.path.join(OUT_DIR, name)
    head = dict(head, torch=torch.__version__, generator="tools/golden/generate_training.py")
    with open(path, "w") as f:
        json.dump(dict(head, **body), f, separators=(",", ":"), allow_nan=False)
        f.write("\n")
    return path


# --------------------------------------------------------------------------------------------
# Losses. Each case: the Java function name, kwargs, and named tensor specs (input, target, and the
# optional weight / posWeight). The input requires grad when float64; the loss is
# sum(output * gradWeight) for a seeded gradWeight of the output's shape.

def _ce(t, k):
    return F.cross_entropy(t["input"], t["target"], weight=t.get("weight"), ignore_index=k.get("ignoreIndex", -100),
                           reduction=k["reduction"], label_smoothing=k.get("labelSmoothing", 0.0))


LOSSES = {
    "mseLoss": lambda t, k: F.mse_loss(t["input"], t["target"], reduction=k["reduction"]),
    "l1Loss": lambda t, k: F.l1_loss(t["input"], t["target"], reduction=k["reduction"]),
    "smoothL1Loss": lambda t, k: F.smooth_l1_loss(t["input"], t["target"], reduction=k["reduction"], beta=k["beta"]),
    "huberLoss": lambda t, k: F.huber_loss(t["input"], t["target"], reduction=k["reduction"], delta=k["delta"]),
    "crossEntropy": _ce,
    "nllLoss": lambda t, k: F.nll_loss(t["input"], t["target"], weight=t.get("weight"),
                                       ignore_index=k.get("ignoreIndex", -100), reduction=k["reduction"]),
    "binaryCrossEntropy": lambda t, k: F.binary_cross_entropy(t["input"], t["target"], weight=t.get("weight"),
                                                              reduction=k["reduction"]),
    "binaryCrossEntropyWithLogits": lambda t, k: F.binary_cross_entropy_with_logits(
        t["input"], t["target"], weight=t.get("weight"), pos_weight=t.get("posWeight"), reduction=k["reduction"]),
    "klDiv": lambda t, k: F.kl_div(t["input"], t["target"], reduction=k["reduction"], log_target=k["logTarget"]),
}

LOSS_CASES = []


def loss_case(fn, label, tensors, kwargs, grad=True):
    cid = fn + "/" + label
    if any(c["id"] == cid for c in LOSS_CASES):
        raise KeyError("duplicate case id " + cid)
    LOSS_CASES.append({"id": cid, "loss": fn, "kwargs": kwargs, "specs": tensors, "grad": grad})


def Probs(*shape, dim=1, dt="float64"):
    """A probability distribution along dim (softmax of seeded values), for targets."""
    base = U(*shape, dt="float64")

    def make(g):
        return torch.softmax(base.make(g) * 2, dim=dim).to(torch.float64 if dt == "float64" else torch.float32)
    s = U(*shape, dt=dt)
    s.make = make
    s.grad = False
    return s


REDUCTIONS = ["none", "mean", "sum"]

for r in REDUCTIONS:
    loss_case("mseLoss", r, {"input": U(3, 4), "target": U(3, 4, grad=False)}, {"reduction": r})
    loss_case("l1Loss", r, {"input": U(3, 4), "target": U(3, 4, grad=False)}, {"reduction": r})
    for beta in [1.0, 0.5, 0.0]:
        loss_case("smoothL1Loss", "%s_beta%s" % (r, beta), {"input": U(4, 5), "target": U(4, 5, grad=False)},
                  {"reduction": r, "beta": beta})
    for delta in [1.0, 0.5, 2.0]:
        loss_case("huberLoss", "%s_delta%s" % (r, delta), {"input": U(4, 5), "target": U(4, 5, grad=False)},
                  {"reduction": r, "delta": delta})
loss_case("mseLoss", "f32", {"input": U(5, 3, dt="float32"), "target": U(5, 3, dt="float32")}, {"reduction": "mean"})
loss_case("l1Loss", "kink_at_zero", {"input": V([0.5, -1.0, 2.0, 0.25], dt="float64"),
                                     "target": V([0.5, 1.0, 2.0, -0.75], dt="float64", grad=False)},
          {"reduction": "sum"})
loss_case("smoothL1Loss", "f32_beta2", {"input": U(6, dt="float32"), "target": U(6, dt="float32")},
          {"reduction": "mean", "beta": 2.0})
loss_case("huberLoss", "scalar_shape", {"input": U(), "target": U(grad=False)}, {"reduction": "mean", "delta": 1.0})

# cross-entropy: class indices, [N, C]
IDX = {"input": U(5, 4), "target": I(5, lo=0, hi=4)}
IGN = {"input": U(6, 4), "target": V([0, -100, 3, 1, -100, 2], dt="int64")}
W4 = U(4, lo=0.2, hi=2.0, grad=False)
for r in REDUCTIONS:
    loss_case("crossEntropy", "indices_" + r, IDX, {"reduction": r})
    loss_case("crossEntropy", "weighted_" + r, dict(IDX, weight=W4), {"reduction": r})
    loss_case("crossEntropy", "ignore_" + r, IGN, {"reduction": r})
    loss_case("crossEntropy", "weighted_ignore_" + r, dict(IGN, weight=W4), {"reduction": r})
    loss_case("crossEntropy", "smoothing_" + r, IDX, {"reduction": r, "labelSmoothing": 0.1})
    loss_case("crossEntropy", "smoothing_weighted_ignore_" + r, dict(IGN, weight=W4),
              {"reduction": r, "labelSmoothing": 0.2})
    loss_case("crossEntropy", "probs_" + r, {"input": U(5, 4), "target": Probs(5, 4)}, {"reduction": r})
    loss_case("crossEntropy", "probs_weighted_smoothing_" + r,
              {"input": U(5, 4), "target": Probs(5, 4), "weight": W4}, {"reduction": r, "labelSmoothing": 0.15})
    loss_case("crossEntropy", "segmentation_" + r,
              {"input": U(2, 3, 4, 5), "target": I(2, 4, 5, lo=0, hi=3), "weight": U(3, lo=0.2, hi=2.0, grad=False)},
              {"reduction": r, "ignoreIndex": 1, "labelSmoothing": 0.1})
loss_case("crossEntropy", "custom_ignore_index", {"input": U(5, 3), "target": V([2, 0, 2, 1, 2], dt="int64")},
          {"reduction": "mean", "ignoreIndex": 2})
loss_case("crossEntropy", "segmentation_3d", {"input": U(2, 3, 2, 3, 2), "target": I(2, 2, 3, 2, lo=0, hi=3)},
          {"reduction": "mean"})
loss_case("crossEntropy", "segmentation_probs", {"input": U(2, 3, 3, 3), "target": Probs(2, 3, 3, 3)},
          {"reduction": "mean"})
loss_case("crossEntropy", "unbatched", {"input": U(5), "target": V(3, dt="int64")}, {"reduction": "mean"})
loss_case("crossEntropy", "unbatched_probs", {"input": U(5), "target": Probs(5, dim=0)},
          {"reduction": "sum", "labelSmoothing": 0.1})
loss_case("crossEntropy", "large_logits", {"input": U(4, 3, lo=-80.0, hi=80.0), "target": I(4, lo=0, hi=3)},
          {"reduction": "mean"})
loss_case("crossEntropy", "f32", {"input": U(8, 10, dt="float32"), "target": I(8, lo=0, hi=10)},
          {"reduction": "mean"})
loss_case("crossEntropy", "f32_weighted_smoothing",
          {"input": U(8, 5, dt="float32"), "target": I(8, lo=0, hi=5), "weight": U(5, lo=0.2, hi=2.0, dt="float32")},
          {"reduction": "mean", "labelSmoothing": 0.1})

# NLL: the input stands for log-probabilities (any values work)
for r in REDUCTIONS:
    loss_case("nllLoss", r, {"input": U(5, 4), "target": I(5, lo=0, hi=4)}, {"reduction": r})
    loss_case("nllLoss", "weighted_ignore_" + r, dict(IGN, weight=W4), {"reduction": r})
    loss_case("nllLoss", "spatial_" + r, {"input": U(2, 3, 2, 3), "target": I(2, 2, 3, lo=0, hi=3),
                                          "weight": U(3, lo=0.2, hi=2.0, grad=False)}, {"reduction": r})
loss_case("nllLoss", "unbatched", {"input": U(4), "target": V(1, dt="int64")}, {"reduction": "mean"})
loss_case("nllLoss", "all_ignored", {"input": U(2, 3), "target": V([-100, -100], dt="int64")},
          {"reduction": "sum"})

# BCE: probabilities away from 0 and 1, targets in [0, 1]
for r in REDUCTIONS:
    loss_case("binaryCrossEntropy", r, {"input": U(4, 3, lo=0.05, hi=0.95),
                                        "target": U(4, 3, lo=0.0, hi=1.0, grad=False)}, {"reduction": r})
    loss_case("binaryCrossEntropy", "weighted_" + r,
              {"input": U(4, 3, lo=0.05, hi=0.95), "target": I(4, 3, lo=0, hi=2, dt="float64"),
               "weight": U(3, lo=0.2, hi=2.0, grad=False)}, {"reduction": r})
loss_case("binaryCrossEntropy", "clamped_logs", {"input": V([0.0, 1.0, 0.5, 1e-50, 1.0], dt="float64", grad=False),
                                                 "target": V([1.0, 0.0, 0.5, 1.0, 1.0], dt="float64")},
          {"reduction": "none"}, grad=False)
loss_case("binaryCrossEntropy", "f32", {"input": U(6, lo=0.05, hi=0.95, dt="float32"),
                                        "target": U(6, lo=0.0, hi=1.0, dt="float32")}, {"reduction": "mean"})

for r in REDUCTIONS:
    loss_case("binaryCrossEntropyWithLogits", r, {"input": U(4, 3, lo=-4.0, hi=4.0),
                                                  "target": U(4, 3, lo=0.0, hi=1.0, grad=False)}, {"reduction": r})
    loss_case("binaryCrossEntropyWithLogits", "pos_weight_" + r,
              {"input": U(4, 3, lo=-4.0, hi=4.0), "target": I(4, 3, lo=0, hi=2, dt="float64"),
               "posWeight": U(3, lo=0.5, hi=3.0, grad=False)}, {"reduction": r})
    loss_case("binaryCrossEntropyWithLogits", "weight_pos_weight_" + r,
              {"input": U(4, 3, lo=-4.0, hi=4.0), "target": U(4, 3, lo=0.0, hi=1.0, grad=False),
               "weight": U(4, 1, lo=0.2, hi=2.0, grad=False), "posWeight": U(3, lo=0.5, hi=3.0, grad=False)},
              {"reduction": r})
loss_case("binaryCrossEntropyWithLogits", "extreme_logits",
          {"input": V([-200.0, -50.0, -1e-3, 0.0, 1e-3, 50.0, 200.0], dt="float64"),
           "target": V([1.0, 0.0, 1.0, 0.5, 0.0, 1.0, 0.0], dt="float64", grad=False)}, {"reduction": "none"})
loss_case("binaryCrossEntropyWithLogits", "f32_extreme",
          {"input": V([-100.0, -20.0, 0.0, 20.0, 100.0], dt="float32"),
           "target": V([1.0, 0.0, 1.0, 0.0, 1.0], dt="float32")}, {"reduction": "sum"})

for r in REDUCTIONS + ["batchmean"]:
    loss_case("klDiv", r, {"input": U(3, 4, lo=-3.0, hi=-0.1), "target": Probs(3, 4)},
              {"reduction": r, "logTarget": False})
    loss_case("klDiv", "log_target_" + r, {"input": U(3, 4, lo=-3.0, hi=-0.1), "target": U(3, 4, lo=-3.0, hi=-0.1, grad=False)},
              {"reduction": r, "logTarget": True})
loss_case("klDiv", "zero_targets", {"input": U(2, 3, lo=-3.0, hi=-0.1),
                                    "target": V([0.0, 0.5, 0.5, 1.0, 0.0, 0.0], [2, 3], dt="float64", grad=False)},
          {"reduction": "sum", "logTarget": False})


def run_loss(c):
    seed = seed_of(c["id"])
    gen = torch.Generator().manual_seed(seed)
    tensors = {}
    record = {"id": c["id"], "loss": c["loss"], "kwargs": encode_kwargs(c["kwargs"])}
    for name in ["input", "target", "weight", "posWeight"]:
        if name not in c["specs"]:
            continue
        s = c["specs"][name]
        x = s.make(gen)
        e = encode(x)
        if name == "input" and c["grad"] and x.dtype == torch.float64 and s.grad:
            x.requires_grad_(True)
            e["requiresGrad"] = True
        tensors[name] = x
        record[name] = e
    out = LOSSES[c["loss"]](tensors, c["kwargs"])
    record["output"] = encode(out)
    x = tensors["input"]
    if x.requires_grad:
        wgen = torch.Generator().manual_seed(seed + 1)
        w = torch.round(torch.randn(out.shape, generator=wgen, dtype=torch.float64) * 1e4) / 1e4
        record["gradWeight"] = encode(w)
        (g,) = torch.autograd.grad((out.to(torch.float64) * w).sum(), [x])
        record["input"]["grad"] = encode(g)
    return record


# --------------------------------------------------------------------------------------------
# Modules: forwards with given parameters, and state-dict keys.

def module_cases():
    cases = []
    g = torch.Generator().manual_seed(seed_of("modules"))

    def rnd(*shape):
        return torch.round(torch.randn(*shape, generator=g, dtype=torch.float64) * 1e4) / 1e4

    # Linear and Bilinear: forward and input/parameter gradients of sum(out * w)
    lin = nn.Linear(4, 3).double()
    with torch.no_grad():
        lin.weight.copy_(rnd(3, 4))
        lin.bias.copy_(rnd(3))
    x = rnd(2, 5, 4).requires_grad_(True)
    y = lin(x)
    w = rnd(*y.shape)
    (y * w).sum().backward()
    cases.append({"id": "linear", "module": "Linear", "state": {k: encode(v) for k, v in lin.state_dict().items()},
                  "input": encode(x), "output": encode(y), "gradWeight": encode(w), "inputGrad": encode(x.grad),
                  "paramGrads": {"weight": encode(lin.weight.grad), "bias": encode(lin.bias.grad)}})
    bil = nn.Bilinear(3, 2, 4).double()
    with torch.no_grad():
        bil.weight.copy_(rnd(4, 3, 2))
        bil.bias.copy_(rnd(4))
    x1 = rnd(5, 3).requires_grad_(True)
    x2 = rnd(5, 2).requires_grad_(True)
    y = bil(x1, x2)
    w = rnd(*y.shape)
    (y * w).sum().backward()
    cases.append({"id": "bilinear", "module": "Bilinear", "state": {k: encode(v) for k, v in bil.state_dict().items()},
                  "input": encode(x1), "input2": encode(x2), "output": encode(y), "gradWeight": encode(w),
                  "inputGrad": encode(x1.grad), "input2Grad": encode(x2.grad),
                  "paramGrads": {"weight": encode(bil.weight.grad), "bias": encode(bil.bias.grad)}})

    # BatchNorm: three training steps (running statistics and the batch counter), then eval
    for cls, shape, momentum in [("BatchNorm1d", (6, 3), 0.1), ("BatchNorm1d", (4, 3, 5), None),
                                 ("BatchNorm2d", (2, 3, 4, 4), 0.3), ("BatchNorm3d", (2, 2, 3, 2, 2), 0.1)]:
        bn = getattr(nn, cls)(shape[1], momentum=momentum).double()
        with torch.no_grad():
            bn.weight.copy_(rnd(shape[1]))
            bn.bias.copy_(rnd(shape[1]))
        steps = []
        for _ in range(3):
            x = rnd(*shape) * 2 + 0.5
            y = bn(x)
            steps.append({"input": encode(x), "output": encode(y),
                          "runningMean": encode(bn.running_mean), "runningVar": encode(bn.running_var),
                          "numBatchesTracked": int(bn.num_batches_tracked)})
        bn.eval()
        x = rnd(*shape)
        cases.append({"id": "%s_momentum_%s" % (cls, momentum), "module": cls, "momentum": momentum,
                      "weight": encode(bn.weight), "bias": encode(bn.bias), "trainSteps": steps,
                      "evalInput": encode(x), "evalOutput": encode(bn(x))})

    # State-dict keys of a nested model (the Java test builds the same structure)
    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Linear(4, 4)
            self.bn = nn.BatchNorm1d(4)
            self.drop = nn.Dropout(0.1)

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder = nn.Sequential(Block(), nn.ReLU(), Block())
            self.heads = nn.ModuleDict({"age": nn.Linear(4, 1), "sex": nn.Linear(4, 2, bias=False)})
            self.blocks = nn.ModuleList([nn.LayerNorm(4), nn.GroupNorm(2, 4), nn.Embedding(10, 4)])
            self.bil = nn.Bilinear(4, 4, 2)
            self.loss = nn.CrossEntropyLoss(weight=torch.ones(2))
            self.logits_loss = nn.BCEWithLogitsLoss(pos_weight=torch.ones(2))

    sd = Net().state_dict()
    keys = [{"key": k, "shape": list(v.shape), "dtype": str(v.dtype).replace("torch.", "")} for k, v in sd.items()]
    return cases, keys


# --------------------------------------------------------------------------------------------
# Optimizers and schedules on one problem: minimise mean((X W^T + b - Y)^2) from fixed W0, b0.

STEPS = 20


def problem(dtype):
    g = torch.Generator().manual_seed(seed_of("optim-problem"))

    def rnd(*shape):
        return (torch.round(torch.randn(*shape, generator=g, dtype=torch.float64) * 1e4) / 1e4).to(dtype)
    return {"W0": rnd(3, 4), "b0": rnd(3), "X": rnd(8, 4), "Y": rnd(8, 3)}


def make_optimizer(name, params, kw):
    """The Java options (camelCase, betas split) as PyTorch keyword arguments."""
    k = dict(kw)
    if "weightDecay" in k:
        k["weight_decay"] = k.pop("weightDecay")
    if "beta1" in k or "beta2" in k:
        k["betas"] = (k.pop("beta1", 0.9), k.pop("beta2", 0.999))
    if "lrDecay" in k:
        k["lr_decay"] = k.pop("lrDecay")
    if "initialAccumulatorValue" in k:
        k["initial_accumulator_value"] = k.pop("initialAccumulatorValue")
    return getattr(torch.optim, name)(params, **k)


OPTIMIZERS = [
    ("sgd", "SGD", {"lr": 0.05}),
    ("sgd_momentum", "SGD", {"lr": 0.05, "momentum": 0.9}),
    ("sgd_dampening_decay", "SGD", {"lr": 0.05, "momentum": 0.8, "dampening": 0.3, "weightDecay": 0.01}),
    ("sgd_nesterov", "SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True, "weightDecay": 1e-3}),
    ("adam", "Adam", {"lr": 0.05}),
    ("adam_decay_betas", "Adam", {"lr": 0.02, "beta1": 0.8, "beta2": 0.99, "eps": 1e-6, "weightDecay": 0.05}),
    ("adam_amsgrad", "Adam", {"lr": 0.05, "amsgrad": True}),
    ("adamw", "AdamW", {"lr": 0.05}),
    ("adamw_amsgrad", "AdamW", {"lr": 0.05, "weightDecay": 0.1, "amsgrad": True}),
    ("rmsprop", "RMSprop", {"lr": 0.01}),
    ("rmsprop_momentum_centered", "RMSprop", {"lr": 0.01, "alpha": 0.9, "momentum": 0.5, "centered": True,
                                              "weightDecay": 0.01}),
    ("rmsprop_centered", "RMSprop", {"lr": 0.005, "centered": True}),
    ("adagrad", "Adagrad", {"lr": 0.1}),
    ("adagrad_decay", "Adagrad", {"lr": 0.1, "lrDecay": 0.05, "weightDecay": 0.01, "initialAccumulatorValue": 0.1,
                                  "eps": 1e-8}),
]

# (id, schedule, kwargs, optimizer, optimizer kwargs); kwargs use the Java names
SCHEDULES = [
    ("step", "StepLR", {"stepSize": 4, "gamma": 0.5}, "SGD", {"lr": 0.1, "momentum": 0.9}),
    ("multistep", "MultiStepLR", {"milestones": [3, 7, 7, 15], "gamma": 0.5}, "SGD", {"lr": 0.1}),
    ("exponential", "ExponentialLR", {"gamma": 0.9}, "Adam", {"lr": 0.05}),
    ("cosine", "CosineAnnealingLR", {"tMax": 8, "etaMin": 0.001}, "SGD", {"lr": 0.1, "momentum": 0.5}),
    ("cosine_warm_restarts", "CosineAnnealingWarmRestarts", {"t0": 3, "tMult": 2, "etaMin": 0.0}, "SGD", {"lr": 0.1}),
    ("cosine_warm_restarts_tmult1", "CosineAnnealingWarmRestarts", {"t0": 5, "tMult": 1, "etaMin": 0.01}, "Adam",
     {"lr": 0.05}),
    ("cosine_warm_restarts_fractional", "CosineAnnealingWarmRestarts", {"t0": 2, "tMult": 2, "etaMin": 0.0,
                                                                         "epochs": [i * 0.35 for i in range(1, 21)]},
     "SGD", {"lr": 0.1}),
    ("linear_warmup", "LinearLR", {"startFactor": 0.1, "endFactor": 1.0, "totalIters": 6}, "SGD", {"lr": 0.1}),
    ("linear_decay", "LinearLR", {"startFactor": 1.0, "endFactor": 0.25, "totalIters": 10}, "Adam", {"lr": 0.05}),
    ("one_cycle_sgd", "OneCycleLR", {"maxLr": [0.2], "totalSteps": 20}, "SGD", {"lr": 0.1, "momentum": 0.9}),
    ("one_cycle_adam_linear_three_phase", "OneCycleLR",
     {"maxLr": [0.05], "totalSteps": 20, "anneal": "linear", "threePhase": True, "pctStart": 0.25}, "Adam",
     {"lr": 0.01}),
    ("plateau", "ReduceLROnPlateau", {"mode": "min", "factor": 0.5, "patience": 2, "cooldown": 1,
                                      "metrics": [1.0, 0.9, 0.95, 0.91, 0.92, 0.8, 0.85, 0.85, 0.85, 0.85,
                                                  0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7]},
     "SGD", {"lr": 0.1}),
    ("plateau_max_abs", "ReduceLROnPlateau", {"mode": "max", "factor": 0.1, "patience": 1, "threshold": 0.05,
                                              "thresholdMode": "abs", "minLr": 1e-3,
                                              "metrics": [0.5, 0.6, 0.62, 0.63, 0.7, 0.71, 0.72, 0.73, 0.8, 0.8,
                                                          0.8, 0.8, 0.8, 0.8, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9]},
     "SGD", {"lr": 0.1}),
]


def make_schedule(name, opt, kw):
    k = dict(kw)
    if name == "StepLR":
        return torch.optim.lr_scheduler.StepLR(opt, step_size=k["stepSize"], gamma=k["gamma"])
    if name == "MultiStepLR":
        return torch.optim.lr_scheduler.MultiStepLR(opt, milestones=k["milestones"], gamma=k["gamma"])
    if name == "ExponentialLR":
        return torch.optim.lr_scheduler.ExponentialLR(opt, gamma=k["gamma"])
    if name == "CosineAnnealingLR":
        return torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=k["tMax"], eta_min=k["etaMin"])
    if name == "CosineAnnealingWarmRestarts":
        return torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=k["t0"], T_mult=k["tMult"],
                                                                    eta_min=k["etaMin"])
    if name == "LinearLR":
        return torch.optim.lr_scheduler.LinearLR(opt, start_factor=k["startFactor"], end_factor=k["endFactor"],
                                                 total_iters=k["totalIters"])
    if name == "OneCycleLR":
        return torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=k["maxLr"], total_steps=k["totalSteps"],
                                                   pct_start=k.get("pctStart", 0.3),
                                                   anneal_strategy=k.get("anneal", "cos"),
                                                   three_phase=k.get("threePhase", False))
    if name == "ReduceLROnPlateau":
        return torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode=k["mode"], factor=k["factor"],
                                                          patience=k["patience"], threshold=k.get("threshold", 1e-4),
                                                          threshold_mode=k.get("thresholdMode", "rel"),
                                                          cooldown=k.get("cooldown", 0), min_lr=k.get("minLr", 0))
    raise KeyError(name)


def momentum_of(group):
    if "betas" in group:
        return group["betas"][0]
    return group.get("momentum", 0.0)


def train(opt_name, opt_kw, dtype, groups=None, schedule=None):
    pr = problem(dtype)
    W = pr["W0"].clone().requires_grad_(True)
    b = pr["b0"].clone().requires_grad_(True)
    if groups is None:
        opt = make_optimizer(opt_name, [W, b], opt_kw)
    else:
        opt = make_optimizer(opt_name, [{"params": [W]}, dict({"params": [b]}, **groups)], opt_kw)
    sched = None
    if schedule is not None:
        sched = make_schedule(schedule[0], opt, schedule[1])
    rec = {"params": [], "lr": [], "momentum": [], "loss": [],
           "lr0": [grp["lr"] for grp in opt.param_groups], "momentum0": [momentum_of(grp) for grp in opt.param_groups]}
    for step in range(STEPS):
        opt.zero_grad()
        loss = F.mse_loss(F.linear(pr["X"], W, b), pr["Y"])
        loss.backward()
        opt.step()
        if sched is not None:
            if schedule[0] == "ReduceLROnPlateau":
                sched.step(schedule[1]["metrics"][step])
            elif "epochs" in schedule[1]:
                sched.step(schedule[1]["epochs"][step])
            else:
                sched.step()
        rec["loss"].append(loss.item())
        rec["params"].append([encode(W), encode(b)])
        rec["lr"].append([grp["lr"] for grp in opt.param_groups])
        rec["momentum"].append([momentum_of(grp) for grp in opt.param_groups])
    return rec


def optimizer_cases():
    out = []
    for cid, name, kw in OPTIMIZERS:
        for dtype in [torch.float64, torch.float32]:
            r = train(name, kw, dtype)
            out.append(dict({"id": cid + ("" if dtype == torch.float64 else "_f32"), "optimizer": name,
                             "kwargs": kw, "dtype": str(dtype).replace("torch.", "")}, **r))
    groups = {"lr": 0.01, "weightDecay": 0.1}
    for name, kw in [("SGD", {"lr": 0.05, "momentum": 0.9}), ("Adam", {"lr": 0.05})]:
        r = train(name, kw, torch.float64, groups={"lr": groups["lr"], "weight_decay": groups["weightDecay"]})
        out.append(dict({"id": name.lower() + "_param_groups", "optimizer": name, "kwargs": kw, "groupKwargs": groups,
                         "dtype": "float64"}, **r))
    return out


def schedule_cases():
    out = []
    for cid, name, kw, opt_name, opt_kw in SCHEDULES:
        r = train(opt_name, opt_kw, torch.float64, schedule=(name, kw))
        out.append(dict({"id": cid, "schedule": name, "kwargs": kw, "optimizer": opt_name, "optimizerKwargs": opt_kw,
                         "dtype": "float64"}, **r))
    # two groups with their own learning rates under one schedule
    r = train("SGD", {"lr": 0.1, "momentum": 0.9}, torch.float64, groups={"lr": 0.02},
              schedule=("OneCycleLR", {"maxLr": [0.3, 0.05], "totalSteps": 20}))
    out.append(dict({"id": "one_cycle_two_groups", "schedule": "OneCycleLR",
                     "kwargs": {"maxLr": [0.3, 0.05], "totalSteps": 20}, "optimizer": "SGD",
                     "optimizerKwargs": {"lr": 0.1, "momentum": 0.9}, "groupKwargs": {"lr": 0.02},
                     "dtype": "float64"}, **r))
    r = train("SGD", {"lr": 0.1}, torch.float64, groups={"lr": 0.02},
              schedule=("CosineAnnealingLR", {"tMax": 6, "etaMin": 0.0}))
    out.append(dict({"id": "cosine_two_groups", "schedule": "CosineAnnealingLR", "kwargs": {"tMax": 6, "etaMin": 0.0},
                     "optimizer": "SGD", "optimizerKwargs": {"lr": 0.1}, "groupKwargs": {"lr": 0.02},
                     "dtype": "float64"}, **r))
    return out


def clipping_cases():
    out = []
    for cid, max_norm, norm_type, dtype in [("l2_clips", 1.0, 2.0, torch.float64), ("l2_no_clip", 100.0, 2.0, torch.float64),
                                            ("l1", 2.0, 1.0, torch.float64), ("inf", 0.5, math.inf, torch.float64),
                                            ("p3", 1.0, 3.0, torch.float64), ("l2_f32", 1.0, 2.0, torch.float32)]:
        g = torch.Generator().manual_seed(seed_of("clip/" + cid))
        grads = [torch.randn(3, 4, generator=g, dtype=torch.float64).to(dtype),
                 torch.randn(5, generator=g, dtype=torch.float64).to(dtype)]
        params = [torch.zeros_like(t, requires_grad=True) for t in grads]
        for p, t in zip(params, grads):
            p.grad = t.clone()
        total = torch.nn.utils.clip_grad_norm_(params, max_norm, norm_type)
        out.append({"id": "norm_" + cid, "maxNorm": max_norm, "normType": "inf" if math.isinf(norm_type) else norm_type,
                    "grads": [encode(t) for t in grads], "totalNorm": total.item(),
                    "clipped": [encode(p.grad) for p in params]})
    g = torch.Generator().manual_seed(seed_of("clip/value"))
    grads = [torch.randn(4, 3, generator=g, dtype=torch.float64) * 2, torch.randn(6, generator=g, dtype=torch.float64)]
    params = [torch.zeros_like(t, requires_grad=True) for t in grads]
    for p, t in zip(params, grads):
        p.grad = t.clone()
    torch.nn.utils.clip_grad_value_(params, 0.75)
    out.append({"id": "value", "clipValue": 0.75, "grads": [encode(t) for t in grads],
                "clipped": [encode(p.grad) for p in params]})
    return out


def main():
    torch.set_num_threads(1)
    os.makedirs(OUT_DIR, exist_ok=True)
    losses = [run_loss(c) for c in LOSS_CASES]
    p = write("losses.json", {"note": "Generated; do not edit. grad is d(sum(output * gradWeight))/d(input)."},
              {"cases": losses})
    print("%-16s %4d cases %8d bytes" % ("losses.json", len(losses), os.path.getsize(p)))
    mods, keys = module_cases()
    p = write("modules.json", {"note": "Generated; do not edit."}, {"cases": mods, "stateDictKeys": keys})
    print("%-16s %4d cases %8d bytes" % ("modules.json", len(mods), os.path.getsize(p)))
    pr = problem(torch.float64)
    opts = optimizer_cases()
    scheds = schedule_cases()
    clips = clipping_cases()
    p = write("optimizers.json",
              {"note": "Generated; do not edit. Each step: zero grads, loss = mse_loss(linear(X, W, b), Y), "
                       "backward, optimizer.step(), schedule.step(); params and lr are recorded after the step.",
               "steps": STEPS},
              {"problem": {k: encode(v) for k, v in pr.items()}, "optimizers": opts, "schedules": scheds,
               "clipping": clips})
    print("%-16s %4d cases %8d bytes" % ("optimizers.json", len(opts) + len(scheds) + len(clips), os.path.getsize(p)))


if __name__ == "__main__":
    main()
