package org.vesalius.cnn;

import org.vesalius.tensor.Tensor;
import org.vesalius.tensor.ValuesIndices;

/**
 * What the max pooling layers share (PyTorch's {@code _MaxPoolNd}): the window of {@link PoolNd},
 * padding counted as -infinity, and a dilation between taps.
 *
 * <p>Per spatial dim the output has
 * {@code floor((in + 2 * padding - dilation * (kernel - 1) - 1) / stride) + 1} elements, with
 * {@code ceil} instead of {@code floor} in ceil mode (a window must still start inside the input or
 * its left padding). PyTorch's {@code return_indices=True} is {@link #forwardWithIndices}, since
 * {@link #forward} returns one tensor.
 */
public abstract class MaxPoolNd extends PoolNd {
    private final int[] dilation;

    /**
     * @param kernelSize one value for every spatial dim or one per dim
     * @param stride     likewise, or null for the kernel size
     * @param padding    at most half the kernel size
     * @param dilation   spacing of the taps, at least 1
     */
    protected MaxPoolNd(int spatialDims, int[] kernelSize, int[] stride, int[] padding, int[] dilation, boolean ceilMode) {
        super(spatialDims, kernelSize, stride, padding, ceilMode);
        Sizes.expand(name(), "dilation", dilation, spatialDims, 1);
        this.dilation = dilation.clone();
    }

    /** The dilation, as given (a copy). */
    public int[] dilation() {
        return dilation.clone();
    }

    /** The pooled input: {@code [N, C, *spatial]} (or {@code [C, *spatial]}) to {@code [N, C, *out]}. */
    @Override
    public Tensor forward(Tensor input) {
        checkInput(input);
        int[] k = kernelSize();
        int[] s = stride();
        int[] p = padding();
        switch (spatialDims()) {
            case 1: return input.maxPool1d(k[0], s[0], p[0], dilation[0], ceilMode());
            case 2: return input.maxPool2d(k, s, p, dilation, ceilMode());
            default: return input.maxPool3d(k, s, p, dilation, ceilMode());
        }
    }

    /**
     * The pooled input and, for each output, the flat position of its maximum within the input's
     * spatial plane (int64, the output's shape), as PyTorch's {@code return_indices=True}.
     */
    public ValuesIndices forwardWithIndices(Tensor input) {
        checkInput(input);
        int[] k = kernelSize();
        int[] s = stride();
        int[] p = padding();
        switch (spatialDims()) {
            case 1: return input.maxPool1dWithIndices(k[0], s[0], p[0], dilation[0], ceilMode());
            case 2: return input.maxPool2dWithIndices(k, s, p, dilation, ceilMode());
            default: return input.maxPool3dWithIndices(k, s, p, dilation, ceilMode());
        }
    }

    /** As PyTorch prints it: {@code kernelSize=2, stride=2, padding=0, dilation=1, ceilMode=false}. */
    @Override
    protected String extraRepr() {
        return super.extraRepr() + ", dilation=" + Sizes.given(dilation) + ", ceilMode=" + ceilMode();
    }
}
