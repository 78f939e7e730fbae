#!/usr/bin/env python3
"""Where a bench workload's step spends its time, from a Java Flight Recorder recording.

Record the bench jar with execution and native-method sampling (every 2 ms here), then summarise:

    OMP_WAIT_POLICY=PASSIVE java -XX:StartFlightRecording=filename=/tmp/w.jfr,settings=profile,\\
jdk.ExecutionSample#period=2ms,jdk.NativeMethodSample#period=2ms \\
        -jar bench/target/vesalius-bench.jar unet-train --warmup 2 --iters 30
    jfr print --json --events jdk.ExecutionSample,jdk.NativeMethodSample --stack-depth 96 /tmp/w.jfr > /tmp/w.json
    python3 bench/scripts/jfr_breakdown.py /tmp/w.json

Only the main thread's samples inside the timing loop (Bench.time) count. The main thread runs every
op, in Java or in native code (oneDNN, OpenBLAS), and runs its own share of the backend's parallel
Java kernels, so its samples are a wall-clock breakdown of the step. (When it waits for the other
worker it is parked and not sampled; such waits are left out.) Each sample is charged to

  - the phase: "backward" inside Autograd.run, "optimizer" inside org.vesalius.optim, else "forward"
    (which includes the loss);
  - the op: the CpuBackend method on the stack (convForward, convBackwardData, batchNorm, binary, ...),
    or, for time outside the backend (graph recording, allocation, shape checks), the first Vesalius
    frame below the sample ("other: Class.method").

Prints one table of ms per step (samples x period / steps) and share of the sampled time.
"""
import argparse
import collections
import json


def frames(event):
    st = event["values"].get("stackTrace")
    if not st:
        return []
    return [f["method"]["type"]["name"].replace("/", ".") + "." + f["method"]["name"] for f in st["frames"]]


def classify(fs):
    if not any(f.startswith("org.vesalius.bench.Bench.time") for f in fs):
        return None
    if any(f.startswith("org.vesalius.autograd.Autograd.run") for f in fs):
        phase = "backward"
    elif any(f.startswith("org.vesalius.optim.") for f in fs):
        phase = "optimizer"
    else:
        phase = "forward"
    op = None
    for f in reversed(fs):  # outermost first: the backend entry point, not the kernel helpers below it
        if f.startswith("org.vesalius.backend.cpu.CpuBackend."):
            op = f.rsplit(".", 1)[1]
            break
    if op is None:
        for f in fs:
            if f.startswith("org.vesalius."):
                op = "other: " + ".".join(f.rsplit(".", 2)[-2:])
                break
    return phase, op or "other: JDK"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("json", help="jfr print --json output")
    ap.add_argument("--period-ms", type=float, default=2.0)
    ap.add_argument("--steps", type=int, default=32, help="warm-up + timed steps recorded")
    ap.add_argument("--top", type=int, default=25)
    a = ap.parse_args()
    events = json.load(open(a.json))["recording"]["events"]
    by_op = collections.Counter()
    by_phase = collections.Counter()
    total = 0
    for e in events:
        t = e["values"].get("sampledThread")
        if not t or t.get("javaName") != "main":
            continue
        c = classify(frames(e))
        if c is None:
            continue
        total += 1
        by_phase[c[0]] += 1
        by_op[c] += 1
    scale = a.period_ms / a.steps
    print(f"{total} samples, {total * scale:.1f} ms per step sampled")
    print("| phase | ms/step | share |\n|---|---|---|")
    for p, n in by_phase.most_common():
        print(f"| {p} | {n * scale:.1f} | {100 * n / total:.1f}% |")
    print("\n| phase | op | ms/step | share |\n|---|---|---|---|")
    for (p, op), n in by_op.most_common(a.top):
        print(f"| {p} | {op} | {n * scale:.1f} | {100 * n / total:.1f}% |")


if __name__ == "__main__":
    main()
