package org.vesalius.cnn;

import org.vesalius.nn.Module;
import org.vesalius.tensor.Tensor;
import org.vesalius.tensor.ValuesIndices;

/**
 * What the max pooling layers share (PyTorch's {@code _MaxPoolNd}): window, stride (the window by
 * default), padding (counted as -infinity), dilation and ceil mode; no parameters.
 *
 * <p>Per spatial dim the output has
 * {@code floor((in + 2 * padding - dilation * (kernel - 1) - 1) / stride) + 1} elements, with
 * {@code ceil} instead of {@code floor} in ceil mode (a window must still start inside the input or
 * its left padding). PyTorch's {@code return_indices=True} is {@link #forwardWithIndices}, since
 * {@link #forward} returns one tensor.
 */
public abstract class MaxPoolNd extends Module {
    private final int spatialDims;
    private final int[] kernelSize;
    private final int[] stride;
    private final int[] padding;
    private final int[] dilation;
    private final boolean ceilMode;

    /**
     * @param kernelSize one value for every spatial dim or one per dim
     * @param stride     likewise, or null for the kernel size
     * @param padding    at most half the kernel size
     */
    protected MaxPoolNd(int spatialDims, int[] kernelSize, int[] stride, int[] padding, int[] dilation, boolean ceilMode) {
        String layer = name();
        int[] k = Sizes.expand(layer, "kernelSize", kernelSize, spatialDims, 1);
        int[] s = stride == null ? k : Sizes.expand(layer, "stride", stride, spatialDims, 1);
        int[] p = Sizes.expand(layer, "padding", padding, spatialDims, 0);
        Sizes.expand(layer, "dilation", dilation, spatialDims, 1);
        for (int d = 0; d < spatialDims; d++) {
            if (2 * p[d] > k[d]) {
                throw new IllegalArgumentException(layer + ": padding should be at most half of the kernel size, got padding "
                        + Sizes.given(padding) + " for kernelSize " + Sizes.given(kernelSize));
            }
        }
        this.spatialDims = spatialDims;
        this.kernelSize = kernelSize.clone();
        this.stride = stride == null ? kernelSize.clone() : stride.clone();
        this.padding = padding.clone();
        this.dilation = dilation.clone();
        this.ceilMode = ceilMode;
    }

    /** The window, as given (one value or one per dim; a copy). */
    public int[] kernelSize() {
        return kernelSize.clone();
    }

    /** The stride, as given (the kernel size when none was; a copy). */
    public int[] stride() {
        return stride.clone();
    }

    /** The padding, as given (a copy). */
    public int[] padding() {
        return padding.clone();
    }

    /** The dilation, as given (a copy). */
    public int[] dilation() {
        return dilation.clone();
    }

    /** Whether output sizes round up. */
    public boolean ceilMode() {
        return ceilMode;
    }

    /** The pooled input: {@code [N, C, *spatial]} (or {@code [C, *spatial]}) to {@code [N, C, *out]}. */
    @Override
    public Tensor forward(Tensor input) {
        Sizes.checkInput(this::toString, input.shape(), spatialDims, 0);
        switch (spatialDims) {
            case 1: return input.maxPool1d(kernelSize[0], stride[0], padding[0], dilation[0], ceilMode);
            case 2: return input.maxPool2d(kernelSize, stride, padding, dilation, ceilMode);
            default: return input.maxPool3d(kernelSize, stride, padding, dilation, ceilMode);
        }
    }

    /**
     * The pooled input and, for each output, the flat position of its maximum within the input's
     * spatial plane (int64, the output's shape), as PyTorch's {@code return_indices=True}.
     */
    public ValuesIndices forwardWithIndices(Tensor input) {
        Sizes.checkInput(this::toString, input.shape(), spatialDims, 0);
        switch (spatialDims) {
            case 1: return input.maxPool1dWithIndices(kernelSize[0], stride[0], padding[0], dilation[0], ceilMode);
            case 2: return input.maxPool2dWithIndices(kernelSize, stride, padding, dilation, ceilMode);
            default: return input.maxPool3dWithIndices(kernelSize, stride, padding, dilation, ceilMode);
        }
    }

    /** As PyTorch prints it: {@code kernelSize=2, stride=2, padding=0, dilation=1, ceilMode=false}. */
    @Override
    protected String extraRepr() {
        return "kernelSize=" + Sizes.given(kernelSize) + ", stride=" + Sizes.given(stride) + ", padding="
                + Sizes.given(padding) + ", dilation=" + Sizes.given(dilation) + ", ceilMode=" + ceilMode;
    }
}
