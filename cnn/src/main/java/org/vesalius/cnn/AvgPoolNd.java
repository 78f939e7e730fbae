package org.vesalius.cnn;

import org.vesalius.nn.Module;
import org.vesalius.tensor.Tensor;

/**
 * What the average pooling layers share (PyTorch's {@code _AvgPoolNd}): window, stride (the window
 * by default), zero padding, ceil mode, whether padding counts towards the divisor, and an optional
 * fixed divisor; no parameters.
 *
 * <p>Per spatial dim the output has {@code floor((in + 2 * padding - kernel) / stride) + 1} elements
 * ({@code ceil} in ceil mode, a window still starting inside the input or its left padding).
 */
public abstract class AvgPoolNd extends Module {
    private final int spatialDims;
    private final int[] kernelSize;
    private final int[] stride;
    private final int[] padding;
    private final boolean ceilMode;
    private final boolean countIncludePad;
    private final int divisorOverride;

    /**
     * @param kernelSize      one value for every spatial dim or one per dim
     * @param stride          likewise, or null for the kernel size
     * @param padding         zeros on both sides, at most half the kernel size
     * @param countIncludePad whether padded zeros count towards the divisor
     * @param divisorOverride divide by this instead of the window size, or 0 for the window size
     */
    protected AvgPoolNd(int spatialDims, int[] kernelSize, int[] stride, int[] padding, boolean ceilMode,
                        boolean countIncludePad, int divisorOverride) {
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
        if (divisorOverride < 0) {
            throw new IllegalArgumentException(layer + ": divisorOverride must be positive, or 0 for none; got "
                    + divisorOverride);
        }
        this.spatialDims = spatialDims;
        this.kernelSize = kernelSize.clone();
        this.stride = stride == null ? kernelSize.clone() : stride.clone();
        this.padding = padding.clone();
        this.ceilMode = ceilMode;
        this.countIncludePad = countIncludePad;
        this.divisorOverride = divisorOverride;
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

    /** Whether padded zeros count towards the divisor. */
    public boolean countIncludePad() {
        return countIncludePad;
    }

    /** The fixed divisor, or 0 when the window decides. */
    public int divisorOverride() {
        return divisorOverride;
    }

    /** The averaged input: {@code [N, C, *spatial]} (or {@code [C, *spatial]}) to {@code [N, C, *out]}. */
    @Override
    public Tensor forward(Tensor input) {
        Sizes.checkInput(this::toString, input.shape(), spatialDims, 0);
        switch (spatialDims) {
            case 1:
                return input.avgPool1d(kernelSize[0], stride[0], padding[0], ceilMode, countIncludePad, divisorOverride);
            case 2:
                return input.avgPool2d(kernelSize, stride, padding, ceilMode, countIncludePad, divisorOverride);
            default:
                return input.avgPool3d(kernelSize, stride, padding, ceilMode, countIncludePad, divisorOverride);
        }
    }

    /** As PyTorch prints it: {@code kernelSize=2, stride=2, padding=0}. */
    @Override
    protected String extraRepr() {
        return "kernelSize=" + Sizes.given(kernelSize) + ", stride=" + Sizes.given(stride) + ", padding="
                + Sizes.given(padding);
    }
}
