#!/usr/bin/python3
"""Writes the scikit-learn reference for Vesalius' t-SNE (org.vesalius.rnn.embeddings.TSNE).

Run with Debian's interpreter, which has python3-sklearn (apt-get install -y python3-sklearn):

    /usr/bin/python3 tools/golden/generate_tsne.py

Inputs (both real):
  wink    the 150 word vectors (100-d) of backend-cpu/src/test/resources/text/wink-sample.json
  digits  scikit-learn's copy of the UCI optical handwritten digits (1,797 images of 8x8 pixels, 0..16,
          labels 0..9; Alpaydin and Kaynak, CC BY 4.0), written to
          rnn/src/test/resources/embeddings/digits.csv.gz (label, then the 64 pixels, per line)

For each, scikit-learn's TSNE with its defaults (barnes_hut, angle 0.5, perplexity 30, init 'pca',
learning_rate 'auto', early exaggeration 12, 1000 iterations) is run for seeds 0..4, and
rnn/src/test/resources/golden/tsne.json records per seed the KL divergence, the iterations, the time and
the trustworthiness for 5 and 10 neighbours; the seed-0 embedding with its trustworthiness (to check the
Java trustworthiness on a fixed embedding); and for wink the first rows of the perplexity-calibrated
conditional probabilities and the joint P's row sums (to check the affinities).
"""
import gzip
import json
import os
import time

import numpy as np
import sklearn
from sklearn.datasets import load_digits
from sklearn.manifold import TSNE, trustworthiness
from sklearn.manifold import _utils
from sklearn.manifold._t_sne import _joint_probabilities_nn
from sklearn.neighbors import NearestNeighbors

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RES = os.path.join(ROOT, "rnn", "src", "test", "resources")
WINK = os.path.join(ROOT, "backend-cpu", "src", "test", "resources", "text", "wink-sample.json")
SEEDS = range(5)


def wink():
    with open(WINK, encoding="utf-8") as f:
        emb = json.load(f)
    d = emb["dimensions"]
    return emb["words"], np.array([emb["vectors"][w][:d] for w in emb["words"]], dtype=np.float32)


def digits():
    ds = load_digits()
    x = ds.data.astype(np.float32)
    path = os.path.join(RES, "embeddings", "digits.csv.gz")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    # mtime 0 so that rerunning the script gives the same bytes
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as f:
        for label, row in zip(ds.target, ds.data.astype(int)):
            f.write((",".join(str(v) for v in [label, *row]) + "\n").encode())
    return x


def affinities(x, perplexity, rows):
    n = x.shape[0]
    k = min(n - 1, int(3.0 * perplexity + 1))
    nn = NearestNeighbors(n_neighbors=k).fit(x)
    dist = nn.kneighbors_graph(mode="distance")
    dist.data **= 2
    dist.sort_indices()
    cond = _utils._binary_search_perplexity(dist.data.reshape(n, -1).astype(np.float32), perplexity, 0)
    joint = _joint_probabilities_nn(dist, perplexity, 0)
    out = []
    for i in rows:
        cols = dist.indices[dist.indptr[i]:dist.indptr[i + 1]]
        out.append({"row": i, "cols": cols.tolist(), "p": [float(v) for v in cond[i]]})
    return {"perplexity": perplexity, "k": k, "conditional": out,
            "jointRowSums": [float(v) for v in np.asarray(joint.sum(axis=1)).ravel()]}


def run(name, x, extra):
    case = {"name": name, "n": int(x.shape[0]), "d": int(x.shape[1]), "runs": []}
    for seed in SEEDS:
        t0 = time.perf_counter()
        tsne = TSNE(n_components=2, perplexity=30.0, init="pca", learning_rate="auto", random_state=seed,
                    method="barnes_hut", angle=0.5, n_iter=1000)
        y = tsne.fit_transform(x)
        secs = time.perf_counter() - t0
        run = {"seed": seed, "kl": float(tsne.kl_divergence_), "iterations": int(tsne.n_iter_) + 1,
               "seconds": round(secs, 3),
               "trust5": float(trustworthiness(x, y, n_neighbors=5)),
               "trust10": float(trustworthiness(x, y, n_neighbors=10))}
        case["runs"].append(run)
        print(name, run)
        if seed == 0:
            case["embedding"] = [[float(a), float(b)] for a, b in y]
    case.update(extra)
    return case


def main():
    words, w = wink()
    x = digits()
    out = {"sklearn": sklearn.__version__, "numpy": np.__version__,
           "cases": [run("wink", w, {"words": words, "affinities": affinities(w, 30.0, [0, 1, 2])}),
                     run("digits", x, {})]}
    path = os.path.join(RES, "golden", "tsne.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")
    print("wrote", path, os.path.getsize(path), "bytes")


if __name__ == "__main__":
    main()
