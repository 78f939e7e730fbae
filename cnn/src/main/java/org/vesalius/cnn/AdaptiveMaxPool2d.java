package org.vesalius.cnn;

/**
 * 2-d adaptive max pooling, like {@code torch.nn.AdaptiveMaxPool2d}: input {@code [N, C, H, W]}
 * (or unbatched {@code [C, H, W]}) of any spatial size, output of the configured size; each output
 * takes the maximum of its share of the input (see {@link AdaptiveMaxPoolNd}). No parameters.
 * <pre>{@code
 * var pool = new AdaptiveMaxPool2d(1);        // [8, 512, 7, 9] -> [8, 512, 1, 1]
 * }</pre>
 */
public class AdaptiveMaxPool2d extends AdaptiveMaxPoolNd {

    /** @param outputSize one size (square output) or (height, width), each positive */
    public AdaptiveMaxPool2d(int... outputSize) {
        super(2, outputSize);
    }
}
