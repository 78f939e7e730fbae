package org.vesalius.cnn;

import org.vesalius.nn.Module;
import org.vesalius.tensor.Tensor;

/**
 * What the max and average pooling layers share: a window ({@code kernelSize}), its step
 * ({@code stride}, the window by default), padding of at most half the window on both sides, and
 * ceil mode; no parameters. Sizes are kept as given (one value for every spatial dim, or one per
 * dim), as PyTorch keeps and prints them.
 */
public abstract class PoolNd extends Module {
    private final int spatialDims;
    private final int[] kernelSize;
    private final int[] stride;
    private final int[] padding;
    private final boolean ceilMode;

    /**
     * @param kernelSize one value for every spatial dim or one per dim
     * @param stride     likewise, or null for the kernel size
     * @param padding    at most half the kernel size
     */
    protected PoolNd(int spatialDims, int[] kernelSize, int[] stride, int[] padding, boolean ceilMode) {
        String layer = name();
        int[] k = Sizes.expand(layer, "kernelSize", kernelSize, spatialDims, 1);
        if (stride != null) {
            Sizes.expand(layer, "stride", stride, spatialDims, 1);
        }
        int[] p = Sizes.expand(layer, "padding", padding, spatialDims, 0);
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
        this.ceilMode = ceilMode;
    }

    /** 1, 2 or 3. */
    protected int spatialDims() {
        return spatialDims;
    }

    /** The window, as given (a copy). */
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

    /** Whether output sizes round up. */
    public boolean ceilMode() {
        return ceilMode;
    }

    /** Throws a message naming this layer unless the input is {@code [N, C, *spatial]} or {@code [C, *spatial]}. */
    protected void checkInput(Tensor input) {
        Sizes.checkInput(this::toString, input.shape(), spatialDims, 0);
    }

    /** {@code kernelSize=2, stride=2, padding=0}, as PyTorch starts both poolings' printouts. */
    @Override
    protected String extraRepr() {
        return "kernelSize=" + Sizes.given(kernelSize) + ", stride=" + Sizes.given(stride) + ", padding="
                + Sizes.given(padding);
    }
}
