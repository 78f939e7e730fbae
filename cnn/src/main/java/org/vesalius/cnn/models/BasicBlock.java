package org.vesalius.cnn.models;

import org.vesalius.cnn.ConvNd;
import org.vesalius.nn.Module;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;

/**
 * ResNet-18/34's residual block, like torchvision's {@code BasicBlock}: conv 3×3 (stride) → batch norm →
 * ReLU → conv 3×3 → batch norm, plus the input (through {@code downsample} when the stride or the
 * channel count changes), then ReLU. Input {@code [N, inPlanes, *spatial]}, output
 * {@code [N, planes, *ceil(spatial / stride)]}.
 *
 * <p>State-dict keys as torchvision's: {@code conv1.weight}, {@code bn1.*}, {@code conv2.weight},
 * {@code bn2.*} and, when present, {@code downsample.0.weight} (a 1×1 convolution) and
 * {@code downsample.1.*} (its batch norm). Convolutions have no bias.
 */
public class BasicBlock extends Module {
    /** Output channels per {@code planes}. */
    public static final int EXPANSION = 1;

    private final ConvNd conv1;
    private final Module bn1;
    private final ConvNd conv2;
    private final Module bn2;
    private final Module downsample;

    /**
     * @param spatialDims 2 or 3
     * @param inPlanes    channels of the input
     * @param planes      channels of the output
     * @param stride      the first convolution's stride (2 halves every spatial size)
     * @param generator   draws the convolutions' weights (torchvision's Kaiming normal, fan-out)
     */
    public BasicBlock(int spatialDims, int inPlanes, int planes, int stride, Generator generator) {
        Dims.check("BasicBlock", spatialDims);
        Dims.positive("BasicBlock", "inPlanes, planes and stride", inPlanes, planes, stride);
        conv1 = registerModule("conv1", ResNet.conv(spatialDims, inPlanes, planes, 3, stride, generator));
        bn1 = registerModule("bn1", Dims.batchNorm(spatialDims, planes));
        conv2 = registerModule("conv2", ResNet.conv(spatialDims, planes, planes, 3, 1, generator));
        bn2 = registerModule("bn2", Dims.batchNorm(spatialDims, planes));
        downsample = registerModule("downsample", ResNet.downsample(spatialDims, inPlanes, planes * EXPANSION, stride,
                generator));
    }

    /** {@code [N, inPlanes, *spatial]} to {@code [N, planes, *ceil(spatial / stride)]}. */
    @Override
    public Tensor forward(Tensor x) {
        Tensor out = bn1.forward(conv1.forward(x)).relu();
        out = bn2.forward(conv2.forward(out));
        Tensor identity = downsample == null ? x : downsample.forward(x);
        return out.add(identity).relu();
    }
}
