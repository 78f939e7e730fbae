"""PSNR and SSIM fixtures for ImageQuality (cnn/src/test/resources/golden/image_quality.json).

skimage is not installed here, so SSIM is Wang et al. (2004) written out with PyTorch: an 11x11
Gaussian window (sigma 1.5, normalised) applied by a 'valid' conv2d to x, y, x*x, y*y and x*y, with
C1 = (0.01 L)^2, C2 = (0.03 L)^2 and L = reference max - min; the same as
skimage.metrics.structural_similarity(gaussian_weights=True, sigma=1.5, use_sample_covariance=False,
data_range=L). Run with /usr/bin/python3 (PyTorch 1.13).
"""
import json
import math
import sys

import torch

torch.set_default_dtype(torch.float64)


def ssim(x, y, L):
    d = torch.arange(11) - 5.0
    g = torch.exp(-d * d / (2 * 1.5 ** 2))
    g = g / g.sum()
    win = torch.outer(g, g)[None, None]
    f = lambda t: torch.nn.functional.conv2d(t[None, None], win)[0, 0]
    mx, my = f(x), f(y)
    vx = f(x * x) - mx * mx
    vy = f(y * y) - my * my
    cxy = f(x * y) - mx * my
    c1, c2 = (0.01 * L) ** 2, (0.03 * L) ** 2
    s = (2 * mx * my + c1) * (2 * cxy + c2) / ((mx * mx + my * my + c1) * (vx + vy + c2))
    return s.mean().item()


def case(name, ref, img):
    L = (ref.max() - ref.min()).item()
    mse = ((img - ref) ** 2).mean().item()
    return {"name": name, "shape": list(ref.shape), "reference": ref.flatten().tolist(),
            "image": img.flatten().tolist(), "data_range": L, "mse": mse,
            "psnr": 10 * math.log10(L * L / mse), "ssim": ssim(img, ref, L)}


gen = torch.Generator().manual_seed(4)
yy, xx = torch.meshgrid(torch.arange(20.0), torch.arange(17.0), indexing="ij")
smooth = torch.sin(xx / 3) + torch.cos(yy / 4) + 2.0
cases = [
    case("smooth+gauss", smooth, smooth + 0.2 * torch.randn(20, 17, generator=gen)),
    case("random-uniform", torch.rand(13, 24, generator=gen) * 255, torch.rand(13, 24, generator=gen) * 255),
    case("blurred-square", (((xx - 8).abs() < 4) & ((yy - 10).abs() < 5)).double(),
         torch.nn.functional.avg_pool2d((((xx - 8).abs() < 4) & ((yy - 10).abs() < 5)).double()[None, None], 3, 1, 1)[0, 0]),
]
json.dump({"cases": cases}, open(sys.argv[1], "w"))
