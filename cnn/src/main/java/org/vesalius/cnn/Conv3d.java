package org.vesalius.cnn;

import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;

/**
 * 3-d convolution, like {@code torch.nn.Conv3d}: input {@code [N, C, D, H, W]} (or unbatched
 * {@code [C, D, H, W]}) with C = {@code inChannels}, output {@code [N, O, D', H', W']} with O = {@code outChannels}
 * and, per spatial dim, {@code out = floor((in + 2 * padding - dilation * (kernel - 1) - 1) / stride) + 1}
 * ({@code out = in} with {@code padding = "same"}).
 *
 * <p>Parameters {@code weight [outChannels, inChannels / groups, kD, kH, kW]} and {@code bias [outChannels]},
 * initialised as in PyTorch (see {@link ConvNd}). Sizes given as one number apply to every
 * spatial dim. Padding modes other than {@code zeros} pad the input with {@link Tensor#pad} first.
 * <pre>{@code
 * var conv = new Conv3d(1, 20, 5);           // [2, 1, 8, 8, 8] -> [2, 20, 4, 4, 4]
 * }</pre>
 */
public class Conv3d extends ConvNd {

    /** Stride 1, no padding, with bias, weights from the default generator. */
    public Conv3d(int inChannels, int outChannels, int kernelSize) {
        this(inChannels, outChannels, kernelSize, 1, 0);
    }

    /** With bias, weights from the default generator. */
    public Conv3d(int inChannels, int outChannels, int kernelSize, int stride, int padding) {
        this(inChannels, outChannels, kernelSize, stride, padding, Generator.defaultGenerator());
    }

    /** With bias, weights drawn from {@code generator}. */
    public Conv3d(int inChannels, int outChannels, int kernelSize, int stride, int padding, Generator generator) {
        this(inChannels, outChannels, new int[] {kernelSize}, new int[] {stride}, new int[] {padding}, new int[] {1}, 1, true,
                "zeros", generator);
    }

    /** PyTorch's positional arguments up to {@code bias}; zero padding, weights from the default generator. */
    public Conv3d(int inChannels, int outChannels, int kernelSize, int stride, int padding, int dilation, int groups,
                  boolean bias) {
        this(inChannels, outChannels, new int[] {kernelSize}, new int[] {stride}, new int[] {padding},
                new int[] {dilation}, groups, bias, "zeros", Generator.defaultGenerator());
    }

    /** Stride 1 and {@code padding} {@code "same"} (output as large as the input) or {@code "valid"} (none). */
    public Conv3d(int inChannels, int outChannels, int kernelSize, String padding) {
        this(inChannels, outChannels, new int[] {kernelSize}, new int[] {1}, padding, new int[] {1}, 1, true, "zeros",
                Generator.defaultGenerator());
    }

    /**
     * Every option; each size array holds one value for all spatial dims or one per dim.
     *
     * @param paddingMode {@code zeros}, {@code reflect}, {@code replicate} or {@code circular}
     * @param generator   draws the initial weight and bias
     */
    public Conv3d(int inChannels, int outChannels, int[] kernelSize, int[] stride, int[] padding, int[] dilation,
                  int groups, boolean bias, String paddingMode, Generator generator) {
        super(3, false, inChannels, outChannels, kernelSize, stride, padding, null, dilation, null, groups, bias,
                paddingMode, generator);
    }

    /** Every option, with {@code padding} {@code "same"} (stride 1 only) or {@code "valid"}. */
    public Conv3d(int inChannels, int outChannels, int[] kernelSize, int[] stride, String padding, int[] dilation,
                  int groups, boolean bias, String paddingMode, Generator generator) {
        super(3, false, inChannels, outChannels, kernelSize, stride, null, padding, dilation, null, groups, bias,
                paddingMode, generator);
    }

    /** {@code [N, C, D, H, W]} (or {@code [C, D, H, W]}) to {@code [N, O, D', H', W']} (or {@code [O, D', H', W']}). */
    @Override
    public Tensor forward(Tensor input) {
        return convolve(input);
    }
}
