package org.vesalius.rnn.embeddings;

import java.util.Arrays;

/**
 * t-SNE's input similarities on the nearest-neighbour graph, as scikit-learn's
 * {@code _joint_probabilities_nn}: for each point a Gaussian over its neighbours whose precision is
 * found by bisection so that the conditional distribution has the requested perplexity, then
 * {@code P = (P + P^T) / sum}. Stored as compressed rows: the neighbours of point {@code i} are
 * {@code cols[rowStart[i] .. rowStart[i + 1])} with probabilities {@code vals[...]}.
 */
final class Affinities {
    private static final int STEPS = 100;
    private static final double ENTROPY_TOLERANCE = 1e-5;
    private static final double TINY_SUM = 1e-8;
    private static final double MACHINE_EPSILON = Math.ulp(1.0);

    final int[] rowStart;
    final int[] cols;
    final double[] vals;

    private Affinities(int[] rowStart, int[] cols, double[] vals) {
        this.rowStart = rowStart;
        this.cols = cols;
        this.vals = vals;
    }

    /**
     * The conditional probabilities {@code p(j | i)} over each point's neighbours, row {@code i} at
     * {@code [i * k, (i + 1) * k)}; each row's entropy is {@code log(perplexity)} within 1e-5 nats
     * (or the bisection's 100 steps ran out).
     */
    static double[] conditional(Points.Neighbours nn, double perplexity, Parallel parallel) {
        int k = nn.k();
        int n = nn.indices().length / k;
        double[] p = new double[n * k];
        double desired = Math.log(perplexity);
        parallel.forRange(n, 64, (from, to) -> {
            for (int i = from; i < to; i++) {
                int o = i * k;
                double beta = 1;
                double betaMin = Double.NEGATIVE_INFINITY;
                double betaMax = Double.POSITIVE_INFINITY;
                for (int step = 0; step < STEPS; step++) {
                    double sum = 0;
                    for (int m = 0; m < k; m++) {
                        p[o + m] = Math.exp(-nn.dist2()[o + m] * beta);
                        sum += p[o + m];
                    }
                    if (sum == 0) {
                        sum = TINY_SUM;
                    }
                    double sumDistP = 0;
                    for (int m = 0; m < k; m++) {
                        p[o + m] /= sum;
                        sumDistP += nn.dist2()[o + m] * p[o + m];
                    }
                    double diff = Math.log(sum) + beta * sumDistP - desired;
                    if (Math.abs(diff) <= ENTROPY_TOLERANCE) {
                        break;
                    }
                    // too flat (entropy too high): sharpen; too peaked: widen
                    if (diff > 0) {
                        betaMin = beta;
                        beta = betaMax == Double.POSITIVE_INFINITY ? beta * 2 : (beta + betaMax) / 2;
                    } else {
                        betaMax = beta;
                        beta = betaMin == Double.NEGATIVE_INFINITY ? beta / 2 : (beta + betaMin) / 2;
                    }
                }
            }
        });
        return p;
    }

    /** The symmetrized, normalized joint probabilities of {@link #conditional}. */
    static Affinities joint(Points.Neighbours nn, double perplexity, Parallel parallel) {
        int k = nn.k();
        int n = nn.indices().length / k;
        double[] cond = conditional(nn, perplexity, parallel);
        // an entry (i, j) for every neighbour pair in either direction, then duplicates merged
        int[] count = new int[n];
        for (int i = 0; i < n; i++) {
            count[i] += k;
            for (int m = 0; m < k; m++) {
                count[nn.indices()[i * k + m]]++;
            }
        }
        int[] start = new int[n + 1];
        for (int i = 0; i < n; i++) {
            start[i + 1] = start[i] + count[i];
        }
        int[] fill = Arrays.copyOf(start, n);
        long[] keys = new long[start[n]];
        double[] raw = new double[start[n]];
        for (int i = 0; i < n; i++) {
            for (int m = 0; m < k; m++) {
                int j = nn.indices()[i * k + m];
                double v = cond[i * k + m];
                keys[fill[i]] = j;
                raw[fill[i]++] = v;
                keys[fill[j]] = i;
                raw[fill[j]++] = v;
            }
        }
        int[] rowStart = new int[n + 1];
        int[] cols = new int[keys.length];
        double[] vals = new double[keys.length];
        int out = 0;
        double total = 0;
        for (int i = 0; i < n; i++) {
            rowStart[i] = out;
            int s = start[i];
            int e = start[i + 1];
            // sort the row's entries by column, carrying the values along (index in the low bits)
            long[] order = new long[e - s];
            for (int t = s; t < e; t++) {
                order[t - s] = keys[t] << 32 | (t - s);
            }
            Arrays.sort(order);
            for (int t = 0; t < order.length; t++) {
                int col = (int) (order[t] >>> 32);
                double v = raw[s + (int) (order[t] & 0xffffffffL)];
                if (out > rowStart[i] && cols[out - 1] == col) {
                    vals[out - 1] += v;
                } else {
                    cols[out] = col;
                    vals[out++] = v;
                }
                total += v;
            }
        }
        rowStart[n] = out;
        double norm = Math.max(total, MACHINE_EPSILON);
        for (int t = 0; t < out; t++) {
            vals[t] /= norm;
        }
        return new Affinities(rowStart, Arrays.copyOf(cols, out), Arrays.copyOf(vals, out));
    }

    int n() {
        return rowStart.length - 1;
    }
}
