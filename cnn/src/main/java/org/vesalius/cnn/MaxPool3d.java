package org.vesalius.cnn;

/**
 * 3-d max pooling, like {@code torch.nn.MaxPool3d}: input {@code [N, C, D, H, W]} (or unbatched
 * {@code [C, D, H, W]}), output {@code [N, C, Dout, Hout, Wout]}, each output the maximum of its window; sizes and
 * options as in {@link MaxPoolNd}. No parameters.
 * <pre>{@code
 * var pool = new MaxPool3d(2);               // [2, 8, 16, 16, 16] -> [2, 8, 8, 8, 8]
 * }</pre>
 */
public class MaxPool3d extends MaxPoolNd {

    /** Windows of {@code kernelSize}, not overlapping (stride = kernel size). */
    public MaxPool3d(int kernelSize) {
        this(kernelSize, kernelSize);
    }

    /** Windows of {@code kernelSize} every {@code stride} elements, no padding. */
    public MaxPool3d(int kernelSize, int stride) {
        this(kernelSize, stride, 0, 1, false);
    }

    /** Every option, the same in each spatial dim; padding counts as -infinity. */
    public MaxPool3d(int kernelSize, int stride, int padding, int dilation, boolean ceilMode) {
        super(3, new int[] {kernelSize}, new int[] {stride}, new int[] {padding}, new int[] {dilation}, ceilMode);
    }

    /** Each argument one value or one per spatial dim (depth, height, width); a null stride means the kernel size. */
    public MaxPool3d(int[] kernelSize, int[] stride, int[] padding, int[] dilation, boolean ceilMode) {
        super(3, kernelSize, stride, padding, dilation, ceilMode);
    }
}
