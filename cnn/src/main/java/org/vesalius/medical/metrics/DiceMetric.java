package org.vesalius.medical.metrics;

import java.util.Arrays;
import org.vesalius.autograd.NoGrad;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;
import org.vesalius.train.metrics.Metric;

/**
 * The Dice coefficient of a binary segmentation as a training metric (for {@code Trainer.metrics}):
 * foreground where the output logit is above {@code threshold} (0 = probability 0.5), against a target
 * mask of the same shape, accumulated over every voxel of every batch ({@code 2 TP / (2 TP + FP + FN)},
 * so the value does not depend on the batching; 1 when both are empty throughout).
 *
 * <p>Output {@code [N, 1, *spatial]} logits (or {@code [N, *spatial]}); target the same shape, foreground
 * where nonzero.
 */
public final class DiceMetric implements Metric {
    private final double threshold;
    private long tp;
    private long fp;
    private long fn;

    /** Foreground where the logit is positive (probability above 0.5). */
    public DiceMetric() {
        this(0);
    }

    /** Foreground where the output is above {@code threshold}. */
    public DiceMetric(double threshold) {
        this.threshold = threshold;
    }

    @Override
    public String name() {
        return "dice";
    }

    @Override
    public void update(Tensor output, Tensor target) {
        if (!Arrays.equals(output.shape(), target.shape())) {
            throw new IllegalArgumentException("dice: output " + Arrays.toString(output.shape()) + " and target "
                    + Arrays.toString(target.shape()) + " must have the same shape");
        }
        try (Scope s = Scope.open(); NoGrad ng = NoGrad.open()) {
            Tensor p = output.gt(threshold);
            Tensor g = target.ne(0);
            long inter = (long) p.logicalAnd(g).sum().item();
            long ps = (long) p.sum().item();
            long gs = (long) g.sum().item();
            tp += inter;
            fp += ps - inter;
            fn += gs - inter;
        }
    }

    @Override
    public double compute() {
        long d = 2 * tp + fp + fn;
        return d == 0 ? 1.0 : 2.0 * tp / d;
    }

    @Override
    public void reset() {
        tp = 0;
        fp = 0;
        fn = 0;
    }
}
