package org.vesalius.cnn;

import org.vesalius.nn.Module;
import org.vesalius.tensor.Tensor;
import org.vesalius.tensor.ValuesIndices;

/**
 * What the adaptive max pooling layers share: a fixed output size whatever the input size. Output
 * {@code i} of a dim of input size {@code L} is the maximum of the inputs
 * {@code [floor(i * L / out), ceil((i + 1) * L / out))}. No parameters. PyTorch's
 * {@code return_indices=True} is {@link #forwardWithIndices}.
 */
public abstract class AdaptiveMaxPoolNd extends Module {
    private final int spatialDims;
    private final int[] outputSize;

    /** @param outputSize one positive size for every spatial dim or one per dim */
    protected AdaptiveMaxPoolNd(int spatialDims, int[] outputSize) {
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
            case 1: return input.adaptiveMaxPool1d(outputSize[0]);
            case 2: return input.adaptiveMaxPool2d(outputSize);
            default: return input.adaptiveMaxPool3d(outputSize);
        }
    }

    /**
     * The pooled input and the flat positions of the maxima within each input plane (int64, the
     * output's shape).
     */
    public ValuesIndices forwardWithIndices(Tensor input) {
        Sizes.checkInput(this::toString, input.shape(), spatialDims, 0);
        switch (spatialDims) {
            case 1: return input.adaptiveMaxPool1dWithIndices(outputSize[0]);
            case 2: return input.adaptiveMaxPool2dWithIndices(outputSize);
            default: return input.adaptiveMaxPool3dWithIndices(outputSize);
        }
    }

    @Override
    protected String extraRepr() {
        return "outputSize=" + Sizes.given(outputSize);
    }
}
