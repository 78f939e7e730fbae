package org.vesalius.cnn;

/**
 * 3-d average pooling, like {@code torch.nn.AvgPool3d}: input {@code [N, C, D, H, W]} (or unbatched
 * {@code [C, D, H, W]}), output {@code [N, C, Dout, Hout, Wout]}, each output the mean of its window; sizes and options
 * as in {@link AvgPoolNd}. No parameters.
 * <pre>{@code
 * var pool = new AvgPool3d(2);               // [2, 8, 16, 16, 16] -> [2, 8, 8, 8, 8]
 * }</pre>
 */
public class AvgPool3d extends AvgPoolNd {

    /** Windows of {@code kernelSize}, not overlapping (stride = kernel size). */
    public AvgPool3d(int kernelSize) {
        this(kernelSize, kernelSize);
    }

    /** Windows of {@code kernelSize} every {@code stride} elements, no padding. */
    public AvgPool3d(int kernelSize, int stride) {
        this(kernelSize, stride, 0, false, true);
    }

    /** The same window in each spatial dim; padding counts as zeros, and towards the divisor when {@code countIncludePad}. */
    public AvgPool3d(int kernelSize, int stride, int padding, boolean ceilMode, boolean countIncludePad) {
        super(3, new int[] {kernelSize}, new int[] {stride}, new int[] {padding}, ceilMode, countIncludePad, 0);
    }

    /**
     * Each window argument one value or one per spatial dim (depth, height, width); a null stride means the kernel
     * size; a nonzero {@code divisorOverride} replaces the divisor.
     */
    public AvgPool3d(int[] kernelSize, int[] stride, int[] padding, boolean ceilMode, boolean countIncludePad,
                     int divisorOverride) {
        super(3, kernelSize, stride, padding, ceilMode, countIncludePad, divisorOverride);
    }
}
