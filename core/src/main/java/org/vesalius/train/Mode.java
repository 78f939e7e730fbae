package org.vesalius.train;

/** Whether lower or higher values of a monitored quantity are better. */
public enum Mode {
    /** Lower is better (a loss, an error). */
    MIN,
    /** Higher is better (an accuracy, an AUC). */
    MAX;

    /**
     * Whether {@code value} improves on {@code best} by more than {@code minDelta} (>= 0). NaN never
     * improves; anything improves on a NaN or infinite {@code best} that is the worst possible.
     */
    public boolean improves(double value, double best, double minDelta) {
        if (Double.isNaN(value)) {
            return false;
        }
        return this == MIN ? value < best - minDelta : value > best + minDelta;
    }

    /** The value every real number improves on. */
    public double worst() {
        return this == MIN ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
    }
}
