package org.vesalius.cnn;

/**
 * 2-d max pooling, like {@code torch.nn.MaxPool2d}: input {@code [N, C, H, W]} (or unbatched
 * {@code [C, H, W]}), output {@code [N, C, Hout, Wout]}, each output the maximum of its window; sizes and
 * options as in {@link MaxPoolNd}. No parameters.
 * <pre>{@code
 * var pool = new MaxPool2d(2);               // [64, 20, 24, 24] -> [64, 20, 12, 12]
 * }</pre>
 */
public class MaxPool2d extends MaxPoolNd {

    /** Windows of {@code kernelSize}, not overlapping (stride = kernel size). */
    public MaxPool2d(int kernelSize) {
        this(kernelSize, kernelSize);
    }

    /** Windows of {@code kernelSize} every {@code stride} elements, no padding. */
    public MaxPool2d(int kernelSize, int stride) {
        this(kernelSize, stride, 0, 1, false);
    }

    /** Every option, the same in each spatial dim; padding counts as -infinity. */
    public MaxPool2d(int kernelSize, int stride, int padding, int dilation, boolean ceilMode) {
        super(2, new int[] {kernelSize}, new int[] {stride}, new int[] {padding}, new int[] {dilation}, ceilMode);
    }

    /** Each argument one value or one per spatial dim (height, width); a null stride means the kernel size. */
    public MaxPool2d(int[] kernelSize, int[] stride, int[] padding, int[] dilation, boolean ceilMode) {
        super(2, kernelSize, stride, padding, dilation, ceilMode);
    }
}
