package org.vesalius.cnn;

/**
 * 3-d adaptive avg pooling, like {@code torch.nn.AdaptiveAvgPool3d}: input {@code [N, C, D, H, W]}
 * (or unbatched {@code [C, D, H, W]}) of any spatial size, output of the configured size; each output
 * averages its share of the input (see {@link AdaptiveAvgPoolNd}). No parameters.
 * <pre>{@code
 * var pool = new AdaptiveAvgPool3d(1);        // [2, 64, 5, 6, 7] -> [2, 64, 1, 1, 1]
 * }</pre>
 */
public class AdaptiveAvgPool3d extends AdaptiveAvgPoolNd {

    /** @param outputSize one size (cubic output) or (depth, height, width), each positive */
    public AdaptiveAvgPool3d(int... outputSize) {
        super(3, outputSize);
    }
}
