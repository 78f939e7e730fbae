package org.vesalius.cnn.models;

import java.util.Arrays;
import java.util.LinkedHashMap;
import org.vesalius.nn.Init;
import org.vesalius.nn.Linear;
import org.vesalius.nn.Module;
import org.vesalius.nn.ReLU;
import org.vesalius.nn.Sequential;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;

/**
 * DenseNet (Huang et al., 2017) as torchvision builds it, for 2-d images or 3-d volumes: a stem
 * (conv 7×7 stride 2 → BN → ReLU → max pool 3×3 stride 2), dense blocks in which every layer adds
 * {@code growthRate} channels computed from all earlier ones, transitions between them (BN → ReLU →
 * conv 1×1 halving the channels → average pool 2×2), a final BN, then ReLU, global average pooling and
 * a linear classifier. Input {@code [N, inChannels, *spatial]} (any size from about 32), output logits
 * {@code [N, numClasses]}. {@link DenseNet121} is the usual configuration.
 *
 * <p>State-dict keys are torchvision's: {@code features.conv0.weight}, {@code features.norm0.*},
 * {@code features.denseblock1.denselayer1.norm1.*}, {@code ....conv1.weight}, {@code ....norm2.*},
 * {@code ....conv2.weight}, {@code features.transition1.norm.*}, {@code features.transition1.conv.weight},
 * ..., {@code features.norm5.*}, {@code classifier.weight}, {@code classifier.bias}, in 3-d as in 2-d.
 * Weights start as torchvision initialises them
 * (convolutions Kaiming normal, batch norms 1 and 0, the classifier's bias 0).
 */
public class DenseNet extends Module {
    private final int spatialDims;
    private final int inChannels;
    private final Sequential features;
    private final Module pool;
    private final Linear classifier;

    /**
     * @param spatialDims     2 or 3
     * @param growthRate      channels each dense layer adds (32 for DenseNet-121)
     * @param blockConfig     layers per dense block ({@code {6, 12, 24, 16}} for DenseNet-121)
     * @param numInitFeatures channels of the stem (64)
     * @param bnSize          the 1×1 bottleneck's width in multiples of {@code growthRate} (4)
     * @param inChannels      channels of the input
     * @param numClasses      outputs of the classifier
     * @param generator       draws the initial weights
     */
    public DenseNet(int spatialDims, int growthRate, int[] blockConfig, int numInitFeatures, int bnSize, int inChannels,
                    int numClasses, Generator generator) {
        Dims.check("DenseNet", spatialDims);
        Dims.positive("DenseNet", "growthRate, numInitFeatures, bnSize, inChannels and numClasses", growthRate,
                numInitFeatures, bnSize, inChannels, numClasses);
        if (blockConfig == null || blockConfig.length == 0) {
            throw new IllegalArgumentException("DenseNet: blockConfig must give the layers of at least one dense block, got "
                    + Arrays.toString(blockConfig));
        }
        Dims.positive("DenseNet", "layers per block", blockConfig);
        this.spatialDims = spatialDims;
        this.inChannels = inChannels;
        LinkedHashMap<String, Module> f = new LinkedHashMap<>();
        f.put("conv0", stem(spatialDims, inChannels, numInitFeatures, generator));
        f.put("norm0", Dims.batchNorm(spatialDims, numInitFeatures));
        f.put("relu0", new ReLU());
        f.put("pool0", Dims.maxPool(spatialDims, 3, 2, 1));
        int numFeatures = numInitFeatures;
        for (int i = 0; i < blockConfig.length; i++) {
            f.put("denseblock" + (i + 1), new DenseBlock(spatialDims, blockConfig[i], numFeatures, growthRate, bnSize,
                    generator));
            numFeatures += blockConfig[i] * growthRate;
            if (i != blockConfig.length - 1) {
                LinkedHashMap<String, Module> t = new LinkedHashMap<>();
                t.put("norm", Dims.batchNorm(spatialDims, numFeatures));
                t.put("relu", new ReLU());
                t.put("conv", DenseLayer.conv(spatialDims, numFeatures, numFeatures / 2, 1, generator));
                t.put("pool", Dims.avgPool(spatialDims, 2, 2));
                f.put("transition" + (i + 1), new Sequential(t));
                numFeatures /= 2;
            }
        }
        f.put("norm5", Dims.batchNorm(spatialDims, numFeatures));
        features = registerModule("features", new Sequential(f));
        pool = Dims.adaptiveAvgPool(spatialDims, 1);
        classifier = registerModule("classifier", new Linear(numFeatures, numClasses, true, generator));
        Init.zeros_(classifier.bias());
    }

    private static Module stem(int dims, int in, int out, Generator g) {
        var c = Dims.conv(dims, in, out, 7, 2, 3, false, g);
        Init.kaimingNormal_(c.weight(), 0, Init.FanMode.FAN_IN, "leaky_relu", g);
        return c;
    }

    /** The final activations {@code [N, C, *spatial / 32]} (after the last BN and ReLU), where Grad-CAM looks. */
    public Tensor features(Tensor input) {
        Dims.checkInput("DenseNet", input, spatialDims, inChannels);
        return features.forward(input).relu();
    }

    /** {@link #features} to logits {@code [N, numClasses]}: global average pooling and the classifier. */
    public Tensor head(Tensor features) {
        return classifier.forward(pool.forward(features).flatten(1));
    }

    /** {@code [N, inChannels, *spatial]} to logits {@code [N, numClasses]}. */
    @Override
    public Tensor forward(Tensor input) {
        return head(features(input));
    }
}
