package org.vesalius.cnn;

/**
 * 2-d adaptive avg pooling, like {@code torch.nn.AdaptiveAvgPool2d}: input {@code [N, C, H, W]}
 * (or unbatched {@code [C, H, W]}) of any spatial size, output of the configured size; each output
 * averages its share of the input (see {@link AdaptiveAvgPoolNd}). No parameters.
 * <pre>{@code
 * var pool = new AdaptiveAvgPool2d(1);        // [8, 512, 7, 9] -> [8, 512, 1, 1]
 * }</pre>
 */
public class AdaptiveAvgPool2d extends AdaptiveAvgPoolNd {

    /** @param outputSize one size (square output) or (height, width), each positive */
    public AdaptiveAvgPool2d(int... outputSize) {
        super(2, outputSize);
    }
}
