#!/usr/bin/python3
"""Writes the PyTorch reference fixtures for the cnn module's architectures (org.vesalius.cnn.models).

Run with Debian's interpreter, which has python3-torch (torchvision is not needed: the reference
networks are defined here with torchvision's module names, so their state-dict keys are torchvision's):

    /usr/bin/python3 tools/golden/generate_cnn_models.py

It writes to cnn/src/test/resources/golden/models/, two safetensors files per case (written by
generate_safetensors.py's writer, float32 little endian):

  <case>.safetensors     the network's state dict, exactly as PyTorch's state_dict() names it, which
                         the Java test loads strictly with Safetensors.loadStateDict
  <case>_io.safetensors  input: the batch; target: what the loss compares with;
                         train/output: the output in training mode (batch statistics; every output for
                         deep supervision, train/output.1, ...); train/loss: the loss of that output;
                         grad/input and grad/<param>: the loss's gradients for the input and some
                         parameters; eval/output: the output in eval mode after that training forward
                         (running statistics updated by it)

Cases:
  unet_w3      W3's U-Net (bench/scripts/torch_models.py's unet(), the network the benchmark times) with
               levels 4/8/16 and bottleneck 32, batch 2x1x32x32, BCE with logits
  unet3d_res   a 3-d U-Net with residual units, group norm (2 groups) and deep supervision, levels 4/8
               and bottleneck 16, batch 2x2x8x8x8, 3 classes; loss = nnU-Net's weighted deep-supervision
               cross-entropy over the two outputs
  resnet18     ResNet-18 (torchvision's layout) with base width 4, 2-d, batch 2x3x48x48, 5 classes,
               cross-entropy (at 32x32 the last stage is 1x1 and its batch norm sees two values per
               channel: the input gradient then differs by 2% between float32 and float64 in PyTorch
               itself, too ill-conditioned to compare)
  densenet     a small DenseNet (torchvision's layout): growth 4, blocks (2, 3), 8 stem channels,
               bottleneck width 2, batch 2x1x32x32, 3 classes, cross-entropy

Batch-norm weights, biases and running statistics are drawn away from their 1/0 defaults (and two
training forwards run first), so that eval mode and the affine parameters are tested too.
"""
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "bench", "scripts"))
from generate_safetensors import save_safetensors  # noqa: E402
from torch_models import unet  # noqa: E402  (W3's network, the one the benchmark times)

OUT_DIR = os.path.join(ROOT, "cnn", "src", "test", "resources", "golden", "models")


# ---------------------------------------------------------------------------------------------- U-Net
def norm_layer(kind, dims, c):
    if kind == "BATCH":
        return (nn.BatchNorm2d if dims == 2 else nn.BatchNorm3d)(c)
    if kind == "INSTANCE":
        return (nn.InstanceNorm2d if dims == 2 else nn.InstanceNorm3d)(c, affine=True)
    return nn.GroupNorm(int(kind.split(":")[1]), c)


def conv(dims, cin, cout, k, stride=1, padding=0, bias=True):
    return (nn.Conv2d if dims == 2 else nn.Conv3d)(cin, cout, k, stride=stride, padding=padding, bias=bias)


class ResidualUnit(nn.Module):
    """org.vesalius.cnn.models.ResidualUnit: relu(body(x) + shortcut(x))."""

    def __init__(self, dims, cin, cout, norm):
        super().__init__()
        self.body = nn.Sequential(conv(dims, cin, cout, 3, padding=1, bias=False), norm_layer(norm, dims, cout), nn.ReLU(),
                                  conv(dims, cout, cout, 3, padding=1, bias=False), norm_layer(norm, dims, cout))
        self.shortcut = None if cin == cout else nn.Sequential(conv(dims, cin, cout, 1, bias=False),
                                                               norm_layer(norm, dims, cout))

    def forward(self, x):
        return F.relu(self.body(x) + (x if self.shortcut is None else self.shortcut(x)))


class ResUNet(nn.Module):
    """org.vesalius.cnn.models.UNet with residual units and deep supervision: outputs finest first."""

    def __init__(self, dims, cin, cout, chs, norm):
        super().__init__()
        self.dims = dims
        depth = len(chs) - 1
        self.enc = nn.ModuleList()
        c = cin
        for i in range(depth):
            self.enc.append(ResidualUnit(dims, c, chs[i], norm))
            c = chs[i]
        self.bott = ResidualUnit(dims, c, chs[depth], norm)
        self.up = nn.ModuleList()
        self.dec = nn.ModuleList()
        c = chs[depth]
        for i in reversed(range(depth)):
            self.up.append((nn.ConvTranspose2d if dims == 2 else nn.ConvTranspose3d)(c, chs[i], 2, stride=2))
            self.dec.append(ResidualUnit(dims, 2 * chs[i], chs[i], norm))
            c = chs[i]
        self.head = conv(dims, chs[0], cout, 1)
        self.ds = nn.ModuleList([conv(dims, chs[depth - 1 - j], cout, 1) for j in range(depth - 1)])

    def forward(self, x):
        pool = F.max_pool2d if self.dims == 2 else F.max_pool3d
        skips = []
        for e in self.enc:
            x = e(x)
            skips.append(x)
            x = pool(x, 2)
        x = self.bott(x)
        aux = []
        for j, (up, dec, s) in enumerate(zip(self.up, self.dec, reversed(skips))):
            x = dec(torch.cat([up(x), s], dim=1))
            if j < len(self.ds):
                aux.append(self.ds[j](x))
        return [self.head(x)] + aux[::-1]


