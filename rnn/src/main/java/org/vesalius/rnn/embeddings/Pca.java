package org.vesalius.rnn.embeddings;

import org.vesalius.tensor.Generator;

/**
 * The leading principal-component scores of points, as scikit-learn's {@code PCA.fit_transform}
 * (centred, components by decreasing variance, each sign chosen so that its largest score is
 * positive). Few components of many dimensions go through subspace iteration, as scikit-learn's
 * randomized solver does: a block of {@code components + 10} directions is multiplied by the
 * covariance and re-orthonormalized 12 times, then the small projected problem is solved exactly.
 */
final class Pca {
    private static final int OVERSAMPLE = 10;
    private static final int ITERATIONS = 12;

    private Pca() {
    }

    /** Scores {@code [n][components]}. */
    static double[][] scores(Points x, int components, Generator generator, Parallel parallel) {
        int n = x.n();
        int d = x.d();
        if (components > d) {
            throw new IllegalArgumentException("PCA: " + components + " components of " + d + "-dimensional points");
        }
        double[] mean = new double[d];
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < d; t++) {
                mean[t] += x.data()[i * d + t];
            }
        }
        for (int t = 0; t < d; t++) {
            mean[t] /= n;
        }
        int k = Math.min(d, components + OVERSAMPLE);
        double[][] q = new double[k][d];
        if (k == d) {
            for (int c = 0; c < k; c++) {
                q[c][c] = 1; // all directions: the projected problem is the covariance itself
            }
        } else {
            for (double[] row : q) {
                for (int t = 0; t < d; t++) {
                    row[t] = gaussian(generator);
                }
            }
            orthonormalize(q);
            for (int it = 0; it < ITERATIONS; it++) {
                q = covarianceTimes(x, mean, project(x, mean, q, parallel), parallel);
                orthonormalize(q);
            }
        }
        double[][] w = project(x, mean, q, parallel);
        double[][] b = new double[k][k];
        for (int a = 0; a < k; a++) {
            for (int c = a; c < k; c++) {
                double s = 0;
                for (int i = 0; i < n; i++) {
                    s += w[i][a] * w[i][c];
                }
                b[a][c] = s;
                b[c][a] = s;
            }
        }
        double[][] vectors = new double[k][k];
        double[] values = jacobi(b, vectors);
        double[][] out = new double[n][components];
        boolean[] used = new boolean[k];
        for (int c = 0; c < components; c++) {
            int best = -1;
            for (int e = 0; e < k; e++) {
                if (!used[e] && (best < 0 || values[e] > values[best])) {
                    best = e;
                }
            }
            used[best] = true;
            double maxAbs = -1;
            double sign = 1;
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int a = 0; a < k; a++) {
                    s += w[i][a] * vectors[a][best];
                }
                out[i][c] = s;
                if (Math.abs(s) > maxAbs) {
                    maxAbs = Math.abs(s);
                    sign = s < 0 ? -1 : 1;
                }
            }
            for (int i = 0; i < n; i++) {
                out[i][c] *= sign;
            }
        }
        return out;
    }

    /** {@code (x - mean) q^T}: each centred point's coordinates along the rows of {@code q}, {@code [n][k]}. */
    private static double[][] project(Points x, double[] mean, double[][] q, Parallel parallel) {
        int d = x.d();
        double[][] w = new double[x.n()][q.length];
        parallel.forRange(x.n(), 256, (from, to) -> {
            double[] row = new double[d];
            for (int i = from; i < to; i++) {
                for (int t = 0; t < d; t++) {
                    row[t] = x.data()[i * d + t] - mean[t];
                }
                for (int a = 0; a < q.length; a++) {
                    double s = 0;
                    for (int t = 0; t < d; t++) {
                        s += row[t] * q[a][t];
                    }
                    w[i][a] = s;
                }
            }
        });
        return w;
    }

    /**
     * {@code w^T (x - mean)}, the covariance (unscaled) applied to the block: {@code [k][d]}. Rows are
     * summed in a fixed number of blocks, added up in block order, so the result does not depend on
     * the thread count.
     */
    private static double[][] covarianceTimes(Points x, double[] mean, double[][] w, Parallel parallel) {
        int d = x.d();
        int n = x.n();
        int k = w[0].length;
        int blocks = Math.min(16, (n + 255) / 256);
        double[][][] partial = new double[blocks][k][d];
        parallel.forRange(blocks, 1, (from, to) -> {
            double[] row = new double[d];
            for (int blk = from; blk < to; blk++) {
                double[][] z = partial[blk];
                for (int i = (int) ((long) n * blk / blocks); i < (int) ((long) n * (blk + 1) / blocks); i++) {
                    for (int t = 0; t < d; t++) {
                        row[t] = x.data()[i * d + t] - mean[t];
                    }
                    for (int a = 0; a < k; a++) {
                        double wa = w[i][a];
                        double[] za = z[a];
                        for (int t = 0; t < d; t++) {
                            za[t] += wa * row[t];
                        }
                    }
                }
            }
        });
        double[][] z = partial[0];
        for (int blk = 1; blk < blocks; blk++) {
            for (int a = 0; a < k; a++) {
                for (int t = 0; t < d; t++) {
                    z[a][t] += partial[blk][a][t];
                }
            }
        }
        return z;
    }

    /**
     * Modified Gram-Schmidt on the rows; a row that becomes (numerically) zero is replaced by the first
     * unit vector not in the span of the rows before it (there is one, since there are at most d rows).
     */
    private static void orthonormalize(double[][] q) {
        for (int a = 0; a < q.length; a++) {
            int unit = 0;
            while (!orthogonalize(q, a)) {
                java.util.Arrays.fill(q[a], 0);
                q[a][unit++] = 1;
            }
        }
    }

    /** Makes row {@code a} orthogonal to the rows before it and of unit length; false when nothing is left of it. */
    private static boolean orthogonalize(double[][] q, int a) {
        int d = q[a].length;
        double before = 0;
        for (int t = 0; t < d; t++) {
            before += q[a][t] * q[a][t];
        }
        for (int b = 0; b < a; b++) {
            double dot = 0;
            for (int t = 0; t < d; t++) {
                dot += q[a][t] * q[b][t];
            }
            for (int t = 0; t < d; t++) {
                q[a][t] -= dot * q[b][t];
            }
        }
        double norm = 0;
        for (int t = 0; t < d; t++) {
            norm += q[a][t] * q[a][t];
        }
        if (!(norm > 1e-20 * before) || norm == 0) {
            return false;
        }
        norm = Math.sqrt(norm);
        for (int t = 0; t < d; t++) {
            q[a][t] /= norm;
        }
        return true;
    }

    /**
     * Eigenvalues of the symmetric matrix {@code a} (overwritten) by cyclic Jacobi rotations; the
     * eigenvectors go to the columns of {@code v}.
     */
    static double[] jacobi(double[][] a, double[][] v) {
        int k = a.length;
        for (int i = 0; i < k; i++) {
            java.util.Arrays.fill(v[i], 0);
            v[i][i] = 1;
        }
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0;
            double diag = 0;
            for (int p = 0; p < k; p++) {
                diag += a[p][p] * a[p][p];
                for (int r = p + 1; r < k; r++) {
                    off += a[p][r] * a[p][r];
                }
            }
            if (off <= 1e-30 * diag || off == 0) {
                break;
            }
            for (int p = 0; p < k; p++) {
                for (int r = p + 1; r < k; r++) {
                    if (a[p][r] == 0) {
                        continue;
                    }
                    double theta = (a[r][r] - a[p][p]) / (2 * a[p][r]);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) {
                        t = 1;
                    }
                    double c = 1 / Math.sqrt(t * t + 1);
                    double s = t * c;
                    for (int m = 0; m < k; m++) {
                        double amp = a[m][p];
                        double amr = a[m][r];
                        a[m][p] = c * amp - s * amr;
                        a[m][r] = s * amp + c * amr;
                    }
                    for (int m = 0; m < k; m++) {
                        double apm = a[p][m];
                        double arm = a[r][m];
                        a[p][m] = c * apm - s * arm;
                        a[r][m] = s * apm + c * arm;
                    }
                    for (int m = 0; m < k; m++) {
                        double vmp = v[m][p];
                        double vmr = v[m][r];
                        v[m][p] = c * vmp - s * vmr;
                        v[m][r] = s * vmp + c * vmr;
                    }
                }
            }
        }
        double[] values = new double[k];
        for (int i = 0; i < k; i++) {
            values[i] = a[i][i];
        }
        return values;
    }

    /** Box-Muller from the generator's uniform draws. */
    static double gaussian(Generator g) {
        double u1 = Math.max(g.nextDouble(), Double.MIN_VALUE);
        double u2 = g.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
