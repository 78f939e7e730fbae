#!/usr/bin/python3
"""The PyTorch 1.13 twin of Vesalius' sentiment-imdb example: the same split, tokens, vocabulary and
initial embedding (read from the directory the Java example writes with --export), the same network and
recipe, so the two test accuracies can be compared.

    java -jar examples/target/vesalius-examples.jar sentiment-imdb --export runs/sentiment-imdb-export
    /usr/bin/python3 tools/torch/sentiment_imdb.py runs/sentiment-imdb-export [--epochs 4] [--threads 2]

Network: Embedding (initialised from embedding.f32) -> dropout 0.3 -> one-layer bidirectional LSTM
(hidden 128) over packed sequences -> the two directions' final h concatenated -> dropout 0.3 ->
Linear(256, 2). Cross-entropy, Adam lr 2e-3, gradient norm clipped at 5, batches of 64 reviews of
similar length (pools of 50 batches sorted by length, batch order shuffled each epoch), as the Java
example's BucketBatchSampler. Prints one JSON line: {"example": "sentiment-imdb", "peer": "torch", ...}.
"""
import argparse
import json
import os
import random
import sys
import time

import numpy as np
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_sequence


def read(path):
    ids, labels = [], []
    with open(path) as f:
        for line in f:
            r = json.loads(line)
            ids.append(torch.tensor(r["ids"], dtype=torch.long))
            labels.append(r["label"])
    return ids, torch.tensor(labels)


class Net(nn.Module):
    def __init__(self, weights, hidden, cell, bidirectional, dropout):
        super().__init__()
        self.embedding = nn.Embedding.from_pretrained(weights, freeze=False)
        self.dropout = nn.Dropout(dropout)
        cls = nn.LSTM if cell == "lstm" else nn.GRU
        self.rnn = cls(weights.shape[1], hidden, num_layers=1, batch_first=True, bidirectional=bidirectional)
        self.fc = nn.Linear(hidden * (2 if bidirectional else 1), 2)

    def forward(self, tokens, lengths):
        x = self.dropout(self.embedding(tokens))
        packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        _, h = self.rnn(packed)
        if isinstance(h, tuple):
            h = h[0]
        last = torch.cat([h[0], h[1]], dim=1) if h.shape[0] == 2 else h[0]
        return self.fc(self.dropout(last))


def batches(lengths, batch_size, pool_batches, rng):
    order = list(range(len(lengths)))
    rng.shuffle(order)
    pool = batch_size * pool_batches
    out = []
    for start in range(0, len(order), pool):
        members = sorted(order[start:start + pool], key=lambda i: lengths[i])
        out.extend(members[b:b + batch_size] for b in range(0, len(members), batch_size))
    rng.shuffle(out)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("export")
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--hidden", type=int, default=128)
    ap.add_argument("--cell", default="lstm")
    ap.add_argument("--bidirectional", default="true")
    ap.add_argument("--dropout", type=float, default=0.3)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    rng = random.Random(a.seed)
    started = time.time()
    train_ids, train_y = read(os.path.join(a.export, "train.jsonl"))
    test_ids, test_y = read(os.path.join(a.export, "test.jsonl"))
    shape = json.load(open(os.path.join(a.export, "embedding.json")))
    weights = torch.from_numpy(np.fromfile(os.path.join(a.export, "embedding.f32"), dtype="<f4")
                               .reshape(shape["rows"], shape["dim"]).copy())
    net = Net(weights, a.hidden, a.cell, a.bidirectional == "true", a.dropout)
    opt = torch.optim.Adam(net.parameters(), lr=a.lr)
    loss_fn = nn.CrossEntropyLoss()
    train_len = [len(t) for t in train_ids]
    losses, seconds = [], []
    for epoch in range(a.epochs):
        t0 = time.time()
        net.train()
        total, count = 0.0, 0
        for b in batches(train_len, a.batch_size, 50, rng):
            tokens = pad_sequence([train_ids[i] for i in b], batch_first=True)
            lengths = torch.tensor([train_len[i] for i in b])
            y = train_y[b]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(net(tokens, lengths), y)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), 5.0)
            opt.step()
            total += loss.item() * len(b)
            count += len(b)
        seconds.append(time.time() - t0)
        losses.append(total / count)
        print(f"epoch {epoch + 1}/{a.epochs}: train loss {total / count:.4f}, {seconds[-1]:.1f} s", flush=True)
    net.eval()
    right = 0
    test_len = [len(t) for t in test_ids]
    order = sorted(range(len(test_ids)), key=lambda i: test_len[i])
    with torch.no_grad():
        for s in range(0, len(order), a.batch_size):
            b = order[s:s + a.batch_size]
            tokens = pad_sequence([test_ids[i] for i in b], batch_first=True)
            lengths = torch.tensor([test_len[i] for i in b])
            right += (net(tokens, lengths).argmax(1) == test_y[b]).sum().item()
    acc = right / len(test_ids)
    print(json.dumps({"example": "sentiment-imdb", "peer": "torch", "torch": torch.__version__, "accuracy": round(acc, 4),
                      "epochs": a.epochs, "train": len(train_ids), "test": len(test_ids),
                      "epoch_seconds": [round(s, 1) for s in seconds], "seconds": round(time.time() - started, 1)}))


if __name__ == "__main__":
    sys.exit(main())
