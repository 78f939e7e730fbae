package org.vesalius.cnn;

import org.vesalius.nn.Module;
import org.vesalius.tensor.Tensor;

/**
 * What the adaptive pooling layers share: a fixed output size whatever the input size. Output
 * {@code i} of a dim of input size {@code L} pools the inputs
 * {@code [floor(i * L / out), ceil((i + 1) * L / out))}. No parameters.
 */
public abstract class AdaptivePoolNd extends Module {
    private final int spatialDims;
    private final int[] outputSize;

    /** @param outputSize one positive size for every spatial dim or one per dim */
    protected AdaptivePoolNd(int spatialDims, int[] outputSize) {
        Sizes.expand(name(), "outputSize", outputSize, spatialDims, 1);
        this.spatialDims = spatialDims;
        this.outputSize = outputSize.clone();
    }

    /** 1, 2 or 3. */
    protected int spatialDims() {
        return spatialDims;
    }

    /** The output's spatial size, as given (a copy). */
    public int[] outputSize() {
        return outputSize.clone();
    }

    /** Throws a message naming this layer unless the input is {@code [N, C, *spatial]} or {@code [C, *spatial]}. */
    protected void checkInput(Tensor input) {
        Sizes.checkInput(this::toString, input.shape(), spatialDims, 0);
    }

    @Override
    protected String extraRepr() {
        return "outputSize=" + Sizes.given(outputSize);
    }
}
