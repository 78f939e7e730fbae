package org.vesalius.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import org.vesalius.tensor.Scope;

/**
 * What the examples' smoke tests hold a trained model to: the score of a trivial predictor (one that ignores
 * its input, or a rule with nothing learned) on the same test data, beaten by a stated margin. A threshold
 * that such a predictor could meet cannot tell a model that learned from one that did not.
 */
final class Baselines {
    private Baselines() {
    }

    /** Asserts that {@code model}, a score where higher is better, exceeds {@code baseline} by more than {@code margin}. */
    static void assertAbove(String metric, double model, String baselineName, double baseline, double margin) {
        assertTrue(model > baseline + margin, message(metric, model, "exceed", baselineName, baseline, margin));
    }

    /** {@link #assertAbove} against the highest of several trivial baselines, keyed by name. */
    static void assertAboveBest(String metric, double model, Map<String, Double> baselines, double margin) {
        Map.Entry<String, Double> best = Collections.max(baselines.entrySet(), Map.Entry.comparingByValue());
        assertAbove(metric, model, best.getKey(), best.getValue(), margin);
    }

    /** Asserts that {@code model}, an error where lower is better, is below {@code baseline} by more than {@code margin}. */
    static void assertBelow(String metric, double model, String baselineName, double baseline, double margin) {
        assertTrue(model < baseline - margin, message(metric, model, "fall below", baselineName, baseline, margin));
    }

    private static String message(String metric, double model, String verb, String baselineName, double baseline,
                                  double margin) {
        return String.format(Locale.ROOT, "%s: the model's %.4f must %s the trivial baseline (%s) %.4f by more than %.4f",
                metric, model, verb, baselineName, baseline, margin);
    }

    /**
     * Labels of the MNIST examples' split of the bundled digits: {@code {first train, last test}}, as
     * {@link FitMnistMlp} and {@link FitMnistLeNet} take them.
     */
    static long[][] mnistLabels(int train, int test) {
        try (Scope s = Scope.open()) {
            Mnist mnist = Mnist.load();
            return new long[][] {mnist.labels().narrow(0, 0, train).toLongArray(),
                    mnist.labels().narrow(0, mnist.size() - test, test).toLongArray()};
        }
    }

    /** Accuracy on {@code test} of always answering the most frequent class of {@code train} (ties: the smaller class). */
    static double majorityAccuracy(long[] train, long[] test) {
        int[] counts = counts(train);
        int majority = 0;
        for (int c = 1; c < counts.length; c++) {
            majority = counts[c] > counts[majority] ? c : majority;
        }
        int right = 0;
        for (long c : test) {
            right += c == majority ? 1 : 0;
        }
        return (double) right / test.length;
    }

    /**
     * Mean cross-entropy (nats) on {@code labels} of the best constant predictor, the labels' own class
     * frequencies: their entropy.
     */
    static double constantCrossEntropy(long[] labels) {
        double h = 0;
        for (int n : counts(labels)) {
            if (n > 0) {
                double p = (double) n / labels.length;
                h -= p * Math.log(p);
            }
        }
        return h;
    }

    private static int[] counts(long[] labels) {
        long max = 0;
        for (long c : labels) {
            if (c < 0) {
                throw new IllegalArgumentException("class labels must be >= 0, got " + c);
            }
            max = Math.max(max, c);
        }
        int[] counts = new int[(int) max + 1];
        for (long c : labels) {
            counts[(int) c]++;
        }
        return counts;
    }
}
