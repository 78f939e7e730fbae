package org.vesalius.train.metrics;

import org.vesalius.tensor.Tensor;

/**
 * The fraction of samples whose true class is among the k highest scores. Output: scores
 * {@code [N, C, ...]} with C >= 2, target: class indices {@code [N, ...]} or class probabilities of the
 * output's shape. A sample counts as a hit when fewer than k classes score strictly higher than the true
 * one, so ties are resolved in the sample's favour (scikit-learn's {@code top_k_accuracy_score} breaks
 * them by class index instead; without ties the two agree). With k >= C every sample is a hit.
 */
public final class TopKAccuracy implements Metric {
    private final int k;
    private long hits;
    private long total;

    /** Top-k accuracy; {@code k >= 1}. */
    public TopKAccuracy(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("TopKAccuracy: k must be >= 1, got " + k);
        }
        this.k = k;
    }

    /** {@code "top<k>_accuracy"}. */
    @Override
    public String name() {
        return "top" + k + "_accuracy";
    }

    @Override
    public void update(Tensor output, Tensor target) {
        ClassBatch b = ClassBatch.of(name(), output, target);
        if (b.binary) {
            throw new IllegalArgumentException(name() + ": needs scores for C >= 2 classes [N, C, ...], got output "
                    + java.util.Arrays.toString(output.shape()) + " with target " + java.util.Arrays.toString(target.shape()));
        }
        for (int r = 0; r < b.rows; r++) {
            float truth = b.score(r, b.labels[r]);
            int higher = 0;
            for (int c = 0; c < b.classes; c++) {
                if (b.score(r, c) > truth) {
                    higher++;
                }
            }
            if (higher < k) {
                hits++;
            }
        }
        total += b.rows;
    }

    @Override
    public double compute() {
        return total == 0 ? Double.NaN : (double) hits / total;
    }

    @Override
    public void reset() {
        hits = 0;
        total = 0;
    }
}
