#!/usr/bin/python3
"""PyTorch (CPU) counterparts of Vesalius's normalization workloads (bench NormWorkloads.java).

Usage: /usr/bin/python3 torch_norm_ops.py [WORKLOAD ...] [--threads 2] [--warmup 5] [--iters 30] [--list]
With no WORKLOAD, runs all. Prints one JSON line per measurement, the format of shared/bench/torch_ops.py:
  {"peer": "torch", "workload": ..., "median_ms": ..., "min_ms": ..., "iters": ..., "threads": ...}
Pair it with the bench jar: python3 compare.py --torch bench/scripts/torch_norm_ops.py WORKLOAD ...

Each "fwdbwd" step runs the op with affine parameters and backward() with a fixed random upstream
gradient (a constant one makes the input gradient zero); gradients accumulate as in training.
Each "kernels" step calls the ATen kernels directly (native_*_norm and native_*_norm_backward, no
autograd, no accumulation), as the Java side calls the backend's kernels.
"""
import argparse, json, time
import torch
import torch.nn.functional as F


def params(c):
    return torch.randn(c, requires_grad=True), torch.randn(c, requires_grad=True)


def batch_norm(training, *shape):
    c = shape[1]
    x = torch.randn(*shape, requires_grad=training)
    w, b = params(c)
    rm, rv = torch.zeros(c), torch.ones(c)
    if not training:
        def infer():
            with torch.no_grad():
                F.batch_norm(x, rm, rv, w, b, training=False, momentum=0.1, eps=1e-5)
        return infer
    gy = torch.randn(*shape)
    return lambda: F.batch_norm(x, rm, rv, w, b, training=True, momentum=0.1, eps=1e-5).backward(gy)


def layer_norm(rows, k):
    x = torch.randn(rows, k, requires_grad=True)
    w, b = params(k)
    gy = torch.randn(rows, k)
    return lambda: F.layer_norm(x, [k], w, b, 1e-5).backward(gy)


def group_norm(groups, *shape):
    x = torch.randn(*shape, requires_grad=True)
    w, b = params(shape[1])
    gy = torch.randn(*shape)
    return lambda: F.group_norm(x, groups, w, b, 1e-5).backward(gy)


def instance_norm(*shape):
    x = torch.randn(*shape, requires_grad=True)
    w, b = params(shape[1])
    gy = torch.randn(*shape)
    return lambda: F.instance_norm(x, weight=w, bias=b, eps=1e-5).backward(gy)


def batch_norm_kernels(*shape):
    c = shape[1]
    x, gy = torch.randn(*shape), torch.randn(*shape)
    w, b = torch.randn(c), torch.randn(c)
    rm, rv = torch.zeros(c), torch.ones(c)
    def step():
        with torch.no_grad():
            out, mean, invstd = torch.ops.aten.native_batch_norm(x, w, b, rm, rv, True, 0.1, 1e-5)
            torch.ops.aten.native_batch_norm_backward(gy, x, w, rm, rv, mean, invstd, True, 1e-5, [True, True, True])
    return step


def layer_norm_kernels(rows, k):
    x, gy = torch.randn(rows, k), torch.randn(rows, k)
    w, b = torch.randn(k), torch.randn(k)
    def step():
        with torch.no_grad():
            out, mean, rstd = torch.ops.aten.native_layer_norm(x, [k], w, b, 1e-5)
            torch.ops.aten.native_layer_norm_backward(gy, x, [k], mean, rstd, w, b, [True, True, True])
    return step


def group_norm_kernels(groups, *shape):
    n, c = shape[0], shape[1]
    hw = 1
    for d in shape[2:]:
        hw *= d
    x, gy = torch.randn(*shape), torch.randn(*shape)
    w, b = torch.randn(c), torch.randn(c)
    def step():
        with torch.no_grad():
            out, mean, rstd = torch.ops.aten.native_group_norm(x, w, b, n, c, hw, groups, 1e-5)
            torch.ops.aten.native_group_norm_backward(gy, x, mean, rstd, w, n, c, hw, groups, [True, True, True])
    return step


def ops():
    return {
        "batchnorm-unet16-fwdbwd": batch_norm(True, 4, 16, 128, 128),
        "batchnorm-unet32-fwdbwd": batch_norm(True, 4, 32, 64, 64),
        "batchnorm-unet64-fwdbwd": batch_norm(True, 4, 64, 32, 32),
        "batchnorm-unet128-fwdbwd": batch_norm(True, 4, 128, 16, 16),
        "batchnorm-unet32-eval": batch_norm(False, 4, 32, 64, 64),
        "layernorm-8192x512-fwdbwd": layer_norm(8192, 512),
        "layernorm-2048x256-fwdbwd": layer_norm(2048, 256),
        "groupnorm-unet32-g8-fwdbwd": group_norm(8, 4, 32, 64, 64),
        "groupnorm-8x256x32x32-g32-fwdbwd": group_norm(32, 8, 256, 32, 32),
        "instancenorm-unet32-fwdbwd": instance_norm(4, 32, 64, 64),
        "batchnorm-unet16-kernels": batch_norm_kernels(4, 16, 128, 128),
        "batchnorm-unet32-kernels": batch_norm_kernels(4, 32, 64, 64),
        "batchnorm-unet128-kernels": batch_norm_kernels(4, 128, 16, 16),
        "layernorm-8192x512-kernels": layer_norm_kernels(8192, 512),
        "layernorm-2048x256-kernels": layer_norm_kernels(2048, 256),
        "groupnorm-unet32-g8-kernels": group_norm_kernels(8, 4, 32, 64, 64),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("op", nargs="*")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--iters", type=int, default=30)
    ap.add_argument("--list", action="store_true")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(42)
    table = ops()
    if a.list:
        print("\n".join(table))
        return
    for name in a.op or list(table):
        if name not in table:
            raise SystemExit(f"unknown workload '{name}'; known: {', '.join(table)}")
        step = table[name]
        for _ in range(a.warmup):
            step()
        ms = []
        for _ in range(a.iters):
            t = time.perf_counter()
            step()
            ms.append((time.perf_counter() - t) * 1e3)
        ms.sort()
        print(json.dumps({"peer": "torch", "workload": name, "median_ms": round(ms[len(ms) // 2], 6),
                          "min_ms": round(ms[0], 6), "iters": a.iters, "threads": a.threads}), flush=True)


if __name__ == "__main__":
    main()
