package org.vesalius.cnn.models;

import java.util.Arrays;
import org.vesalius.cnn.ConvNd;
import org.vesalius.nn.Linear;
import org.vesalius.nn.Module;
import org.vesalius.nn.ReLU;
import org.vesalius.nn.Sequential;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;

/**
 * ResNet (He et al., 2016) as torchvision builds it, for 2-d images or 3-d volumes: a stem (conv 7×7
 * stride 2 → batch norm → ReLU → max pool 3×3 stride 2), four stages of residual blocks
 * ({@link BasicBlock} for ResNet-18/34, {@link Bottleneck} for ResNet-50) with
 * {@code baseWidth × 1, 2, 4, 8} planes, the last three starting with stride 2, then global average
 * pooling and a linear classifier. Input {@code [N, inChannels, *spatial]} (any size from about 32),
 * output logits {@code [N, numClasses]}; the features before pooling have {@code 1/32} of the input's
 * spatial size.
 *
 * <p>State-dict keys are torchvision's ({@code conv1.weight}, {@code bn1.*},
 * {@code layer1.0.conv1.weight}, {@code layer2.0.downsample.0.weight}, ..., {@code fc.weight},
 * {@code fc.bias}), so with {@code spatialDims 2}, 3 input channels, 1000 classes and
 * {@code baseWidth 64} torchvision's ImageNet weights load; the 3-d network has the same keys.
 * Weights start as torchvision initialises them (convolutions Kaiming normal with fan-out, batch
 * norms 1 and 0, the classifier PyTorch's {@code Linear} default).
 * <pre>{@code
 * var net = ResNet.resnet18(2, 1, 2);         // [N, 1, 224, 224] -> [N, 2]
 * var vol = ResNet.resnet50(3, 1, 2);         // [N, 1, 64, 64, 64] -> [N, 2]
 * }</pre>
 */
public class ResNet extends Module {
    /** The residual block of a ResNet. */
    public enum Block {
        /** {@link BasicBlock}: two 3×3 convolutions, output {@code planes}. */
        BASIC(BasicBlock.EXPANSION),
        /** {@link Bottleneck}: 1×1, 3×3, 1×1 convolutions, output {@code 4 * planes}. */
        BOTTLENECK(Bottleneck.EXPANSION);

        private final int expansion;

        Block(int expansion) {
            this.expansion = expansion;
        }

        /** Output channels per {@code planes}. */
        public int expansion() {
            return expansion;
        }

        Module create(int dims, int inPlanes, int planes, int stride, Generator g) {
            return this == BASIC ? new BasicBlock(dims, inPlanes, planes, stride, g)
                    : new Bottleneck(dims, inPlanes, planes, stride, g);
        }
    }

    private final int spatialDims;
    private final int inChannels;
    private final ConvNd conv1;
    private final Module bn1;
    private final Module maxpool;
    private final Sequential[] layers = new Sequential[4];
    private final Module avgpool;
    private final Linear fc;

