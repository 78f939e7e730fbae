package org.vesalius.cnn.models;

import org.vesalius.tensor.Generator;

/**
 * DenseNet-121: growth rate 32, dense blocks of 6, 12, 24 and 16 layers, 64 stem channels, bottleneck
 * width 4 (about 7 million parameters in 2-d with 1000 classes). See {@link DenseNet} for the layout
 * and the torchvision state-dict keys ({@code features.conv0.weight}, ..., {@code classifier.bias});
 * with 3 input channels and 1000 classes torchvision's {@code densenet121} weights load.
 * <pre>{@code
 * var net = new DenseNet121(2, 1, 2);          // [N, 1, 224, 224] -> [N, 2]
 * }</pre>
 */
public class DenseNet121 extends DenseNet {

    /** Weights from the default generator. */
    public DenseNet121(int spatialDims, int inChannels, int numClasses) {
        this(spatialDims, inChannels, numClasses, Generator.defaultGenerator());
    }

    /**
     * @param spatialDims 2 or 3
     * @param inChannels  channels of the input
     * @param numClasses  outputs of the classifier
     * @param generator   draws the initial weights
     */
    public DenseNet121(int spatialDims, int inChannels, int numClasses, Generator generator) {
        super(spatialDims, 32, new int[] {6, 12, 24, 16}, 64, 4, inChannels, numClasses, generator);
    }
}
