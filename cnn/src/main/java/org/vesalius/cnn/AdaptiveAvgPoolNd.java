package org.vesalius.cnn;

import org.vesalius.tensor.Tensor;

/**
 * What the adaptive average pooling layers share: each output averages its share of the input
 * ({@link AdaptivePoolNd}).
 */
public abstract class AdaptiveAvgPoolNd extends AdaptivePoolNd {

    /** @param outputSize one positive size for every spatial dim or one per dim */
    protected AdaptiveAvgPoolNd(int spatialDims, int[] outputSize) {
        super(spatialDims, outputSize);
    }

    /** {@code [N, C, *spatial]} (or {@code [C, *spatial]}) to {@code [N, C, *outputSize]}. */
    @Override
    public Tensor forward(Tensor input) {
        checkInput(input);
        int[] out = outputSize();
        switch (spatialDims()) {
            case 1: return input.adaptiveAvgPool1d(out[0]);
            case 2: return input.adaptiveAvgPool2d(out);
            default: return input.adaptiveAvgPool3d(out);
        }
    }
}
