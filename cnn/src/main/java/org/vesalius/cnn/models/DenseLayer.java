package org.vesalius.cnn.models;

import org.vesalius.cnn.ConvNd;
import org.vesalius.nn.Init;
import org.vesalius.nn.Module;
import org.vesalius.nn.ReLU;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;

/**
 * One layer of a dense block, like torchvision's {@code _DenseLayer}: BN → ReLU → conv 1×1 to
 * {@code bnSize * growthRate} → BN → ReLU → conv 3×3 to {@code growthRate}. Input
 * {@code [N, inFeatures, *spatial]} (the block's input and every earlier layer's output, concatenated),
 * output {@code [N, growthRate, *spatial]}. Keys {@code norm1.*}, {@code conv1.weight}, {@code norm2.*},
 * {@code conv2.weight}.
 */
final class DenseLayer extends Module {
    private final Module norm1;
    private final ConvNd conv1;
    private final Module norm2;
    private final ConvNd conv2;

    DenseLayer(int dims, int inFeatures, int growthRate, int bnSize, Generator g) {
        norm1 = registerModule("norm1", Dims.batchNorm(dims, inFeatures));
        registerModule("relu1", new ReLU());
        conv1 = registerModule("conv1", conv(dims, inFeatures, bnSize * growthRate, 1, g));
        norm2 = registerModule("norm2", Dims.batchNorm(dims, bnSize * growthRate));
        registerModule("relu2", new ReLU());
        conv2 = registerModule("conv2", conv(dims, bnSize * growthRate, growthRate, 3, g));
    }

    /** torchvision's DenseNet convolutions: no bias, Kaiming normal with fan-in. */
    static ConvNd conv(int dims, int in, int out, int kernel, Generator g) {
        ConvNd c = Dims.conv(dims, in, out, kernel, 1, kernel / 2, false, g);
        Init.kaimingNormal_(c.weight(), 0, Init.FanMode.FAN_IN, "leaky_relu", g);
        return c;
    }

    @Override
    public Tensor forward(Tensor input) {
        Tensor bottleneck = conv1.forward(norm1.forward(input).relu());
        return conv2.forward(norm2.forward(bottleneck).relu());
    }
}
