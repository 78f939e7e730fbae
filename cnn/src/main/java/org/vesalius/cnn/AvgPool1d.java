package org.vesalius.cnn;

/**
 * 1-d average pooling, like {@code torch.nn.AvgPool1d}: input {@code [N, C, L]} (or unbatched
 * {@code [C, L]}), output {@code [N, C, Lout]}, each output the mean of its window; sizes and options
 * as in {@link AvgPoolNd}. No parameters.
 * <pre>{@code
 * var pool = new AvgPool1d(2);               // [64, 20, 24] -> [64, 20, 12]
 * }</pre>
 */
public class AvgPool1d extends AvgPoolNd {

    /** Windows of {@code kernelSize}, not overlapping (stride = kernel size). */
    public AvgPool1d(int kernelSize) {
        this(kernelSize, kernelSize);
    }

    /** Windows of {@code kernelSize} every {@code stride} elements, no padding. */
    public AvgPool1d(int kernelSize, int stride) {
        this(kernelSize, stride, 0, false, true);
    }

    /** The same window in each spatial dim; padding counts as zeros, and towards the divisor when {@code countIncludePad}. */
    public AvgPool1d(int kernelSize, int stride, int padding, boolean ceilMode, boolean countIncludePad) {
        super(1, new int[] {kernelSize}, new int[] {stride}, new int[] {padding}, ceilMode, countIncludePad, 0);
    }
}
