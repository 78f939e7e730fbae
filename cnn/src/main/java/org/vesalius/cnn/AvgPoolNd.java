package org.vesalius.cnn;

import org.vesalius.tensor.Tensor;

/**
 * What the average pooling layers share (PyTorch's {@code _AvgPoolNd}): the window of
 * {@link PoolNd} with zero padding, whether padding counts towards the divisor, and an optional
 * fixed divisor.
 *
 * <p>Per spatial dim the output has {@code floor((in + 2 * padding - kernel) / stride) + 1} elements
 * ({@code ceil} in ceil mode, a window still starting inside the input or its left padding).
 */
public abstract class AvgPoolNd extends PoolNd {
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
        super(spatialDims, kernelSize, stride, padding, ceilMode);
        if (divisorOverride < 0) {
            throw new IllegalArgumentException(name() + ": divisorOverride must be positive, or 0 for none; got "
                    + divisorOverride);
        }
        this.countIncludePad = countIncludePad;
        this.divisorOverride = divisorOverride;
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
        checkInput(input);
        int[] k = kernelSize();
        int[] s = stride();
        int[] p = padding();
        switch (spatialDims()) {
            case 1: return input.avgPool1d(k[0], s[0], p[0], ceilMode(), countIncludePad, divisorOverride);
            case 2: return input.avgPool2d(k, s, p, ceilMode(), countIncludePad, divisorOverride);
            default: return input.avgPool3d(k, s, p, ceilMode(), countIncludePad, divisorOverride);
        }
    }
}
