package org.vesalius.cnn;

import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;

/**
 * 1-d transposed convolution (the gradient of a convolution with respect to its input, sometimes
 * called deconvolution), like {@code torch.nn.ConvTranspose1d}: input {@code [N, C, L]} (or unbatched
 * {@code [C, L]}) with C = {@code inChannels}, output {@code [N, O, L']} with O = {@code outChannels} and, per
 * spatial dim, {@code out = (in - 1) * stride - 2 * padding + dilation * (kernel - 1) + outputPadding + 1}.
 *
 * <p>Parameters {@code weight [inChannels, outChannels / groups, kL]} and {@code bias [outChannels]},
 * initialised as in PyTorch (see {@link ConvNd}). Sizes given as one number apply to every spatial dim.
 * <pre>{@code
 * var up = new ConvTranspose1d(64, 32, 2, 2, 0);   // [4, 64, 16] -> [4, 32, 32]
 * }</pre>
 */
public class ConvTranspose1d extends ConvNd {

    /** Stride 1, no padding, with bias, weights from the default generator. */
    public ConvTranspose1d(int inChannels, int outChannels, int kernelSize) {
        this(inChannels, outChannels, kernelSize, 1, 0);
    }

    /** With bias, weights from the default generator. */
    public ConvTranspose1d(int inChannels, int outChannels, int kernelSize, int stride, int padding) {
        this(inChannels, outChannels, kernelSize, stride, padding, Generator.defaultGenerator());
    }

    /** With bias, weights drawn from {@code generator}. */
    public ConvTranspose1d(int inChannels, int outChannels, int kernelSize, int stride, int padding, Generator generator) {
        this(inChannels, outChannels, new int[] {kernelSize}, new int[] {stride}, new int[] {padding}, new int[] {0}, 1,
                true, new int[] {1}, generator);
    }

    /** PyTorch's positional arguments up to {@code dilation}; weights from the default generator. */
    public ConvTranspose1d(int inChannels, int outChannels, int kernelSize, int stride, int padding, int outputPadding,
                           int groups, boolean bias, int dilation) {
        this(inChannels, outChannels, new int[] {kernelSize}, new int[] {stride}, new int[] {padding},
                new int[] {outputPadding}, groups, bias, new int[] {dilation}, Generator.defaultGenerator());
    }

    /**
     * Every option, in PyTorch's order; each size array holds one value for all spatial dims or one per dim.
     *
     * @param outputPadding added to one side of each output dim, smaller than the stride or the dilation
     * @param generator     draws the initial weight and bias
     */
    public ConvTranspose1d(int inChannels, int outChannels, int[] kernelSize, int[] stride, int[] padding,
                           int[] outputPadding, int groups, boolean bias, int[] dilation, Generator generator) {
        super(1, true, inChannels, outChannels, kernelSize, stride, padding, null, dilation, outputPadding, groups, bias,
                "zeros", generator);
    }

    /** {@code [N, C, L]} (or {@code [C, L]}) to {@code [N, O, L']} (or {@code [O, L']}). */
    @Override
    public Tensor forward(Tensor input) {
        return convolveTransposed(input, outputPadding());
    }

    /**
     * The transposed convolution to a requested spatial size ({@code outputSize} with or without the
     * batch and channel dims), which picks the output padding as PyTorch's {@code forward(input, output_size)}:
     * a strided convolution maps several input sizes to one output size, and this picks among them.
     *
     * @throws IllegalArgumentException when no output padding gives that size
     */
    public Tensor forward(Tensor input, int... outputSize) {
        return convolveTransposed(input, outputPaddingFor(input, outputSize));
    }
}
