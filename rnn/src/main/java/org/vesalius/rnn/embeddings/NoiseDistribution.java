package org.vesalius.rnn.embeddings;

import org.vesalius.tensor.Generator;

/**
 * word2vec's noise distribution for negative sampling: word {@code w} with probability proportional
 * to {@code count(w)^power} (0.75 in word2vec), drawn exactly by bisection of the cumulative weights
 * (word2vec's C code fills a 10^8-entry table instead, which rounds rare words' shares).
 */
final class NoiseDistribution {
    private final double[] cumulative;

    NoiseDistribution(long[] counts, double power) {
        cumulative = new double[counts.length];
        double s = 0;
        for (int w = 0; w < counts.length; w++) {
            s += Math.pow(counts[w], power);
            cumulative[w] = s;
        }
        if (!(s > 0)) {
            throw new IllegalArgumentException("NoiseDistribution: all counts are zero");
        }
    }

    /** The probability of word {@code w}. */
    double probability(int w) {
        double total = cumulative[cumulative.length - 1];
        return (cumulative[w] - (w == 0 ? 0 : cumulative[w - 1])) / total;
    }

    /** One word drawn from the distribution. */
    int sample(Generator g) {
        double u = g.nextDouble() * cumulative[cumulative.length - 1];
        int lo = 0;
        int hi = cumulative.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cumulative[mid] > u) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }
}
