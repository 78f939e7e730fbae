package org.vesalius.cnn;

/**
 * 2-d average pooling, like {@code torch.nn.AvgPool2d}: input {@code [N, C, H, W]} (or unbatched
 * {@code [C, H, W]}), output {@code [N, C, Hout, Wout]}, each output the mean of its window; sizes and options
 * as in {@link AvgPoolNd}. No parameters.
 * <pre>{@code
 * var pool = new AvgPool2d(2);               // [64, 20, 24, 24] -> [64, 20, 12, 12]
 * }</pre>
 */
public class AvgPool2d extends AvgPoolNd {

    /** Windows of {@code kernelSize}, not overlapping (stride = kernel size). */
    public AvgPool2d(int kernelSize) {
        this(kernelSize, kernelSize);
    }

    /** Windows of {@code kernelSize} every {@code stride} elements, no padding. */
    public AvgPool2d(int kernelSize, int stride) {
        this(kernelSize, stride, 0, false, true);
    }

    /** The same window in each spatial dim; padding counts as zeros, and towards the divisor when {@code countIncludePad}. */
    public AvgPool2d(int kernelSize, int stride, int padding, boolean ceilMode, boolean countIncludePad) {
        super(2, new int[] {kernelSize}, new int[] {stride}, new int[] {padding}, ceilMode, countIncludePad, 0);
    }

    /**
     * Each window argument one value or one per spatial dim (height, width); a null stride means the kernel
     * size; a nonzero {@code divisorOverride} replaces the divisor.
     */
    public AvgPool2d(int[] kernelSize, int[] stride, int[] padding, boolean ceilMode, boolean countIncludePad,
                     int divisorOverride) {
        super(2, kernelSize, stride, padding, ceilMode, countIncludePad, divisorOverride);
    }
}
