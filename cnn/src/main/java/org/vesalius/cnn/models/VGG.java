package org.vesalius.cnn.models;

import java.util.ArrayList;
import java.util.List;
import org.vesalius.cnn.ConvNd;
import org.vesalius.nn.Dropout;
import org.vesalius.nn.Init;
import org.vesalius.nn.Linear;
import org.vesalius.nn.Module;
import org.vesalius.nn.ReLU;
import org.vesalius.nn.Sequential;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;

/**
 * VGG (Simonyan and Zisserman, 2015) as torchvision builds it, for 2-d images or 3-d volumes: five
 * stages of 3×3 convolutions (each followed by ReLU, or by batch norm and ReLU) with
 * {@code baseWidth × 1, 2, 4, 8, 8} channels, each stage ending in 2× max pooling; adaptive average
 * pooling to {@code poolSize} per spatial dim; a classifier of two hidden linear layers with ReLU and
 * dropout. Depth 11, 13, 16 or 19 is the number of weight layers (torchvision's configurations A, B, D
 * and E). Input {@code [N, inChannels, *spatial]} (at least 32 per dim), output logits
 * {@code [N, numClasses]}.
 *
 * <p>State-dict keys are torchvision's: {@code features.<i>.weight/bias} (with batch norm also
 * {@code features.<i>.running_mean} etc.) and {@code classifier.0.*}, {@code classifier.3.*},
 * {@code classifier.6.*}, indices counting every layer including ReLU, max pooling and dropout; with the
 * defaults of {@link #vgg16} (3 channels, 1000 classes) torchvision's ImageNet weights load. Weights start
 * as torchvision initialises them (convolutions Kaiming normal with fan-out and zero bias, batch norms 1
 * and 0, linear layers normal with std 0.01 and zero bias).
 * <pre>{@code
 * var net = VGG.vgg11(2, 1, 10, true);        // [N, 1, 224, 224] -> [N, 10]; 128M parameters
 * var small = new VGG(2, 16, true, 1, 2, 16, 256, 1, 0.5, new Generator(0));   // 32x32 and up, 1.0M parameters
 * }</pre>
 */
public class VGG extends Module {
    private final int spatialDims;
    private final int inChannels;
    private final Sequential features;
    private final Module avgpool;
    private final Sequential classifier;

    /**
     * Every option.
     *
     * @param spatialDims 2 or 3
     * @param depth       11, 13, 16 or 19 weight layers
     * @param batchNorm   whether each convolution is followed by batch norm
     * @param inChannels  channels of the input
     * @param numClasses  outputs of the classifier
     * @param baseWidth   channels of the first stage (64; the others have 2, 4, 8 and 8 times as many)
     * @param hidden      width of the classifier's two hidden layers (4096)
     * @param poolSize    the adaptive pooling's output size per spatial dim (7)
     * @param dropout     dropout probability in the classifier (0.5)
     * @param generator   draws the initial weights and the dropout masks
     */
    public VGG(int spatialDims, int depth, boolean batchNorm, int inChannels, int numClasses, int baseWidth, int hidden,
               int poolSize, double dropout, Generator generator) {
        Dims.check("VGG", spatialDims);
        Dims.positive("VGG", "inChannels, numClasses, baseWidth, hidden and poolSize", inChannels, numClasses, baseWidth,
                hidden, poolSize);
        int[] convsPerStage = stages(depth);
        this.spatialDims = spatialDims;
        this.inChannels = inChannels;
        List<Module> f = new ArrayList<>();
        int in = inChannels;
        for (int s = 0; s < 5; s++) {
            int width = baseWidth << Math.min(s, 3);
            for (int c = 0; c < convsPerStage[s]; c++) {
                ConvNd conv = Dims.conv(spatialDims, in, width, 3, 1, 1, true, generator);
                Dims.kaimingFanOut(conv, generator);
                f.add(conv);
                if (batchNorm) {
                    f.add(Dims.batchNorm(spatialDims, width));
                }
                f.add(new ReLU());
                in = width;
            }
            f.add(Dims.maxPool(spatialDims, 2, 2, 0));
        }
        features = registerModule("features", new Sequential(f));
        avgpool = registerModule("avgpool", Dims.adaptiveAvgPool(spatialDims, poolSize));
        long flat = in * (long) Math.pow(poolSize, spatialDims);
        if (flat > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("VGG: " + flat + " pooled features do not fit a Linear layer; use a smaller "
                    + "poolSize or baseWidth");
        }
        classifier = registerModule("classifier", new Sequential(
                linear((int) flat, hidden, generator), new ReLU(), new Dropout(dropout, generator),
                linear(hidden, hidden, generator), new ReLU(), new Dropout(dropout, generator),
                linear(hidden, numClasses, generator)));
    }

    /** torchvision's configuration with batch norm or without: width 64, hidden 4096, pooling to 7, dropout 0.5. */
    public static VGG vgg11(int spatialDims, int inChannels, int numClasses, boolean batchNorm) {
        return new VGG(spatialDims, 11, batchNorm, inChannels, numClasses, 64, 4096, 7, 0.5, Generator.defaultGenerator());
    }

    /** torchvision's configuration with batch norm or without: width 64, hidden 4096, pooling to 7, dropout 0.5. */
    public static VGG vgg13(int spatialDims, int inChannels, int numClasses, boolean batchNorm) {
        return new VGG(spatialDims, 13, batchNorm, inChannels, numClasses, 64, 4096, 7, 0.5, Generator.defaultGenerator());
    }

    /** torchvision's configuration with batch norm or without: width 64, hidden 4096, pooling to 7, dropout 0.5. */
    public static VGG vgg16(int spatialDims, int inChannels, int numClasses, boolean batchNorm) {
        return new VGG(spatialDims, 16, batchNorm, inChannels, numClasses, 64, 4096, 7, 0.5, Generator.defaultGenerator());
    }

    /** Convolutions per stage of configurations A (11), B (13), D (16) and E (19). */
    private static int[] stages(int depth) {
        switch (depth) {
            case 11: return new int[] {1, 1, 2, 2, 2};
            case 13: return new int[] {2, 2, 2, 2, 2};
            case 16: return new int[] {2, 2, 3, 3, 3};
            case 19: return new int[] {2, 2, 4, 4, 4};
            default:
                throw new IllegalArgumentException("VGG: depth must be 11, 13, 16 or 19, got " + depth);
        }
    }

    private static Linear linear(int in, int out, Generator g) {
        Linear l = new Linear(in, out, true, g);
        Init.normal_(l.weight(), 0, 0.01, g);
        Init.zeros_(l.bias());
        return l;
    }

    /** The last convolution stage's pooled activations {@code [N, 8 * baseWidth, *spatial / 32]}. */
    public Tensor features(Tensor input) {
        Dims.checkInput("VGG", input, spatialDims, inChannels);
        return features.forward(input);
    }

    /** {@link #features} to logits {@code [N, numClasses]}: adaptive pooling, flattening, the classifier. */
    public Tensor head(Tensor features) {
        return classifier.forward(avgpool.forward(features).flatten(1));
    }

    /** {@code [N, inChannels, *spatial]} to logits {@code [N, numClasses]}. */
    @Override
    public Tensor forward(Tensor input) {
        return head(features(input));
    }
}
