package org.vesalius.cnn.models;

import org.vesalius.cnn.ConvNd;
import org.vesalius.nn.Module;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;

/**
 * ResNet-50's residual block, like torchvision's {@code Bottleneck} (ResNet v1.5: the stride is on the
 * 3×3 convolution): conv 1×1 → BN → ReLU → conv 3×3 (stride) → BN → ReLU → conv 1×1 to
 * {@code 4 * planes} → BN, plus the input (through {@code downsample} when the stride or the channel
 * count changes), then ReLU. Input {@code [N, inPlanes, *spatial]}, output
 * {@code [N, 4 * planes, *ceil(spatial / stride)]}.
 *
 * <p>State-dict keys as torchvision's: {@code conv1.weight}, {@code bn1.*}, {@code conv2.weight},
 * {@code bn2.*}, {@code conv3.weight}, {@code bn3.*} and, when present, {@code downsample.0.weight},
 * {@code downsample.1.*}. Convolutions have no bias.
 */
public class Bottleneck extends Module {
    /** Output channels per {@code planes}. */
    public static final int EXPANSION = 4;

    private final ConvNd conv1;
    private final Module bn1;
    private final ConvNd conv2;
    private final Module bn2;
    private final ConvNd conv3;
    private final Module bn3;
    private final Module downsample;

    /**
     * @param spatialDims 2 or 3
     * @param inPlanes    channels of the input
     * @param planes      channels of the inner convolutions; the output has {@code 4 * planes}
     * @param stride      the 3×3 convolution's stride
     * @param generator   draws the convolutions' weights (torchvision's Kaiming normal, fan-out)
     */
    public Bottleneck(int spatialDims, int inPlanes, int planes, int stride, Generator generator) {
        Dims.check("Bottleneck", spatialDims);
        Dims.positive("Bottleneck", "inPlanes, planes and stride", inPlanes, planes, stride);
        conv1 = registerModule("conv1", ResNet.conv(spatialDims, inPlanes, planes, 1, 1, generator));
        bn1 = registerModule("bn1", Dims.batchNorm(spatialDims, planes));
        conv2 = registerModule("conv2", ResNet.conv(spatialDims, planes, planes, 3, stride, generator));
        bn2 = registerModule("bn2", Dims.batchNorm(spatialDims, planes));
        conv3 = registerModule("conv3", ResNet.conv(spatialDims, planes, planes * EXPANSION, 1, 1, generator));
        bn3 = registerModule("bn3", Dims.batchNorm(spatialDims, planes * EXPANSION));
        downsample = registerModule("downsample", ResNet.downsample(spatialDims, inPlanes, planes * EXPANSION, stride,
                generator));
    }

    /** {@code [N, inPlanes, *spatial]} to {@code [N, 4 * planes, *ceil(spatial / stride)]}. */
    @Override
    public Tensor forward(Tensor x) {
        Tensor out = bn1.forward(conv1.forward(x)).relu();
        out = bn2.forward(conv2.forward(out)).relu();
        out = bn3.forward(conv3.forward(out));
        Tensor identity = downsample == null ? x : downsample.forward(x);
        return out.add(identity).relu();
    }
}
