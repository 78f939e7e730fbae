#!/usr/bin/env python3
"""Runs Vesalius's bench jar and the PyTorch peer alternately on the same machine and prints the ratio
per workload (PyTorch median / Vesalius median: above 1 means Vesalius is faster).

Usage: python3 bench/scripts/compare.py [--rounds 5] [--threads 2] [--iters N] [--warmup N]
                                        [--torch ../shared/bench/torch_ops.py]
                                        [--torch-bench ../shared/bench/torch_bench.py]
                                        [--python /usr/bin/python3] [--torch-unset VAR ...] [WORKLOAD ...]

Op workloads are paired with torch_ops.py (or --torch, e.g. bench/scripts/torch_norm_ops.py) and
time 30 steps unless --iters says otherwise. Model workloads (lenet-train, lenet-infer, unet-train,
unet-infer) are paired with W2 / W2-infer / W3 / W3-infer of the project's torch_bench.py when that
file exists (its "RESULT ... median_ms=..." lines), else with bench/scripts/torch_models.py, which
defines the same networks; both peers use the benchmark's own warm-up and timed counts (W3: 2/8 and
3/10) unless --iters is given. Both peers see this process's environment (OPENBLAS_CORETYPE,
OMP_*), except the variables named by --torch-unset, which PyTorch does not see: run with
OMP_WAIT_POLICY=PASSIVE and --torch-unset OMP_WAIT_POLICY to give PyTorch its default spinning
threads while Vesalius keeps passive ones. Say which in any report.
"""
import argparse, json, os, statistics, subprocess, sys

# Vesalius model workload -> (torch_bench.py workload, torch_bench.py's name for it)
MODEL_WORKLOADS = {"lenet-train": ("w2", "W2-lenet-train"), "lenet-infer": ("w2-infer", "W2-lenet-infer"),
                   "unet-train": ("w3", "W3-unet-train"), "unet-infer": ("w3-infer", "W3-unet-infer"),
                   "lstm-train": ("w4", "W4-lstm-train")}
# model workloads torch_bench.py does not define: always timed by bench/scripts/torch_models.py
LOCAL_MODEL_WORKLOADS = {"gru-train", "bilstm-train"}


def run(cmd, env=None):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout
    recs = [json.loads(l) for l in out.splitlines() if l.startswith("{")]
    for l in out.splitlines():  # torch_bench.py: RESULT peer=torch workload=W2-lenet-train median_ms=... min_ms=...
        if l.startswith("RESULT "):
            kv = dict(f.split("=", 1) for f in l.split()[1:])
            recs.append({"workload": kv["workload"], "median_ms": float(kv["median_ms"]), "min_ms": float(kv["min_ms"])})
    if not recs:
        raise SystemExit("no measurement in the output of " + " ".join(cmd) + ":\n" + out)
    return recs


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(os.path.dirname(here))
    ap = argparse.ArgumentParser()
    ap.add_argument("workloads", nargs="*")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--iters", type=int, default=None)
    ap.add_argument("--warmup", type=int, default=None,
                    help="warm-up steps for both peers (default: each workload's own); a JVM needs more than the "
                         "benchmark definitions' 2-10 to finish compiling, so a steady-state series passes e.g. 100")
    ap.add_argument("--torch", default=os.path.join(root, "..", "shared", "bench", "torch_ops.py"))
    ap.add_argument("--torch-bench", default=os.path.join(root, "..", "shared", "bench", "torch_bench.py"))
    ap.add_argument("--torch-unset", action="append", default=[], metavar="VAR")
    ap.add_argument("--python", default="/usr/bin/python3")
    ap.add_argument("--jar", default=os.path.join(root, "bench", "target", "vesalius-bench.jar"))
    a = ap.parse_args()

    def common(n):  # model workloads keep their own timed counts unless --iters is given
        warm = [] if a.warmup is None else ["--warmup", str(a.warmup)]
        if a.iters is None and (n in MODEL_WORKLOADS or n in LOCAL_MODEL_WORKLOADS):
            return ["--threads", str(a.threads)] + warm
        return ["--threads", str(a.threads), "--iters", str(a.iters or 30)] + warm

    torch_env = {k: v for k, v in os.environ.items() if k not in a.torch_unset}
    names = a.workloads or [l.strip() for l in subprocess.run(
        ["java", "-jar", a.jar, "--list"], check=True, capture_output=True, text=True).stdout.splitlines() if l.strip()]

    def torch_cmd(n):
        if n in LOCAL_MODEL_WORKLOADS:
            return [a.python, os.path.join(here, "torch_models.py"), n] + common(n), "torch_models.py"
        if n in MODEL_WORKLOADS:
            if os.path.exists(a.torch_bench):
                return [a.python, a.torch_bench, MODEL_WORKLOADS[n][0]] + common(n), "torch_bench.py"
            return [a.python, os.path.join(here, "torch_models.py"), n] + common(n), "torch_models.py"
        return [a.python, a.torch, n] + common(n), os.path.basename(a.torch)

    med = {n: {"vesalius": [], "torch": []} for n in names}
    best = {n: {"vesalius": float("inf"), "torch": float("inf")} for n in names}
    for r in range(a.rounds):
        for n in names:
            tcmd, _ = torch_cmd(n)
            for peer, cmd, env in (("vesalius", ["java", "-jar", a.jar, n] + common(n), None),
                                   ("torch", tcmd, torch_env)):
                for rec in run(cmd, env):
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
                          "vesalius_runs_ms": med[n]["vesalius"], "torch_runs_ms": med[n]["torch"],
                          "torch_peer": torch_cmd(n)[1], "threads": a.threads, "rounds": a.rounds,
                          "warmup": a.warmup if a.warmup is not None else "workload's own",
                          "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE", "unset"),
                          "omp_wait_policy_vesalius": os.environ.get("OMP_WAIT_POLICY", "unset"),
                          "omp_wait_policy_torch": torch_env.get("OMP_WAIT_POLICY", "unset")}), file=sys.stderr)


if __name__ == "__main__":
    main()
