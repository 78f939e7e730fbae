package org.vesalius.backend;

import java.util.Arrays;

/**
 * The window of a pooling kernel over 1, 2 or 3 spatial dims (depth, height, width order, as the
 * tensor's trailing dims): kernel size, stride, padding and dilation per dim, and for average pooling
 * how the divisor is chosen.
 *
 * <p>Core validates the values and computes the output size (ceil mode only changes that size), so a
 * kernel reads the output's spatial sizes from the output tensor and needs nothing else.
 */
public final class PoolParams {
    private final int[] kernel;
    private final int[] stride;
    private final int[] padding;
    private final int[] dilation;
    private final boolean countIncludePad;
    private final int divisorOverride;

    /**
     * @param kernel          window size per spatial dim (1 to 3 entries)
     * @param stride          step per dim, same length
     * @param padding         implicit padding on both sides per dim (max pooling pads with -infinity,
     *                        average pooling with zeros)
     * @param dilation        spacing between window taps per dim (1 for average pooling)
     * @param countIncludePad average pooling: divide by the window size including padding
     * @param divisorOverride average pooling: divide by this instead, when nonzero
     */
    public PoolParams(int[] kernel, int[] stride, int[] padding, int[] dilation, boolean countIncludePad,
                      int divisorOverride) {
        int n = kernel.length;
        if (n < 1 || n > 3 || stride.length != n || padding.length != n || dilation.length != n) {
            throw new IllegalArgumentException("PoolParams: kernel, stride, padding and dilation need 1 to 3 entries each, "
                    + "all the same length; got kernel " + Arrays.toString(kernel) + ", stride " + Arrays.toString(stride)
                    + ", padding " + Arrays.toString(padding) + ", dilation " + Arrays.toString(dilation));
        }
        this.kernel = kernel.clone();
        this.stride = stride.clone();
        this.padding = padding.clone();
        this.dilation = dilation.clone();
        this.countIncludePad = countIncludePad;
        this.divisorOverride = divisorOverride;
    }

    /** Number of spatial dims (1, 2 or 3). */
    public int spatialDims() {
        return kernel.length;
    }

    /** Window size in spatial dim {@code d} (0 is the first spatial dim). */
    public int kernel(int d) {
        return kernel[d];
    }

    /** Step between windows in spatial dim {@code d}. */
    public int stride(int d) {
        return stride[d];
    }

    /** Implicit padding on each side of spatial dim {@code d}. */
    public int padding(int d) {
        return padding[d];
    }

    /** Spacing between taps of a window in spatial dim {@code d} (1: adjacent). */
    public int dilation(int d) {
        return dilation[d];
    }

    /** Average pooling: whether padded positions count towards the divisor. */
    public boolean countIncludePad() {
        return countIncludePad;
    }

    /** Average pooling: the fixed divisor, or 0 when the window size decides. */
    public int divisorOverride() {
        return divisorOverride;
    }

    @Override
    public String toString() {
        return "PoolParams{kernel=" + Arrays.toString(kernel) + ", stride=" + Arrays.toString(stride)
                + ", padding=" + Arrays.toString(padding) + ", dilation=" + Arrays.toString(dilation)
                + ", countIncludePad=" + countIncludePad + ", divisorOverride=" + divisorOverride + "}";
    }
}
