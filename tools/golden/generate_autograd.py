#!/usr/bin/python3
"""Writes the PyTorch reference fixtures for the autograd engine's accumulation rules: gradients
accumulated over several backward(create_graph=True) calls and then differentiated again.

Run with Debian's interpreter, which has python3-torch:

    /usr/bin/python3 tools/golden/generate_autograd.py

It writes backend-cpu/src/test/resources/golden/autograd.json, read by
backend-cpu/src/test/java/org/vesalius/autograd/AccumulationParityTest.java. Every case is float64
and built from seeded inputs, so the file only changes when a case (or PyTorch) does:

  doubleBackward  x**3 then x**2 accumulated into x.grad with create_graph, then d(sum(x.grad))/dx
  hvp             two functions' gradients accumulated into x.grad, then the Hessian-vector product
                  d(sum(x.grad * v))/dx = (H1 + H2) v
  wganGpTwoCritics  a gradient penalty on interp.grad accumulated from two critics' backward calls
                  (create_graph), backpropagated into both critics' parameters (which already hold the
                  graph-connected gradients of those calls)
  wganGpTwoSteps  two WGAN-GP critic steps on different batches without zero_grad in between: the
                  parameters' gradients after each step
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from generate import encode, seed_of  # noqa: E402  (shared tensor encoding and seeds)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "backend-cpu", "src", "test", "resources", "golden", "autograd.json")
F64 = torch.float64


def rand(name, *shape, lo=-1.0, hi=1.0):
    g = torch.Generator().manual_seed(seed_of(name))
    return (torch.rand(*shape, generator=g, dtype=F64) * (hi - lo) + lo)


def critic_params(name):
    """A two-layer critic 4 -> 8 -> 1 with tanh, as (w1, b1, w2, b2) leaves."""
    return [rand(name + ".w1", 8, 4).requires_grad_(), rand(name + ".b1", 8).requires_grad_(),
            rand(name + ".w2", 1, 8).requires_grad_(), rand(name + ".b2", 1).requires_grad_()]


def critic(p, x):
    return torch.tanh(x @ p[0].t() + p[1]) @ p[2].t() + p[3]


def double_backward():
    x = torch.tensor([1.0, 2.0, 3.0], dtype=F64, requires_grad=True)
    (x ** 3).sum().backward(create_graph=True)
    (x ** 2).sum().backward(create_graph=True)
    grad = x.grad
    second, = torch.autograd.grad(grad.sum(), x)
    return {"x": encode(x), "grad": encode(grad), "second": encode(second)}


def hvp():
    x = rand("hvp.x", 5).requires_grad_()
    a = rand("hvp.A", 5, 5)
    v = rand("hvp.v", 5)
    (torch.sin(x) * x ** 2).sum().backward(create_graph=True)
    (x @ a @ x).backward(create_graph=True)
    product, = torch.autograd.grad((x.grad * v).sum(), x)
    return {"x": encode(x), "A": encode(a), "v": encode(v), "grad": encode(x.grad), "hvp": encode(product)}


def penalty(g):
    return ((g.pow(2).sum(1).sqrt() - 1) ** 2).mean()


def wgan_gp_two_critics():
    d1 = critic_params("gp2.d1")
    d2 = critic_params("gp2.d2")
    interp = rand("gp2.interp", 6, 4).requires_grad_()
    critic(d1, interp).sum().backward(create_graph=True)
    critic(d2, interp).sum().backward(create_graph=True)
    gp = penalty(interp.grad) * 10
    gp.backward()
    out = {"interp": encode(interp), "penalty": encode(gp)}
    for name, ps in (("d1", d1), ("d2", d2)):
        for i, p in enumerate(ps):
            out[name + ".p" + str(i)] = encode(p)
            out[name + ".grad" + str(i)] = encode(p.grad)
    return out


def wgan_gp_two_steps():
    d = critic_params("gps.d")
    out = {}
    for i, p in enumerate(d):
        out["p" + str(i)] = encode(p)
    for step in range(2):
        real = rand("gps.real" + str(step), 5, 4)
        fake = rand("gps.fake" + str(step), 5, 4)
        eps = rand("gps.eps" + str(step), 5, 1, lo=0.0, hi=1.0)
        interp = (eps * real + (1 - eps) * fake).requires_grad_()
        g, = torch.autograd.grad(critic(d, interp).sum(), interp, create_graph=True)
        loss = critic(d, fake).mean() - critic(d, real).mean() + 10 * penalty(g)
        loss.backward()
        out["real" + str(step)] = encode(real)
        out["fake" + str(step)] = encode(fake)
        out["eps" + str(step)] = encode(eps)
        out["loss" + str(step)] = encode(loss)
        for i, p in enumerate(d):
            out["step" + str(step) + ".grad" + str(i)] = encode(p.grad)
    return out


def main():
    cases = {"doubleBackward": double_backward(), "hvp": hvp(), "wganGpTwoCritics": wgan_gp_two_critics(),
             "wganGpTwoSteps": wgan_gp_two_steps()}
    with open(OUT, "w") as f:
        json.dump({"torch": torch.__version__, "generator": "tools/golden/generate_autograd.py", "cases": cases}, f,
                  separators=(",", ":"), allow_nan=False)
        f.write("\n")
    print(OUT, len(cases), "cases")


if __name__ == "__main__":
    main()