    /**
     * Every option.
     *
     * @param spatialDims 2 or 3
     * @param block       the residual block
     * @param blocks      blocks per stage (four values: {@code {2, 2, 2, 2}} for ResNet-18)
     * @param inChannels  channels of the input
     * @param numClasses  outputs of the classifier
     * @param baseWidth   planes of the first stage (64 in the paper; the stem has as many channels)
     * @param generator   draws the initial weights
     */
    public ResNet(int spatialDims, Block block, int[] blocks, int inChannels, int numClasses, int baseWidth,
                  Generator generator) {
        Dims.check("ResNet", spatialDims);
        Dims.positive("ResNet", "inChannels, numClasses and baseWidth", inChannels, numClasses, baseWidth);
        if (blocks == null || blocks.length != 4) {
            throw new IllegalArgumentException("ResNet: blocks must give the number of blocks of each of the 4 stages "
                    + "(e.g. {2, 2, 2, 2}), got " + Arrays.toString(blocks));
        }
        Dims.positive("ResNet", "blocks per stage", blocks);
        this.spatialDims = spatialDims;
        this.inChannels = inChannels;
        conv1 = registerModule("conv1", conv(spatialDims, inChannels, baseWidth, 7, 2, generator));
        bn1 = registerModule("bn1", Dims.batchNorm(spatialDims, baseWidth));
        registerModule("relu", new ReLU());
        maxpool = registerModule("maxpool", Dims.maxPool(spatialDims, 3, 2, 1));
        int inPlanes = baseWidth;
        for (int i = 0; i < 4; i++) {
            int planes = baseWidth << i;
            int stride = i == 0 ? 1 : 2;
            Sequential stage = new Sequential();
            for (int b = 0; b < blocks[i]; b++) {
                stage.append(block.create(spatialDims, inPlanes, planes, b == 0 ? stride : 1, generator));
                inPlanes = planes * block.expansion();
            }
            layers[i] = registerModule("layer" + (i + 1), stage);
        }
        avgpool = registerModule("avgpool", Dims.adaptiveAvgPool(spatialDims, 1));
        fc = registerModule("fc", new Linear(inPlanes, numClasses, true, generator));
    }

    /** ResNet-18 (basic blocks 2, 2, 2, 2), width 64, weights from the default generator. */
    public static ResNet resnet18(int spatialDims, int inChannels, int numClasses) {
        return new ResNet(spatialDims, Block.BASIC, new int[] {2, 2, 2, 2}, inChannels, numClasses, 64,
                Generator.defaultGenerator());
    }

    /** ResNet-34 (basic blocks 3, 4, 6, 3), width 64, weights from the default generator. */
    public static ResNet resnet34(int spatialDims, int inChannels, int numClasses) {
        return new ResNet(spatialDims, Block.BASIC, new int[] {3, 4, 6, 3}, inChannels, numClasses, 64,
                Generator.defaultGenerator());
    }

    /** ResNet-50 (bottlenecks 3, 4, 6, 3), width 64, weights from the default generator. */
    public static ResNet resnet50(int spatialDims, int inChannels, int numClasses) {
        return new ResNet(spatialDims, Block.BOTTLENECK, new int[] {3, 4, 6, 3}, inChannels, numClasses, 64,
                Generator.defaultGenerator());
    }

    /** Convolutions of torchvision's ResNets: zero padding keeping the size (at stride 1), no bias, Kaiming normal fan-out. */
    static ConvNd conv(int dims, int in, int out, int kernel, int stride, Generator g) {
        ConvNd c = Dims.conv(dims, in, out, kernel, stride, kernel / 2, false, g);
        Dims.kaimingFanOut(c, g);
        return c;
    }

    /** A block's projection of the input, or null when stride and channels stay. */
    static Sequential downsample(int dims, int inPlanes, int outPlanes, int stride, Generator g) {
        if (stride == 1 && inPlanes == outPlanes) {
            return null;
        }
        return new Sequential(conv(dims, inPlanes, outPlanes, 1, stride, g), Dims.batchNorm(dims, outPlanes));
    }

    /**
     * The last stage's activations {@code [N, 8 * baseWidth * expansion, *spatial / 32]} (rounded up), where
     * Grad-CAM looks.
     */
    public Tensor features(Tensor input) {
        Dims.checkInput("ResNet", input, spatialDims, inChannels);
        Tensor x = maxpool.forward(bn1.forward(conv1.forward(input)).relu());
        for (Sequential stage : layers) {
            x = stage.forward(x);
        }
        return x;
    }

    /** {@link #features} to logits {@code [N, numClasses]}: global average pooling and the classifier. */
    public Tensor head(Tensor features) {
        return fc.forward(avgpool.forward(features).flatten(1));
    }

    /** {@code [N, inChannels, *spatial]} to logits {@code [N, numClasses]}. */
    @Override
    public Tensor forward(Tensor input) {
        return head(features(input));
    }
}
