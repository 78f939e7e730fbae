package org.vesalius.train.metrics;

import java.util.Arrays;
import org.vesalius.tensor.Tensor;

/**
 * Running sums behind the regression metrics, per output column: the absolute and squared errors and the
 * target's mean and sum of squared deviations (merged batch by batch with Chan's formula, so the variance
 * stays accurate in double precision however the data is batched).
 */
final class RegressionStats {
    int columns;
    long n;
    double[] sumAbs;
    double[] sse;
    double[] mean;
    double[] m2;

    /**
     * Adds a batch: output and target of the same shape {@code [N]} or {@code [N, D...]} ({@code [N]}
     * against {@code [N, 1]} is accepted either way); the columns are everything after the first dimension.
     */
    void update(String metric, Tensor output, Tensor target) {
        int[] o = output.shape();
        int[] t = target.shape();
        ClassBatch.checkSamples(metric, o, t);
        if (!Arrays.equals(ClassBatch.squeeze1(o), ClassBatch.squeeze1(t))) {
            throw new IllegalArgumentException(metric + ": output " + Arrays.toString(o) + " and target "
                    + Arrays.toString(t) + " must have the same shape ([N] and [N, 1] may be mixed)");
        }
        double[] y = output.toDoubleArray();
        double[] x = target.toDoubleArray();
        int batch = o[0];
        if (batch == 0) {
            return;
        }
        int d = y.length / batch;
        if (n == 0) {
            columns = d;
            sumAbs = new double[d];
            sse = new double[d];
            mean = new double[d];
            m2 = new double[d];
        } else if (d != columns) {
            throw new IllegalArgumentException(metric + ": this batch has " + d + " values per sample (output "
                    + Arrays.toString(o) + "), earlier batches had " + columns);
        }
        for (int j = 0; j < d; j++) {
            double bm = 0;
            for (int i = 0; i < batch; i++) {
                double e = y[i * d + j] - x[i * d + j];
                sumAbs[j] += Math.abs(e);
                sse[j] += e * e;
                bm += x[i * d + j];
            }
            bm /= batch;
            double bm2 = 0;
            for (int i = 0; i < batch; i++) {
                double dev = x[i * d + j] - bm;
                bm2 += dev * dev;
            }
            double delta = bm - mean[j];
            long total = n + batch;
            mean[j] += delta * batch / total;
            m2[j] += bm2 + delta * delta * ((double) n * batch / total);
        }
        n += batch;
    }

    void reset() {
        n = 0;
    }
}
