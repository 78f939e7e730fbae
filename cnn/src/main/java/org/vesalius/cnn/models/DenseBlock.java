package org.vesalius.cnn.models;

import java.util.ArrayList;
import java.util.List;
import org.vesalius.nn.Module;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;

/**
 * A dense block, like torchvision's {@code _DenseBlock}: {@code numLayers} {@link DenseLayer}s
 * ({@code denselayer1}, {@code denselayer2}, ...), each fed the concatenation of the block's input and
 * every earlier layer's output. Input {@code [N, inFeatures, *spatial]}, output
 * {@code [N, inFeatures + numLayers * growthRate, *spatial]}.
 */
final class DenseBlock extends Module {
    private final List<DenseLayer> layers = new ArrayList<>();

    DenseBlock(int dims, int numLayers, int inFeatures, int growthRate, int bnSize, Generator g) {
        for (int i = 0; i < numLayers; i++) {
            layers.add(registerModule("denselayer" + (i + 1),
                    new DenseLayer(dims, inFeatures + i * growthRate, growthRate, bnSize, g)));
        }
    }

    @Override
    public Tensor forward(Tensor input) {
        List<Tensor> features = new ArrayList<>(layers.size() + 1);
        features.add(input);
        for (DenseLayer layer : layers) {
            features.add(layer.forward(features.size() == 1 ? input : Tensor.cat(features, 1)));
        }
        return Tensor.cat(features, 1);
    }
}
