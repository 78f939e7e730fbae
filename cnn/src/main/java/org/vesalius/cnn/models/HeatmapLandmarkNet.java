package org.vesalius.cnn.models;

import org.vesalius.nn.Module;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;

/**
 * A heatmap-regression landmark network for 2-d images or 3-d volumes: a {@link UNet} body whose K
 * output channels are one heatmap per landmark, and {@link #landmarks} reading coordinates out of them
 * by {@link Heatmaps#softArgmax}. Train either on the heatmaps (MSE against
 * {@link Heatmaps#gaussian} targets) or on the soft-argmax coordinates directly.
 *
 * <p>Input {@code [N, inChannels, *spatial]} with every spatial size a multiple of {@code 2^depth};
 * {@link #forward} gives heatmaps {@code [N, K, *spatial]}, {@link #landmarks} coordinates
 * {@code [N, K, spatialDims]} in voxel units along the spatial axes. State-dict keys are the U-Net's
 * under {@code unet.} ({@code unet.enc.0.0.weight}, ..., {@code unet.head.weight}).
 * <pre>{@code
 * var net = new HeatmapLandmarkNet(2, 1, 2, new int[] {16, 32, 64}, Norm.BATCH, 10.0, new Generator(0));
 * Tensor xy = net.landmarks(image);           // [N, 1, 128, 128] -> [N, 2, 2]
 * }</pre>
 */
public class HeatmapLandmarkNet extends Module {
    private final UNet unet;
    private final double beta;

    /**
     * @param spatialDims  2 or 3
     * @param inChannels   channels of the input
     * @param numLandmarks K, the number of landmarks (output heatmaps)
     * @param channels     the U-Net's level channels and bottleneck (see {@link UNet})
     * @param norm         the U-Net's normalisation
     * @param beta         the soft-argmax's inverse temperature (see {@link Heatmaps#softArgmax})
     * @param generator    draws the initial weights
     */
    public HeatmapLandmarkNet(int spatialDims, int inChannels, int numLandmarks, int[] channels, Norm norm, double beta,
                              Generator generator) {
        if (!(beta > 0)) {
            throw new IllegalArgumentException("HeatmapLandmarkNet: beta must be positive, got " + beta);
        }
        unet = registerModule("unet", new UNet(spatialDims, inChannels, numLandmarks, channels, norm, false, false,
                generator));
        this.beta = beta;
    }

    /** The soft-argmax's inverse temperature. */
    public double beta() {
        return beta;
    }

    /** {@code [N, inChannels, *spatial]} to heatmaps {@code [N, K, *spatial]} (unnormalised scores). */
    @Override
    public Tensor forward(Tensor input) {
        return unet.forward(input);
    }

    /** {@code [N, inChannels, *spatial]} to landmark coordinates {@code [N, K, spatialDims]} in voxel units. */
    public Tensor landmarks(Tensor input) {
        return Heatmaps.softArgmax(forward(input), beta);
    }
}
