package org.vesalius.cnn;

/**
 * 1-d max pooling, like {@code torch.nn.MaxPool1d}: input {@code [N, C, L]} (or unbatched
 * {@code [C, L]}), output {@code [N, C, Lout]}, each output the maximum of its window; sizes and
 * options as in {@link MaxPoolNd}. No parameters.
 * <pre>{@code
 * var pool = new MaxPool1d(2);               // [64, 20, 24] -> [64, 20, 12]
 * }</pre>
 */
public class MaxPool1d extends MaxPoolNd {

    /** Windows of {@code kernelSize}, not overlapping (stride = kernel size). */
    public MaxPool1d(int kernelSize) {
        this(kernelSize, kernelSize);
    }

    /** Windows of {@code kernelSize} every {@code stride} elements, no padding. */
    public MaxPool1d(int kernelSize, int stride) {
        this(kernelSize, stride, 0, 1, false);
    }

    /** Every option, the same in each spatial dim; padding counts as -infinity. */
    public MaxPool1d(int kernelSize, int stride, int padding, int dilation, boolean ceilMode) {
        super(1, new int[] {kernelSize}, new int[] {stride}, new int[] {padding}, new int[] {dilation}, ceilMode);
    }
}
