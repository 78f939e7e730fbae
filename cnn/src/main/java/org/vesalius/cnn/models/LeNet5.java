package org.vesalius.cnn.models;

import java.util.Arrays;
import org.vesalius.cnn.Conv2d;
import org.vesalius.cnn.MaxPool2d;
import org.vesalius.nn.Flatten;
import org.vesalius.nn.Linear;
import org.vesalius.nn.ReLU;
import org.vesalius.nn.Sequential;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;

/**
 * LeNet-5 as the benchmark W2 defines it (Caffe's variant for MNIST): for 28×28 images,
 * <pre>
 * conv 5×5 (20) → max pool 2 → conv 5×5 (50) → max pool 2 → flatten (800) → linear 500 → ReLU → linear
 * </pre>
 * with no activation after the convolutions. Input {@code [N, inChannels, 28, 28]}, output logits
 * {@code [N, numClasses]}; train it with {@code CrossEntropyLoss}.
 *
 * <p>It is a {@link Sequential} of those eight modules, so the state-dict keys are PyTorch's for
 * {@code nn.Sequential(nn.Conv2d(1, 20, 5), nn.MaxPool2d(2), nn.Conv2d(20, 50, 5), nn.MaxPool2d(2),
 * nn.Flatten(), nn.Linear(800, 500), nn.ReLU(), nn.Linear(500, 10))}: {@code 0.weight [20, C, 5, 5]},
 * {@code 0.bias}, {@code 2.weight [50, 20, 5, 5]}, {@code 2.bias}, {@code 5.weight [500, 800]},
 * {@code 5.bias}, {@code 7.weight [numClasses, 500]}, {@code 7.bias}; such a model's weights load with
 * {@link #loadStateDict}. Layers are initialised as PyTorch initialises them.
 */
public class LeNet5 extends Sequential {
    /** The image side the flattened 50×4×4 features assume. */
    public static final int IMAGE_SIZE = 28;

    private final int inChannels;

    /** One input channel, ten classes (MNIST), weights from the default generator. */
    public LeNet5() {
        this(1, 10);
    }

    /** Weights from the default generator. */
    public LeNet5(int inChannels, int numClasses) {
        this(inChannels, numClasses, Generator.defaultGenerator());
    }

    /**
     * @param inChannels image channels (1 for grey, 3 for colour)
     * @param numClasses outputs of the last layer
     * @param generator  draws the initial weights
     */
    public LeNet5(int inChannels, int numClasses, Generator generator) {
        super(new Conv2d(inChannels, 20, 5, 1, 0, generator), new MaxPool2d(2),
                new Conv2d(20, 50, 5, 1, 0, generator), new MaxPool2d(2),
                new Flatten(), new Linear(800, 500, true, generator), new ReLU(),
                new Linear(500, numClasses, true, generator));
        this.inChannels = inChannels;
    }

    /** {@code [N, inChannels, 28, 28]} to logits {@code [N, numClasses]}. */
    @Override
    public Tensor forward(Tensor input) {
        int[] s = input.shape();
        if (s.length != 4 || s[1] != inChannels || s[2] != IMAGE_SIZE || s[3] != IMAGE_SIZE) {
            throw new IllegalArgumentException("LeNet5: expected images [N, " + inChannels + ", " + IMAGE_SIZE + ", "
                    + IMAGE_SIZE + "], got shape " + Arrays.toString(s));
        }
        return super.forward(input);
    }
}
