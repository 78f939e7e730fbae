#!/usr/bin/python3
"""The PyTorch side of Vesalius's model-level workloads, so the repository stands alone.

Usage (Debian's interpreter, which has python3-torch):
    /usr/bin/python3 bench/scripts/torch_models.py WORKLOAD [--warmup N] [--iters N] [--threads 2]

WORKLOAD: lenet-train | lenet-infer (W2 of the project's benchmark plan: LeNet-5, batch 64×1×28×28,
softmax cross-entropy, SGD momentum 0.9 lr 0.01; inference in eval mode under inference_mode);
unet-train | unet-infer (W3: U-Net, batch 4×1×128×128, levels 16/32/64, bottleneck 128, BCE with
logits, Adam lr 1e-3, 2 warm-up / 8 timed steps; inference in eval mode, 3 / 10);
lstm-train (W4: LSTM classifier, batch 32, seq 64, input 128, hidden 256, last step -> dense 2,
cross-entropy, Adam, 5 / 20) and its variants gru-train and bilstm-train.
Prints one JSON line per measurement, the format of Vesalius's bench jar:
    {"peer": "torch", "workload": ..., "median_ms": ..., "min_ms": ..., "iters": ..., "threads": ...}

tools/golden/generate_cnn_layers.py imports lenet5() and tools/golden/generate_cnn_models.py imports
unet() from here, so the networks their fixtures hold are the very networks this script times.
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


def unet(torch, chs=(16, 32, 64), bott=128, in_channels=1, out_channels=1):
    """W3's U-Net as the project's torch_bench.py defines it (same modules, names and forward); the
    defaults are W3. State-dict keys enc.*, bott.*, up.*, dec.*, head.* (org.vesalius.cnn.models.UNet)."""
    nn = torch.nn
    F = torch.nn.functional

    def block(cin, cout):
        return nn.Sequential(
            nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
            nn.Conv2d(cout, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))

    class UNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.enc = nn.ModuleList()
            cin = in_channels
            for c in chs:
                self.enc.append(block(cin, c))
                cin = c
            self.bott = block(chs[-1], bott)
            self.up = nn.ModuleList()
            self.dec = nn.ModuleList()
            cin = bott
            for c in reversed(chs):
                self.up.append(nn.ConvTranspose2d(cin, c, 2, stride=2))
                self.dec.append(block(2 * c, c))
                cin = c
            self.head = nn.Conv2d(chs[0], out_channels, 1)

        def forward(self, x):
            skips = []
            for e in self.enc:
                x = e(x)
                skips.append(x)
                x = F.max_pool2d(x, 2)
            x = self.bott(x)
            for up, dec, s in zip(self.up, self.dec, reversed(skips)):
                x = dec(torch.cat([up(x), s], dim=1))
            return self.head(x)  # logits; sigmoid is fused into the loss

    return UNet()


def recurrent_classifier(torch, kind):
    """W4's classifier (batch first, input 128, hidden 256, one layer, last step -> dense 2) with an LSTM
    (lstm-train, W4 itself), a GRU (gru-train) or a bidirectional LSTM (bilstm-train, dense 512 -> 2)."""
    nn = torch.nn

    class Clf(nn.Module):
        def __init__(self):
            super().__init__()
            bidir = kind == "bilstm"
            cls = nn.GRU if kind == "gru" else nn.LSTM
            self.rnn = cls(128, 256, num_layers=1, batch_first=True, bidirectional=bidir)
            self.fc = nn.Linear(512 if bidir else 256, 2)

        def forward(self, x):
            out, _ = self.rnn(x)
            return self.fc(out[:, -1])

    return Clf()


# workload -> (warm-up, timed) as the benchmark plan defines them
WORKLOADS = {"lenet-train": (10, 30), "lenet-infer": (10, 30), "unet-train": (2, 8), "unet-infer": (3, 10),
             "lstm-train": (5, 20), "gru-train": (5, 20), "bilstm-train": (5, 20)}


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

    if a.workload.startswith("lenet"):
        model = lenet5(torch)
        x = torch.rand(64, 1, 28, 28)
        y = torch.randint(0, 10, (64,))
        opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
        loss_fn = torch.nn.CrossEntropyLoss()
    elif a.workload in ("lstm-train", "gru-train", "bilstm-train"):
        model = recurrent_classifier(torch, a.workload.split("-")[0])
        x = torch.rand(32, 64, 128)
        y = torch.randint(0, 2, (32,))
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        loss_fn = torch.nn.CrossEntropyLoss()
    else:
        model = unet(torch)
        x = torch.rand(4, 1, 128, 128)
        y = (torch.rand(4, 1, 128, 128) > 0.5).float()
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        loss_fn = torch.nn.BCEWithLogitsLoss()
    if a.workload.endswith("-infer"):
        model.eval()

        def step():
            with torch.inference_mode():
                model(x)
    else:
        model.train()

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