# ---------------------------------------------------------------------------------------------- ResNet
class BasicBlock(nn.Module):
    """torchvision.models.resnet.BasicBlock."""
    expansion = 1

    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(planes, planes, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = downsample

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + identity)


class ResNet(nn.Module):
    """torchvision.models.resnet.ResNet with a base width parameter (64 in torchvision)."""

    def __init__(self, layers, in_channels, num_classes, width):
        super().__init__()
        self.inplanes = width
        self.conv1 = nn.Conv2d(in_channels, width, 7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, stride=2, padding=1)
        self.layer1 = self._make_layer(width, layers[0])
        self.layer2 = self._make_layer(width * 2, layers[1], stride=2)
        self.layer3 = self._make_layer(width * 4, layers[2], stride=2)
        self.layer4 = self._make_layer(width * 8, layers[3], stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(width * 8, num_classes)

    def _make_layer(self, planes, blocks, stride=1):
        downsample = None
        if stride != 1 or self.inplanes != planes:
            downsample = nn.Sequential(nn.Conv2d(self.inplanes, planes, 1, stride=stride, bias=False),
                                       nn.BatchNorm2d(planes))
        layers = [BasicBlock(self.inplanes, planes, stride, downsample)]
        self.inplanes = planes
        layers += [BasicBlock(planes, planes) for _ in range(1, blocks)]
        return nn.Sequential(*layers)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(self.avgpool(x), 1))


# ---------------------------------------------------------------------------------------------- DenseNet
class DenseLayer(nn.Module):
    """torchvision.models.densenet._DenseLayer (no dropout, no checkpointing)."""

    def __init__(self, num_input_features, growth_rate, bn_size):
        super().__init__()
        self.norm1 = nn.BatchNorm2d(num_input_features)
        self.relu1 = nn.ReLU(inplace=True)
        self.conv1 = nn.Conv2d(num_input_features, bn_size * growth_rate, 1, bias=False)
        self.norm2 = nn.BatchNorm2d(bn_size * growth_rate)
        self.relu2 = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(bn_size * growth_rate, growth_rate, 3, padding=1, bias=False)

    def forward(self, inputs):
        x = torch.cat(inputs, 1)
        return self.conv2(self.relu2(self.norm2(self.conv1(self.relu1(self.norm1(x))))))


class DenseBlock(nn.ModuleDict):
    """torchvision.models.densenet._DenseBlock."""

    def __init__(self, num_layers, num_input_features, bn_size, growth_rate):
        super().__init__()
        for i in range(num_layers):
            self.add_module("denselayer%d" % (i + 1), DenseLayer(num_input_features + i * growth_rate, growth_rate,
                                                                 bn_size))

    def forward(self, init_features):
        features = [init_features]
        for _, layer in self.items():
            features.append(layer(features))
        return torch.cat(features, 1)


class Transition(nn.Sequential):
    """torchvision.models.densenet._Transition."""

    def __init__(self, num_input_features, num_output_features):
        super().__init__()
        self.norm = nn.BatchNorm2d(num_input_features)
        self.relu = nn.ReLU(inplace=True)
        self.conv = nn.Conv2d(num_input_features, num_output_features, 1, bias=False)
        self.pool = nn.AvgPool2d(2, stride=2)


