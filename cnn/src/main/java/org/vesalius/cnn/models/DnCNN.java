package org.vesalius.cnn.models;

import java.util.ArrayList;
import java.util.List;
import org.vesalius.nn.Module;
import org.vesalius.nn.ReLU;
import org.vesalius.nn.Sequential;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;

/**
 * A residual denoising CNN (DnCNN, Zhang et al., 2017) for 2-d images or 3-d volumes: {@code depth}
 * 3×3 convolutions at full resolution — the first with bias and ReLU, the middle ones followed by the
 * normalisation and ReLU, the last without activation — predict the noise, and the output is the input
 * minus that prediction (residual learning: the network learns the noise, which is simpler than the
 * clean image). Train {@code forward(noisy)} against the clean image with an MSE loss.
 *
 * <p>Input {@code [N, channels, *spatial]} of any size; output the same shape. State-dict keys:
 * {@code layers.0.weight/bias}, then {@code layers.<i>.weight} and the norm's keys for each middle
 * layer, and the last convolution's {@code layers.<i>.weight} (as in {@code nn.Sequential}, the ReLUs
 * take indices too). Weights start as PyTorch initialises them.
 * <pre>{@code
 * var net = new DnCNN(2, 1);                  // 17 layers of 64 features, batch norm
 * Tensor clean = net.forward(noisy);          // [N, 1, H, W] -> [N, 1, H, W]
 * }</pre>
 */
public class DnCNN extends Module {
    private final int spatialDims;
    private final int channels;
    private final Sequential layers;

    /** DnCNN-S: 17 layers of 64 features with batch norm, weights from the default generator. */
    public DnCNN(int spatialDims, int channels) {
        this(spatialDims, channels, 64, 17, Norm.BATCH, Generator.defaultGenerator());
    }

    /**
     * @param spatialDims 2 or 3
     * @param channels    channels of the image (1 for grey)
     * @param features    channels of the hidden layers
     * @param depth       convolutions in all (at least 2)
     * @param norm        the normalisation of the middle layers
     * @param generator   draws the initial weights
     */
    public DnCNN(int spatialDims, int channels, int features, int depth, Norm norm, Generator generator) {
        Dims.check("DnCNN", spatialDims);
        Dims.positive("DnCNN", "channels and features", channels, features);
        if (depth < 2) {
            throw new IllegalArgumentException("DnCNN: depth must be at least 2 (first and last convolution), got " + depth);
        }
        this.spatialDims = spatialDims;
        this.channels = channels;
        List<Module> m = new ArrayList<>();
        m.add(Dims.conv(spatialDims, channels, features, 3, 1, 1, true, generator));
        m.add(new ReLU());
        for (int i = 0; i < depth - 2; i++) {
            m.addAll(Blocks.convNorm(spatialDims, features, features, 3, norm, generator));
            m.add(new ReLU());
        }
        m.add(Dims.conv(spatialDims, features, channels, 3, 1, 1, false, generator));
        layers = registerModule("layers", new Sequential(m));
    }

    /** The predicted noise {@code [N, channels, *spatial]} of a noisy input of that shape. */
    public Tensor predictNoise(Tensor noisy) {
        Dims.checkInput("DnCNN", noisy, spatialDims, channels);
        return layers.forward(noisy);
    }

    /** The denoised image: {@code noisy - predictNoise(noisy)}, same shape. */
    @Override
    public Tensor forward(Tensor noisy) {
        return noisy.sub(predictNoise(noisy));
    }
}
