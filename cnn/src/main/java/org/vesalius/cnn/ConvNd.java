package org.vesalius.cnn;

import java.util.Arrays;
import org.vesalius.nn.Init;
import org.vesalius.nn.Module;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;

/**
 * What the convolution layers share (PyTorch's {@code _ConvNd}): the configuration, the parameters
 * and their initialisation, argument checks and the printout.
 *
 * <p>Parameters, named as PyTorch names them: {@code weight} of shape
 * {@code [outChannels, inChannels / groups, *kernelSize]} for a convolution and
 * {@code [inChannels, outChannels / groups, *kernelSize]} for a transposed one, and {@code bias}
 * {@code [outChannels]} (absent without bias). Both are drawn as PyTorch draws them: the weight by
 * Kaiming uniform with {@code a = sqrt(5)} (bound {@code 1 / sqrt(fanIn)}), the bias uniform in
 * {@code ±1 / sqrt(fanIn)}, where {@code fanIn = weight.size(1) * prod(kernelSize)}.
 */
public abstract class ConvNd extends Module {
    private static final java.util.List<String> PADDING_MODES = java.util.List.of("zeros", "reflect", "replicate",
            "circular");

    private final int spatialDims;
    private final int inChannels;
    private final int outChannels;
    private final int[] kernelSize;
    private final int[] stride;
    private final int[] padding;
    private final String paddingString;
    private final int[] dilation;
    private final int[] outputPadding;
    private final int groups;
    private final String paddingMode;
    /** F.pad's (before, after) pairs from the last dim, for the non-zero padding modes. */
    private final int[] reversedPadding;

    /**
     * Checks the configuration and registers the parameters.
     *
     * @param spatialDims    1, 2 or 3
     * @param transposed     whether this is a transposed convolution
     * @param padding        zeros on both sides per dim (1 or {@code spatialDims} values), or null when
     *                       {@code paddingString} is given
     * @param paddingString  {@code "same"} or {@code "valid"}, or null
     * @param outputPadding  transposed only: extra size on one side of the output (1 or spatialDims values)
     * @param paddingMode    {@code zeros}, {@code reflect}, {@code replicate} or {@code circular}
     *                       (transposed convolutions: {@code zeros} only)
     * @param generator      draws the initial weights
     */
    protected ConvNd(int spatialDims, boolean transposed, int inChannels, int outChannels, int[] kernelSize, int[] stride,
                     int[] padding, String paddingString, int[] dilation, int[] outputPadding, int groups, boolean bias,
                     String paddingMode, Generator generator) {
        String layer = name();
        if (inChannels <= 0 || outChannels <= 0) {
            throw new IllegalArgumentException(layer + ": inChannels and outChannels must be positive, got " + inChannels
                    + " and " + outChannels);
        }
        if (groups <= 0) {
            throw new IllegalArgumentException(layer + ": groups must be positive, got " + groups);
        }
        if (inChannels % groups != 0 || outChannels % groups != 0) {
            throw new IllegalArgumentException(layer + ": inChannels (" + inChannels + ") and outChannels (" + outChannels
                    + ") must both be divisible by groups (" + groups + ")");
        }
        this.spatialDims = spatialDims;
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernelSize = Sizes.expand(layer, "kernelSize", kernelSize, spatialDims, 1);
        this.stride = Sizes.expand(layer, "stride", stride, spatialDims, 1);
        this.dilation = Sizes.expand(layer, "dilation", dilation, spatialDims, 1);
        this.groups = groups;
        if (paddingString != null) {
            if (!paddingString.equals("same") && !paddingString.equals("valid")) {
                throw new IllegalArgumentException(layer + ": padding must be \"same\", \"valid\" or sizes, got \""
                        + paddingString + "\"");
            }
            if (paddingString.equals("same") && !Sizes.all(this.stride, 1)) {
                throw new IllegalArgumentException(layer + ": padding=\"same\" is not supported for strided convolutions "
                        + "(stride " + Sizes.tuple(this.stride) + "); give the padding as sizes");
            }
            this.padding = null;
        } else {
            this.padding = Sizes.expand(layer, "padding", padding, spatialDims, 0);
        }
        this.paddingString = paddingString;
        this.outputPadding = transposed ? Sizes.expand(layer, "outputPadding", outputPadding, spatialDims, 0)
                : new int[spatialDims];
        if (transposed) {
            for (int d = 0; d < spatialDims; d++) {
                if (this.outputPadding[d] >= this.stride[d] && this.outputPadding[d] >= this.dilation[d]) {
                    throw new IllegalArgumentException(layer + ": outputPadding " + Sizes.tuple(this.outputPadding)
                            + " must be smaller than either stride " + Sizes.tuple(this.stride) + " or dilation "
                            + Sizes.tuple(this.dilation) + " in each dim");
                }
            }
            if (paddingString != null) {
                throw new IllegalArgumentException(layer + ": padding must be sizes for a transposed convolution, got \""
                        + paddingString + "\"");
            }
        }
        if (!PADDING_MODES.contains(paddingMode)) {
            throw new IllegalArgumentException(layer + ": paddingMode must be one of " + PADDING_MODES + ", got '"
                    + paddingMode + "'");
        }
        if (transposed && !paddingMode.equals("zeros")) {
            throw new IllegalArgumentException(layer + ": only paddingMode 'zeros' is supported, got '" + paddingMode + "'");
        }
        this.paddingMode = paddingMode;
        this.reversedPadding = reversedPadding();

        int[] wShape = new int[spatialDims + 2];
        wShape[0] = transposed ? inChannels : outChannels;
        wShape[1] = transposed ? outChannels / groups : inChannels / groups;
        System.arraycopy(this.kernelSize, 0, wShape, 2, spatialDims);
        registerParameter("weight", Tensor.empty(wShape));
        registerParameter("bias", bias ? Tensor.empty(outChannels) : null);
        resetParameters(generator);
    }