class DenseNet(nn.Module):
    """torchvision.models.densenet.DenseNet with configurable input channels."""

    def __init__(self, growth_rate, block_config, num_init_features, bn_size, in_channels, num_classes):
        super().__init__()
        from collections import OrderedDict
        self.features = nn.Sequential(OrderedDict([
            ("conv0", nn.Conv2d(in_channels, num_init_features, 7, stride=2, padding=3, bias=False)),
            ("norm0", nn.BatchNorm2d(num_init_features)),
            ("relu0", nn.ReLU(inplace=True)),
            ("pool0", nn.MaxPool2d(3, stride=2, padding=1)),
        ]))
        n = num_init_features
        for i, num_layers in enumerate(block_config):
            self.features.add_module("denseblock%d" % (i + 1), DenseBlock(num_layers, n, bn_size, growth_rate))
            n += num_layers * growth_rate
            if i != len(block_config) - 1:
                self.features.add_module("transition%d" % (i + 1), Transition(n, n // 2))
                n //= 2
        self.features.add_module("norm5", nn.BatchNorm2d(n))
        self.classifier = nn.Linear(n, num_classes)

    def forward(self, x):
        out = F.relu(self.features(x), inplace=True)
        return self.classifier(torch.flatten(F.adaptive_avg_pool2d(out, (1, 1)), 1))


# ---------------------------------------------------------------------------------------------- cases
def perturb_norms(model):
    """Affine parameters and running statistics away from 1/0, so both modes test them."""
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, (nn.BatchNorm2d, nn.BatchNorm3d, nn.GroupNorm, nn.InstanceNorm2d, nn.InstanceNorm3d)):
                if m.weight is not None:
                    m.weight.uniform_(0.5, 1.5)
                    m.bias.uniform_(-0.3, 0.3)
                if getattr(m, "running_mean", None) is not None:
                    m.running_mean.uniform_(-0.2, 0.2)
                    m.running_var.uniform_(0.5, 1.5)


def ds_loss(outputs, target):
    """UNet.deepSupervisionLoss with cross-entropy on a label map: weights 1/2^i normalised, targets nearest-resized."""
    w = [0.5 ** i for i in range(len(outputs))]
    total = 0
    for i, o in enumerate(outputs):
        t = target if o.shape[2:] == target.shape[2:] else F.interpolate(target, size=o.shape[2:], mode="nearest")
        total = total + w[i] / sum(w) * F.cross_entropy(o, t[:, 0].long())
    return total


def write_case(name, model, x, target, loss_fn, grad_params):
    perturb_norms(model)
    model.train()
    with torch.no_grad():  # two training batches: running statistics and num_batches_tracked move
        for _ in range(2):
            model(torch.rand_like(x))
    sd = {k: v.detach().clone() for k, v in model.state_dict().items()}
    save_safetensors(sd, {"format": "pt", "generator": "tools/golden/generate_cnn_models.py",
                          "torch": torch.__version__}, os.path.join(OUT_DIR, name + ".safetensors"))

    io = {"input": x, "target": target}
    xg = x.clone().requires_grad_(True)
    out = model(xg)
    outs = out if isinstance(out, list) else [out]
    for i, o in enumerate(outs):
        io["train/output" + ("" if i == 0 else "." + str(i))] = o.detach()
    loss = loss_fn(out, target)
    loss.backward()
    io["train/loss"] = loss.detach().reshape(1)
    io["grad/input"] = xg.grad
    params = dict(model.named_parameters())
    for p in grad_params:
        io["grad/" + p] = params[p].grad
    model.eval()
    with torch.no_grad():
        out = model(x)
        io["eval/output"] = (out[0] if isinstance(out, list) else out).detach()
    save_safetensors({k: v.detach().float().contiguous() for k, v in io.items()}, {"case": name},
                     os.path.join(OUT_DIR, name + "_io.safetensors"))


def main():
    os.makedirs(OUT_DIR, exist_ok=True)

    torch.manual_seed(3)
    net = unet(torch, chs=(4, 8, 16), bott=32)
    x = torch.rand(2, 1, 32, 32)
    y = (torch.rand(2, 1, 32, 32) > 0.5).float()
    write_case("unet_w3", net, x, y, F.binary_cross_entropy_with_logits,
               ["enc.0.0.weight", "enc.0.1.weight", "bott.3.weight", "up.0.weight", "up.2.bias", "dec.2.4.bias",
                "head.weight", "head.bias"])

    torch.manual_seed(4)
    net = ResUNet(3, 2, 3, (4, 8, 16), "GROUP:2")
    x = torch.rand(2, 2, 8, 8, 8)
    y = torch.randint(0, 3, (2, 1, 8, 8, 8)).float()
    write_case("unet3d_res", net, x, y, ds_loss,
               ["enc.0.body.0.weight", "enc.0.shortcut.0.weight", "enc.0.body.1.weight", "bott.body.4.bias",
                "dec.1.body.3.weight", "ds.0.weight", "head.bias"])

    torch.manual_seed(5)
    net = ResNet([2, 2, 2, 2], 3, 5, 4)
    x = torch.rand(2, 3, 48, 48)
    y = torch.tensor([1.0, 4.0])
    write_case("resnet18", net, x, y, lambda o, t: F.cross_entropy(o, t.long()),
               ["conv1.weight", "bn1.weight", "layer2.0.downsample.0.weight", "layer4.1.conv2.weight", "fc.weight"])

    torch.manual_seed(6)
    net = DenseNet(4, (2, 3), 8, 2, 1, 3)
    x = torch.rand(2, 1, 32, 32)
    y = torch.tensor([2.0, 0.0])
    write_case("densenet", net, x, y, lambda o, t: F.cross_entropy(o, t.long()),
               ["features.conv0.weight", "features.denseblock1.denselayer2.conv1.weight",
                "features.transition1.conv.weight", "features.norm5.weight", "classifier.weight"])

    total = 0
    for f in sorted(os.listdir(OUT_DIR)):
        size = os.path.getsize(os.path.join(OUT_DIR, f))
        total += size
        print(f, size, "bytes")
    print("total", total, "bytes")


if __name__ == "__main__":
    main()
