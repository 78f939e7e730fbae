package org.vesalius.cnn;

/**
 * 3-d adaptive max pooling, like {@code torch.nn.AdaptiveMaxPool3d}: input {@code [N, C, D, H, W]}
 * (or unbatched {@code [C, D, H, W]}) of any spatial size, output of the configured size; each output
 * takes the maximum of its share of the input (see {@link AdaptiveMaxPoolNd}). No parameters.
 * <pre>{@code
 * var pool = new AdaptiveMaxPool3d(1);        // [2, 64, 5, 6, 7] -> [2, 64, 1, 1, 1]
 * }</pre>
 */
public class AdaptiveMaxPool3d extends AdaptiveMaxPoolNd {

    /** @param outputSize one size (cubic output) or (depth, height, width), each positive */
    public AdaptiveMaxPool3d(int... outputSize) {
        super(3, outputSize);
    }
}
