package org.vesalius.cnn;

/**
 * 1-d adaptive avg pooling, like {@code torch.nn.AdaptiveAvgPool1d}: input {@code [N, C, L]}
 * (or unbatched {@code [C, L]}) of any spatial size, output of the configured size; each output
 * averages its share of the input (see {@link AdaptiveAvgPoolNd}). No parameters.
 * <pre>{@code
 * var pool = new AdaptiveAvgPool1d(1);        // [8, 64, 37] -> [8, 64, 1]
 * }</pre>
 */
public class AdaptiveAvgPool1d extends AdaptiveAvgPoolNd {

    /** @param outputSize the output length, each positive */
    public AdaptiveAvgPool1d(int outputSize) {
        super(1, new int[] {outputSize});
    }
}
