#!/usr/bin/env python3
"""Runs Vesalius's bench jar and PyTorch's torch_ops.py alternately on the same machine and prints
the ratio per workload (PyTorch median / Vesalius median: above 1 means Vesalius is faster).

Usage: python3 bench/scripts/compare.py [--rounds 5] [--threads 2] [--torch ../shared/bench/torch_ops.py]
                                        [--python /usr/bin/python3] [WORKLOAD ...]
Both peers see the same environment (OPENBLAS_CORETYPE, OMP_*); say which in any report.
"""
import argparse, json, os, statistics, subprocess, sys

def run(cmd):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return [json.loads(l) for l in out.splitlines() if l.startswith("{")]

def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(os.path.dirname(here))
    ap = argparse.ArgumentParser()
    ap.add_argument("workloads", nargs="*")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--iters", type=int, default=30)
    ap.add_argument("--torch", default=os.path.join(root, "..", "shared", "bench", "torch_ops.py"))
    ap.add_argument("--python", default="/usr/bin/python3")
    ap.add_argument("--jar", default=os.path.join(root, "bench", "target", "vesalius-bench.jar"))
    a = ap.parse_args()
    common = ["--threads", str(a.threads), "--iters", str(a.iters)]
    names = a.workloads or [l.strip() for l in subprocess.run(
        ["java", "-jar", a.jar, "--list"], check=True, capture_output=True, text=True).stdout.splitlines() if l.strip()]
    med = {n: {"vesalius": [], "torch": []} for n in names}
    best = {n: {"vesalius": float("inf"), "torch": float("inf")} for n in names}
    for r in range(a.rounds):
        for n in names:
            for peer, cmd in (("vesalius", ["java", "-jar", a.jar, n] + common),
                              ("torch", [a.python, a.torch, n] + common)):
                for rec in run(cmd):
                    med[n][peer].append(rec["median_ms"])
                    best[n][peer] = min(best[n][peer], rec["min_ms"])
        print(f"round {r + 1}/{a.rounds} done", file=sys.stderr, flush=True)
    print(f"| workload | Vesalius median ms | PyTorch median ms | ratio (median of medians) | ratio (best) |")
    print(f"|---|---|---|---|---|")
    for n in names:
        v = statistics.median(med[n]["vesalius"])
        t = statistics.median(med[n]["torch"])
        print(f"| {n} | {v:.4f} | {t:.4f} | {t / v:.2f} | {best[n]['torch'] / best[n]['vesalius']:.2f} |")
        print(json.dumps({"workload": n, "vesalius_median_ms": v, "torch_median_ms": t, "ratio": round(t / v, 3),
                          "threads": a.threads, "rounds": a.rounds,
                          "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE", "unset")}), file=sys.stderr)

if __name__ == "__main__":
    main()
