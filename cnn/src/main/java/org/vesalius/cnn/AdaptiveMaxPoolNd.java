package org.vesalius.cnn;

import org.vesalius.tensor.Tensor;
import org.vesalius.tensor.ValuesIndices;

/**
 * What the adaptive max pooling layers share: each output is the maximum of its share of the input
 * ({@link AdaptivePoolNd}). PyTorch's {@code return_indices=True} is {@link #forwardWithIndices}.
 */
public abstract class AdaptiveMaxPoolNd extends AdaptivePoolNd {

    /** @param outputSize one positive size for every spatial dim or one per dim */
    protected AdaptiveMaxPoolNd(int spatialDims, int[] outputSize) {
        super(spatialDims, outputSize);
    }

    /** {@code [N, C, *spatial]} (or {@code [C, *spatial]}) to {@code [N, C, *outputSize]}. */
    @Override
    public Tensor forward(Tensor input) {
        checkInput(input);
        int[] out = outputSize();
        switch (spatialDims()) {
            case 1: return input.adaptiveMaxPool1d(out[0]);
            case 2: return input.adaptiveMaxPool2d(out);
            default: return input.adaptiveMaxPool3d(out);
        }
    }

    /**
     * The pooled input and the flat positions of the maxima within each input plane (int64, the
     * output's shape).
     */
    public ValuesIndices forwardWithIndices(Tensor input) {
        checkInput(input);
        int[] out = outputSize();
        switch (spatialDims()) {
            case 1: return input.adaptiveMaxPool1dWithIndices(out[0]);
            case 2: return input.adaptiveMaxPool2dWithIndices(out);
            default: return input.adaptiveMaxPool3dWithIndices(out);
        }
    }
}