    /** PyTorch's {@code _reversed_padding_repeated_twice}: "same" puts the odd extra element at the end. */
    private int[] reversedPadding() {
        int[] r = new int[2 * spatialDims];
        for (int d = 0; d < spatialDims; d++) {
            int before;
            int after;
            if (padding != null) {
                before = padding[d];
                after = padding[d];
            } else if (paddingString.equals("same")) {
                int total = dilation[d] * (kernelSize[d] - 1);
                before = total / 2;
                after = total - before;
            } else {
                before = 0;
                after = 0;
            }
            int i = 2 * (spatialDims - 1 - d);
            r[i] = before;
            r[i + 1] = after;
        }
        return r;
    }

    /** Re-draws weight and bias with PyTorch's default initialisation from {@code generator}. */
    public void resetParameters(Generator generator) {
        Init.kaimingUniform_(weight(), Math.sqrt(5), Init.FanMode.FAN_IN, "leaky_relu", generator);
        if (bias() != null) {
            double bound = 1 / Math.sqrt(Init.fanIn(weight()));
            Init.uniform_(bias(), -bound, bound, generator);
        }
    }

    /**
     * The weight: {@code [outChannels, inChannels / groups, *kernelSize]}, for a transposed
     * convolution {@code [inChannels, outChannels / groups, *kernelSize]}.
     */
    public Tensor weight() {
        return getParameter("weight");
    }

    /** The bias {@code [outChannels]}, or null without bias. */
    public Tensor bias() {
        return getParameter("bias");
    }

    /** Channels of the input. */
    public int inChannels() {
        return inChannels;
    }

    /** Channels of the output. */
    public int outChannels() {
        return outChannels;
    }

    /** Kernel size per spatial dim (a copy). */
    public int[] kernelSize() {
        return kernelSize.clone();
    }

    /** Stride per spatial dim (a copy). */
    public int[] stride() {
        return stride.clone();
    }

    /** Padding per spatial dim (a copy), or null when given as {@code "same"} or {@code "valid"}. */
    public int[] padding() {
        return padding == null ? null : padding.clone();
    }

    /** Dilation per spatial dim (a copy). */
    public int[] dilation() {
        return dilation.clone();
    }

    /** Number of channel groups. */
    public int groups() {
        return groups;
    }

    /** How the input is padded: {@code zeros}, {@code reflect}, {@code replicate} or {@code circular}. */
    public String paddingMode() {
        return paddingMode;
    }

    /** Transposed convolutions: the extra output size per spatial dim (a copy); zeros otherwise. */
    public int[] outputPadding() {
        return outputPadding.clone();
    }

    /** Throws a message naming this layer's expected input unless the shape and channel count fit. */
    protected void checkInput(Tensor input) {
        Sizes.checkInput(this::toString, input.shape(), spatialDims, inChannels);
    }

