package org.vesalius.cnn;

import org.vesalius.nn.Module;
import org.vesalius.tensor.Tensor;

/**
 * What the adaptive average pooling layers share: a fixed output size whatever the input size.
 * Output {@code i} of a dim of input size {@code L} averages the inputs
 * {@code [floor(i * L / out), ceil((i + 1) * L / out))}. No parameters.
 */
public abstract class AdaptiveAvgPoolNd extends Module {
    private final int spatialDims;
    private final int[] outputSize;

    /** @param outputSize one positive size for every spatial dim or one per dim */
    protected AdaptiveAvgPoolNd(int spatialDims, int[] outputSize) {
        Sizes.expand(name(), "outputSize", outputSize, spatialDims, 1);
        this.spatialDims = spatialDims;
        this.outputSize = outputSize.clone();
    }

    /** The output's spatial size, as given (a copy). */
    public int[] outputSize() {
        return outputSize.clone();
    }

    /** {@code [N, C, *spatial]} (or {@code [C, *spatial]}) to {@code [N, C, *outputSize]}. */
    @Override
    public Tensor forward(Tensor input) {
        Sizes.checkInput(this::toString, input.shape(), spatialDims, 0);
        switch (spatialDims) {
            case 1: return input.adaptiveAvgPool1d(outputSize[0]);
            case 2: return input.adaptiveAvgPool2d(outputSize);
            default: return input.adaptiveAvgPool3d(outputSize);
        }
    }

    @Override
    protected String extraRepr() {
        return "outputSize=" + Sizes.given(outputSize);
    }
}
