"""Reference values for org.vesalius.train.metrics, computed with scikit-learn.

Run with Debian's interpreter (apt install python3-sklearn):

    /usr/bin/python3 tools/golden/generate_metrics.py

Writes backend-cpu/src/test/resources/golden/sklearn/metrics.json. Inputs are rounded to 4 decimals so
that the float32 tensors the Java test builds from them keep the same order and ties.
"""
import json
import os

import numpy as np
import sklearn
from sklearn import metrics as skm

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "backend-cpu", "src", "test", "resources",
                   "golden", "sklearn", "metrics.json")


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def prf(y, pred, c):
    """precision/recall/f1 for every average, and per class over labels 0..c-1."""
    out = {}
    for name, fn in (("precision", skm.precision_score), ("recall", skm.recall_score), ("f1", skm.f1_score)):
        for avg in ("macro", "micro", "weighted"):
            out[name + "_" + avg] = float(fn(y, pred, average=avg, zero_division=0))
        out[name + "_per_class"] = [float(v) for v in fn(y, pred, labels=list(range(c)), average=None,
                                                          zero_division=0)]
        if c == 2:
            out[name + "_binary"] = float(fn(y, pred, average="binary", zero_division=0))
    return out


def multiclass(rng, case_id, n, c, present=None, inner=()):
    logits = np.round(rng.normal(size=(n, c) + inner) * 2, 4)
    classes = present if present is not None else c
    y = rng.integers(0, classes, size=(n,) + inner)
    if present is not None:
        logits[:, present:] -= 20  # classes never predicted either
    # rows: every (sample, position) pair with its C scores
    rows = np.moveaxis(logits, 1, -1).reshape(-1, c)
    yr = y.reshape(-1)
    pred = rows.argmax(axis=1)
    case = {"id": case_id, "kind": "multiclass", "classes": c, "outputShape": list(logits.shape),
            "targetShape": list(y.shape), "output": logits.reshape(-1).tolist(), "target": y.reshape(-1).tolist(),
            "accuracy": float(skm.accuracy_score(yr, pred)),
            "confusion_matrix": skm.confusion_matrix(yr, pred, labels=list(range(c))).tolist()}
    case.update(prf(yr, pred, c))
    for k in (2, 3):
        case["top%d_accuracy" % k] = float(skm.top_k_accuracy_score(yr, rows, k=k, labels=list(range(c))))
    if present is None and c > 2 and not inner:
        probs = np.round(softmax(rows), 6)
        probs = probs / probs.sum(axis=1, keepdims=True)
        case["probabilities"] = probs.reshape(-1).tolist()
        case["auc_probabilities"] = float(skm.roc_auc_score(yr, probs, multi_class="ovr", average="macro"))
        case["auc_logits"] = float(skm.roc_auc_score(yr, softmax(rows), multi_class="ovr", average="macro"))
    return case


def binary(rng, case_id, n, decimals):
    # probabilities rounded coarsely so that many scores tie
    y = rng.integers(0, 2, size=n)
    p = np.clip(np.round(0.5 * y + rng.uniform(0, 0.6, size=n) - 0.05, decimals), 0, 1)
    pred = (p > 0.5).astype(int)
    case = {"id": case_id, "kind": "binary", "classes": 2, "outputShape": [n], "targetShape": [n],
            "output": p.tolist(), "target": y.tolist(), "accuracy": float(skm.accuracy_score(y, pred)),
            "confusion_matrix": skm.confusion_matrix(y, pred, labels=[0, 1]).tolist(),
            "auc": float(skm.roc_auc_score(y, p))}
    case.update(prf(y, pred, 2))
    return case


def two_columns(rng, case_id, n):
    logits = np.round(rng.normal(size=(n, 2)), 4)
    y = (rng.uniform(size=n) < softmax(logits)[:, 1]).astype(int)
    return {"id": case_id, "kind": "two_columns", "classes": 2, "outputShape": [n, 2], "targetShape": [n],
            "output": logits.reshape(-1).tolist(), "target": y.tolist(),
            # ranked by s1 - s0 in float32, as the Java metric does: exact decimal ties stay ties
            "auc": float(skm.roc_auc_score(y, logits[:, 1].astype(np.float32) - logits[:, 0].astype(np.float32))),
            "auc_softmax": float(skm.roc_auc_score(y, softmax(logits)[:, 1]))}


def regression(rng, case_id, n, d):
    shape = (n,) if d == 0 else (n, d)
    y = np.round(rng.normal(size=shape) * 3 + 1, 4)
    pred = np.round(y + rng.normal(size=shape), 4)
    mo = "uniform_average"
    return {"id": case_id, "kind": "regression", "outputShape": list(shape), "targetShape": list(shape),
            "output": pred.reshape(-1).tolist(), "target": y.reshape(-1).tolist(),
            "mae": float(skm.mean_absolute_error(y, pred, multioutput=mo)),
            "rmse": float(skm.mean_squared_error(y, pred, multioutput=mo, squared=False)),
            "r2": float(skm.r2_score(y, pred, multioutput=mo))}


def main():
    rng = np.random.default_rng(20240603)
    cases = [
        multiclass(rng, "multiclass-5", 203, 5),
        multiclass(rng, "multiclass-4-two-absent", 97, 4, present=2),
        multiclass(rng, "segmentation-3x4x5", 6, 3, inner=(4, 5)),
        binary(rng, "binary-ties", 150, 1),
        binary(rng, "binary-fine", 301, 4),
        two_columns(rng, "two-columns", 180),
        regression(rng, "regression-1d", 123, 0),
        regression(rng, "regression-3-outputs", 77, 3),
    ]
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump({"sklearn": sklearn.__version__, "cases": cases}, f)
        f.write("\n")
    print("wrote", len(cases), "cases to", os.path.normpath(OUT))


if __name__ == "__main__":
    main()
