package org.vesalius.nn;

import java.util.Locale;

/** How a loss turns per-element losses into its result, as PyTorch's {@code reduction} argument. */
public enum Reduction {
    /** Per-element losses, in the shape the loss documents. */
    NONE,
    /** Their mean (a weighted mean for cross-entropy and NLL with class weights or ignored targets). */
    MEAN,
    /** Their sum. */
    SUM,
    /** The sum divided by the batch size; KL divergence only, where it is the mathematically right mean. */
    BATCHMEAN;

    /** Parses PyTorch's spelling: {@code "none"}, {@code "mean"}, {@code "sum"} or {@code "batchmean"}. */
    public static Reduction of(String name) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "none": return NONE;
            case "mean": return MEAN;
            case "sum": return SUM;
            case "batchmean": return BATCHMEAN;
            default:
                throw new IllegalArgumentException("Reduction.of: unknown reduction '" + name
                        + "'; expected none, mean, sum or batchmean");
        }
    }

    /** PyTorch's spelling, e.g. {@code "mean"}. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
