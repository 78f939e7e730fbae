package org.vesalius.cnn.models;

import org.vesalius.cnn.AdaptiveAvgPool2d;
import org.vesalius.cnn.AdaptiveAvgPool3d;
import org.vesalius.cnn.AvgPool2d;
import org.vesalius.cnn.AvgPool3d;
import org.vesalius.cnn.Conv2d;
import org.vesalius.cnn.Conv3d;
import org.vesalius.cnn.ConvNd;
import org.vesalius.cnn.ConvTranspose2d;
import org.vesalius.cnn.ConvTranspose3d;
import org.vesalius.cnn.MaxPool2d;
import org.vesalius.cnn.MaxPool3d;
import org.vesalius.nn.BatchNorm2d;
import org.vesalius.nn.BatchNorm3d;
import org.vesalius.nn.Init;
import org.vesalius.nn.Module;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;

/**
 * The 2-d or 3-d variant of each layer the models use, so that one model class serves both: the
 * models take a {@code spatialDims} of 2 or 3 and build their layers through here.
 */
final class Dims {
    private Dims() {
    }

    /** Returns {@code spatialDims}, or throws naming the model unless it is 2 or 3. */
    static int check(String model, int spatialDims) {
        if (spatialDims != 2 && spatialDims != 3) {
            throw new IllegalArgumentException(model + ": spatialDims must be 2 (images [N, C, H, W]) or 3 (volumes "
                    + "[N, C, D, H, W]), got " + spatialDims);
        }
        return spatialDims;
    }

    /** Throws naming the model unless every count is positive. */
    static void positive(String model, String what, int... values) {
        for (int v : values) {
            if (v <= 0) {
                throw new IllegalArgumentException(model + ": " + what + " must be positive, got " + v);
            }
        }
    }

    /** Throws naming the model unless {@code input} is {@code [N, inChannels, *spatial]} with {@code dims} spatial dims. */
    static void checkInput(String model, Tensor input, int dims, int inChannels) {
        int[] s = input.shape();
        if (s.length != dims + 2 || s[1] != inChannels) {
            throw new IllegalArgumentException(model + ": expected input [N, " + inChannels
                    + (dims == 2 ? ", H, W]" : ", D, H, W]") + ", got " + java.util.Arrays.toString(s));
        }
    }

    /** A convolution with zero padding, the same size and stride in every spatial dim. */
    static ConvNd conv(int dims, int in, int out, int kernel, int stride, int padding, boolean bias, Generator g) {
        int[] k = {kernel};
        int[] s = {stride};
        int[] p = {padding};
        int[] one = {1};
        return dims == 2 ? new Conv2d(in, out, k, s, p, one, 1, bias, "zeros", g)
                : new Conv3d(in, out, k, s, p, one, 1, bias, "zeros", g);
    }

    /** A transposed convolution without padding, with bias. */
    static ConvNd convTranspose(int dims, int in, int out, int kernel, int stride, Generator g) {
        return dims == 2 ? new ConvTranspose2d(in, out, kernel, stride, 0, g) : new ConvTranspose3d(in, out, kernel, stride, 0, g);
    }

    /** Batch normalisation with PyTorch's defaults. */
    static Module batchNorm(int dims, int channels) {
        return dims == 2 ? new BatchNorm2d(channels) : new BatchNorm3d(channels);
    }

    static Module maxPool(int dims, int kernel, int stride, int padding) {
        return dims == 2 ? new MaxPool2d(kernel, stride, padding, 1, false) : new MaxPool3d(kernel, stride, padding, 1, false);
    }

    static Module avgPool(int dims, int kernel, int stride) {
        return dims == 2 ? new AvgPool2d(kernel, stride) : new AvgPool3d(kernel, stride);
    }

    static Module adaptiveAvgPool(int dims, int size) {
        return dims == 2 ? new AdaptiveAvgPool2d(size) : new AdaptiveAvgPool3d(size);
    }

    /**
     * torchvision's initialisation of its classifiers' convolutions: Kaiming normal, fan-out, gain for
     * ReLU (the variance of each layer's output gradient stays put); a bias, if any, zero.
     */
    static void kaimingFanOut(ConvNd conv, Generator g) {
        Init.kaimingNormal_(conv.weight(), 0, Init.FanMode.FAN_OUT, "relu", g);
        if (conv.bias() != null) {
            Init.zeros_(conv.bias());
        }
    }
}
