package org.vesalius.cnn;

/**
 * 1-d adaptive max pooling, like {@code torch.nn.AdaptiveMaxPool1d}: input {@code [N, C, L]}
 * (or unbatched {@code [C, L]}) of any spatial size, output of the configured size; each output
 * takes the maximum of its share of the input (see {@link AdaptiveMaxPoolNd}). No parameters.
 * <pre>{@code
 * var pool = new AdaptiveMaxPool1d(1);        // [8, 64, 37] -> [8, 64, 1]
 * }</pre>
 */
public class AdaptiveMaxPool1d extends AdaptiveMaxPoolNd {

    /** @param outputSize the output length, each positive */
    public AdaptiveMaxPool1d(int outputSize) {
        super(1, new int[] {outputSize});
    }
}
