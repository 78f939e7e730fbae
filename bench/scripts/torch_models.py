#!/usr/bin/python3
"""The PyTorch side of Vesalius's model-level workloads, so the repository stands alone.

Usage (Debian's interpreter, which has python3-torch):
    /usr/bin/python3 bench/scripts/torch_models.py WORKLOAD [--warmup N] [--iters N] [--threads 2]

WORKLOAD: lenet-train | lenet-infer (W2 of the project's benchmark plan: LeNet-5, batch 64×1×28×28,
softmax cross-entropy, SGD momentum 0.9 lr 0.01; inference in eval mode under inference_mode).
Prints one JSON line per measurement, the format of Vesalius's bench jar:
    {"peer": "torch", "workload": ..., "median_ms": ..., "min_ms": ..., "iters": ..., "threads": ...}

tools/golden/generate_cnn_layers.py imports lenet5() from here, so the weights its fixture holds come
from the very network this script times.
"""
import argparse
import json
import sys
import time


def lenet5(torch, in_channels=1, num_classes=10):
    """LeNet-5 as W2 defines it; state-dict keys 0.*, 2.*, 5.*, 7.* (org.vesalius.cnn.models.LeNet5)."""
    nn = torch.nn
    return nn.Sequential(
        nn.Conv2d(in_channels, 20, 5), nn.MaxPool2d(2),
        nn.Conv2d(20, 50, 5), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(800, 500), nn.ReLU(), nn.Linear(500, num_classes))


WORKLOADS = {"lenet-train": (10, 30), "lenet-infer": (10, 30)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("workload", choices=sorted(WORKLOADS))
    ap.add_argument("--warmup", type=int, default=None)
    ap.add_argument("--iters", type=int, default=None)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    import torch
    torch.set_num_threads(a.threads)
    torch.manual_seed(42)
    warmup, iters = WORKLOADS[a.workload]
    warmup = warmup if a.warmup is None else a.warmup
    iters = iters if a.iters is None else a.iters

    model = lenet5(torch)
    x = torch.rand(64, 1, 28, 28)
    y = torch.randint(0, 10, (64,))
    if a.workload == "lenet-infer":
        model.eval()

        def step():
            with torch.inference_mode():
                model(x)
    else:
        model.train()
        opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
        loss_fn = torch.nn.CrossEntropyLoss()

        def step():
            opt.zero_grad(set_to_none=True)
            loss_fn(model(x), y).backward()
            opt.step()

    for _ in range(warmup):
        step()
    ms = []
    for _ in range(iters):
        t = time.perf_counter()
        step()
        ms.append((time.perf_counter() - t) * 1e3)
    ms.sort()
    n = len(ms)
    med = ms[n // 2] if n % 2 else 0.5 * (ms[n // 2 - 1] + ms[n // 2])
    print(json.dumps({"peer": "torch", "workload": a.workload, "median_ms": round(med, 6), "min_ms": round(ms[0], 6),
                      "iters": iters, "threads": torch.get_num_threads()}), flush=True)


if __name__ == "__main__":
    sys.exit(main())