    /** The convolution, padding first unless the mode is zeros. */
    protected Tensor convolve(Tensor input) {
        checkInput(input);
        Tensor w = weight();
        Tensor b = bias();
        if (!paddingMode.equals("zeros")) {
            Tensor x = Sizes.all(reversedPadding, 0) ? input : input.pad(reversedPadding, paddingMode);
            int[] none = new int[spatialDims];
            return convolve(x, w, b, none);
        }
        if (paddingString != null) {
            switch (spatialDims) {
                case 1: return input.conv1d(w, b, stride, paddingString, dilation, groups);
                case 2: return input.conv2d(w, b, stride, paddingString, dilation, groups);
                default: return input.conv3d(w, b, stride, paddingString, dilation, groups);
            }
        }
        return convolve(input, w, b, padding);
    }

    private Tensor convolve(Tensor x, Tensor w, Tensor b, int[] pad) {
        switch (spatialDims) {
            case 1: return x.conv1d(w, b, stride, pad, dilation, groups);
            case 2: return x.conv2d(w, b, stride, pad, dilation, groups);
            default: return x.conv3d(w, b, stride, pad, dilation, groups);
        }
    }

    /** The transposed convolution with the given output padding. */
    protected Tensor convolveTransposed(Tensor input, int[] outPad) {
        checkInput(input);
        Tensor w = weight();
        Tensor b = bias();
        switch (spatialDims) {
            case 1: return input.convTranspose1d(w, b, stride, padding, outPad, groups, dilation);
            case 2: return input.convTranspose2d(w, b, stride, padding, outPad, groups, dilation);
            default: return input.convTranspose3d(w, b, stride, padding, outPad, groups, dilation);
        }
    }

    /**
     * PyTorch's {@code _output_padding}: the output padding that makes a transposed convolution of
     * {@code input} produce the spatial size {@code outputSize} (given with or without the batch and
     * channel dims).
     */
    protected int[] outputPaddingFor(Tensor input, int[] outputSize) {
        checkInput(input);
        int[] shape = input.shape();
        int nonSpatial = shape.length - spatialDims;
        int[] size = outputSize;
        if (size.length == nonSpatial + spatialDims) {
            size = Arrays.copyOfRange(size, nonSpatial, size.length);
        }
        if (size.length != spatialDims) {
            throw new IllegalArgumentException(toString() + ": outputSize must have " + spatialDims + " or "
                    + (nonSpatial + spatialDims) + " elements (got " + outputSize.length + ")");
        }
        int[] res = new int[spatialDims];
        for (int d = 0; d < spatialDims; d++) {
            int min = (shape[nonSpatial + d] - 1) * stride[d] - 2 * padding[d] + dilation[d] * (kernelSize[d] - 1) + 1;
            int max = min + stride[d] - 1;
            if (size[d] < min || size[d] > max) {
                throw new IllegalArgumentException(toString() + ": requested an output size of " + Arrays.toString(size)
                        + ", but valid sizes in spatial dim " + d + " range from " + min + " to " + max
                        + " (for an input of " + Arrays.toString(Arrays.copyOfRange(shape, nonSpatial, shape.length)) + ")");
            }
            res[d] = size[d] - min;
        }
        return res;
    }

    /** As PyTorch prints it: {@code 1, 20, kernelSize=(5, 5), stride=(1, 1)}, then what differs from the defaults. */
    @Override
    protected String extraRepr() {
        StringBuilder s = new StringBuilder();
        s.append(inChannels).append(", ").append(outChannels).append(", kernelSize=").append(Sizes.tuple(kernelSize))
                .append(", stride=").append(Sizes.tuple(stride));
        if (paddingString != null) {
            s.append(", padding=").append(paddingString);
        } else if (!Sizes.all(padding, 0)) {
            s.append(", padding=").append(Sizes.tuple(padding));
        }
        if (!Sizes.all(dilation, 1)) {
            s.append(", dilation=").append(Sizes.tuple(dilation));
        }
        if (!Sizes.all(outputPadding, 0)) {
            s.append(", outputPadding=").append(Sizes.tuple(outputPadding));
        }
        if (groups != 1) {
            s.append(", groups=").append(groups);
        }
        if (bias() == null) {
            s.append(", bias=false");
        }
        if (!paddingMode.equals("zeros")) {
            s.append(", paddingMode=").append(paddingMode);
        }
        return s.toString();
    }
}
