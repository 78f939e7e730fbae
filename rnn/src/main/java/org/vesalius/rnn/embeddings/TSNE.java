package org.vesalius.rnn.embeddings;

import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;

/**
 * t-distributed stochastic neighbour embedding into two dimensions with the Barnes-Hut
 * approximation, following scikit-learn's {@code TSNE(method='barnes_hut')} and its defaults:
 * <ul>
 *   <li>input similarities on the exact {@code min(N - 1, 3 * perplexity + 1)} nearest neighbours
 *       (Euclidean), a Gaussian per point calibrated by bisection to the perplexity, symmetrized and
 *       normalized;</li>
 *   <li>initialisation by PCA, scaled so that the first coordinate has standard deviation 1e-4
 *       ({@link Init#RANDOM}: normal with that standard deviation);</li>
 *   <li>gradient descent on the Kullback-Leibler divergence with a Student-t kernel (one degree of
 *       freedom), the repulsion summed over a quadtree whose cells stand for their points when
 *       width / distance &lt; {@code angle} (0.5);</li>
 *   <li>early exaggeration 12 for the first 250 iterations with momentum 0.5, then momentum 0.8 (the
 *       update and gains restarting) up to 1000 iterations; per-coordinate gains (delta-bar-delta,
 *       +0.2 / x0.8, at least 0.01); learning rate {@code max(N / exaggeration / 4, 50)};</li>
 *   <li>every 50 iterations the divergence is measured: the run stops when it has not improved for 300
 *       iterations (250 in the first phase) or the gradient norm is below 1e-7.</li>
 * </ul>
 * Each iteration costs O(N log N) and runs on {@code threads} threads; the neighbour search compares
 * all pairs once (O(N^2 D)). A run is repeatable: the seed fixes it, whatever the thread count.
 * <pre>{@code
 * float[][] xy = new TSNE(30).seed(0).fitTransform(vectors);         // [N, D] -> [N, 2]
 * TSNE.Result r = new TSNE().fit(vectors);                           // with the final KL divergence
 * double t = TSNE.trustworthiness(vectors, r.embedding(), 5);        // 1 = neighbourhoods kept
 * }</pre>
 */
public final class TSNE {
    private static final Logger LOG = LoggerFactory.getLogger(TSNE.class);
    private static final int EXPLORATION_ITERATIONS = 250;
    private static final int CHECK_EVERY = 50;
    private static final double MIN_GAIN = 0.01;
    private static final double FLOAT32_TINY = Float.MIN_NORMAL;

    /** How the embedding starts. */
    public enum Init {
        /** The first two principal components, scaled to standard deviation 1e-4 (scikit-learn's {@code 'pca'}). */
        PCA,
        /** Normal with standard deviation 1e-4 (scikit-learn's {@code 'random'}). */
        RANDOM
    }

    /** The embedding {@code [N][2]}, the final KL divergence (as scikit-learn's {@code kl_divergence_}) and the iterations run. */
    public record Result(float[][] embedding, double klDivergence, int iterations) {
    }

    private double perplexity = 30;
    private double earlyExaggeration = 12;
    private double learningRate = Double.NaN;
    private int maxIter = 1000;
    private int iterWithoutProgress = 300;
    private double minGradNorm = 1e-7;
    private double angle = 0.5;
    private Init init = Init.PCA;
    private long seed;
    private int threads = Runtime.getRuntime().availableProcessors();

    /** scikit-learn's defaults: perplexity 30, seed 0. */
    public TSNE() {
    }

    /** Defaults with this perplexity (roughly the number of neighbours each point attends to; 5 to 50). */
    public TSNE(double perplexity) {
        perplexity(perplexity);
    }

    public TSNE perplexity(double value) {
        this.perplexity = positive("perplexity", value);
        return this;
    }

    /** Factor on the input similarities during the first 250 iterations (default 12). */
    public TSNE earlyExaggeration(double value) {
        if (!(value >= 1) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("TSNE: earlyExaggeration must be finite and at least 1, got " + value);
        }
        this.earlyExaggeration = value;
        return this;
    }

    /** A fixed learning rate instead of {@code max(N / earlyExaggeration / 4, 50)}. */
    public TSNE learningRate(double value) {
        this.learningRate = positive("learningRate", value);
        return this;
    }

    /** Back to the automatic learning rate {@code max(N / earlyExaggeration / 4, 50)} (the default). */
    public TSNE learningRateAuto() {
        this.learningRate = Double.NaN;
        return this;
    }

    /** Most iterations, the 250 exaggerated ones included (default 1000, at least 250). */
    public TSNE maxIter(int value) {
        if (value < EXPLORATION_ITERATIONS) {
            throw new IllegalArgumentException("TSNE: maxIter must be at least " + EXPLORATION_ITERATIONS
                    + " (the early exaggeration phase), got " + value);
        }
        this.maxIter = value;
        return this;
    }

    /** Iterations without a lower divergence after which the second phase stops (default 300). */
    public TSNE iterWithoutProgress(int value) {
        if (value < 1) {
            throw new IllegalArgumentException("TSNE: iterWithoutProgress must be at least 1, got " + value);
        }
        this.iterWithoutProgress = value;
        return this;
    }

    /** Gradient norm below which the descent stops (default 1e-7). */
    public TSNE minGradNorm(double value) {
        if (!(value >= 0)) {
            throw new IllegalArgumentException("TSNE: minGradNorm must be at least 0, got " + value);
        }
        this.minGradNorm = value;
        return this;
    }

    /** Barnes-Hut's angle: cells narrower than {@code angle} times their distance count as one body (default 0.5; 0 is exact). */
    public TSNE angle(double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException("TSNE: angle must be in [0, 1], got " + value);
        }
        this.angle = value;
        return this;
    }

    public TSNE init(Init value) {
        if (value == null) {
            throw new IllegalArgumentException("TSNE: init is null");
        }
        this.init = value;
        return this;
    }

    /** Seed of the initialisation's random numbers (PCA's starting block, or the random layout). */
    public TSNE seed(long value) {
        this.seed = value;
        return this;
    }

    /** Threads for the neighbour search and the gradient (default: the available processors). */
    public TSNE threads(int value) {
        if (value < 1) {
            throw new IllegalArgumentException("TSNE: threads must be at least 1, got " + value);
        }
        this.threads = value;
        return this;
    }

    private static double positive(String name, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("TSNE: " + name + " must be positive and finite, got " + value);
        }
        return value;
    }

    /** The 2-D embedding of the rows of {@code x [N][D]}. */
    public float[][] fitTransform(float[][] x) {
        return fit(x).embedding();
    }

    /** The 2-D embedding {@code [N, 2]} (float32, on the CPU) of the rows of a floating-point {@code x [N, D]}. */
    public Tensor fitTransform(Tensor x) {
        if (x.dim() != 2 || !x.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("TSNE.fitTransform: x must be a 2-D floating-point [N, D] tensor, got "
                    + x.dtype() + " " + Arrays.toString(x.shape()));
        }
        int n = x.size(0);
        int d = x.size(1);
        float[] flat = x.toFloatArray();
        float[][] rows = new float[n][];
        for (int i = 0; i < n; i++) {
            rows[i] = Arrays.copyOfRange(flat, i * d, (i + 1) * d);
        }
        float[][] y = fitTransform(rows);
        float[] out = new float[2 * n];
        for (int i = 0; i < n; i++) {
            out[2 * i] = y[i][0];
            out[2 * i + 1] = y[i][1];
        }
        return Tensor.of(out, n, 2);
    }

    /**
     * Embeds the rows of {@code x [N][D]} (N >= 2, finite values) in two dimensions.
     *
     * @throws IllegalArgumentException for ragged or non-finite input, {@code perplexity >= N}, or PCA
     *                                  initialisation of one-dimensional or constant points
     */
    public Result fit(float[][] x) {
        Points points = Points.of(x, "TSNE.fit");
        int n = points.n();
        if (n < 2) {
            throw new IllegalArgumentException("TSNE.fit: needs at least 2 points, got " + n);
        }
        if (perplexity >= n) {
            throw new IllegalArgumentException("TSNE.fit: perplexity " + perplexity + " must be less than the number of points "
                    + n);
        }
        if (init == Init.PCA && points.d() < 2) {
            throw new IllegalArgumentException("TSNE.fit: PCA initialisation needs at least 2 dimensions, got "
                    + points.d() + " (use Init.RANDOM)");
        }
        long start = System.nanoTime();
        try (Parallel parallel = new Parallel(threads)) {
            int k = Math.min(n - 1, (int) (3 * perplexity + 1));
            Affinities p = Affinities.joint(points.nearest(k, parallel), perplexity, parallel);
            long affinities = System.nanoTime();
            double[] y = initial(points, parallel);
            double lr = Double.isNaN(learningRate) ? Math.max(n / earlyExaggeration / 4, 50) : learningRate;
            Gradient gradient = new Gradient(p, angle, parallel);
            for (int t = 0; t < p.vals.length; t++) {
                p.vals[t] *= earlyExaggeration;
            }
            Descent first = descend(gradient, y, 0, EXPLORATION_ITERATIONS, 0.5, lr, EXPLORATION_ITERATIONS);
            for (int t = 0; t < p.vals.length; t++) {
                p.vals[t] /= earlyExaggeration;
            }
            Descent last = descend(gradient, y, first.lastIteration + 1, maxIter, 0.8, lr, iterWithoutProgress);
            if (last.lastIteration < first.lastIteration + 1) {
                last = first; // no iteration left after the exaggerated ones
            }
            float[][] out = new float[n][2];
            for (int i = 0; i < n; i++) {
                out[i][0] = (float) y[2 * i];
                out[i][1] = (float) y[2 * i + 1];
            }
            long end = System.nanoTime();
            LOG.info("t-SNE of {} points x {}: KL divergence {} after {} iterations, {} s ({} s for the affinities)",
                    n, points.d(), String.format("%.4f", last.error), last.lastIteration + 1,
                    String.format("%.2f", (end - start) / 1e9), String.format("%.2f", (affinities - start) / 1e9));
            return new Result(out, last.error, last.lastIteration + 1);
        }
    }

    private double[] initial(Points points, Parallel parallel) {
        int n = points.n();
        Generator g = new Generator(seed);
        double[] y = new double[2 * n];
        if (init == Init.RANDOM) {
            for (int t = 0; t < y.length; t++) {
                y[t] = 1e-4 * Pca.gaussian(g);
            }
            return y;
        }
        double[][] s = Pca.scores(points, 2, g, parallel);
        double mean = 0;
        for (double[] r : s) {
            mean += r[0];
        }
        mean /= n;
        double var = 0;
        for (double[] r : s) {
            var += (r[0] - mean) * (r[0] - mean);
        }
        double std = Math.sqrt(var / n);
        if (!(std > 0)) {
            throw new IllegalArgumentException("TSNE.fit: the points do not vary (all rows equal), PCA initialisation has nothing to"
                    + " scale");
        }
        for (int i = 0; i < n; i++) {
            y[2 * i] = s[i][0] / std * 1e-4;
            y[2 * i + 1] = s[i][1] / std * 1e-4;
        }
        return y;
    }

    private record Descent(int lastIteration, double error) {
    }

    /** scikit-learn's {@code _gradient_descent}: iterations {@code [from, to)}, update and gains starting afresh. */
    private Descent descend(Gradient gradient, double[] y, int from, int to, double momentum, double lr,
                            int withoutProgress) {
        double[] update = new double[y.length];
        double[] gains = new double[y.length];
        Arrays.fill(gains, 1);
        double[] grad = new double[y.length];
        double error = Double.MAX_VALUE;
        double bestError = Double.MAX_VALUE;
        int bestIter = from;
        int i = from;
        for (; i < to; i++) {
            boolean check = (i + 1) % CHECK_EVERY == 0;
            double e = gradient.evaluate(y, grad, check || i == to - 1);
            if (check || i == to - 1) {
                error = e;
            }
            double norm2 = 0;
            for (int t = 0; t < y.length; t++) {
                if (update[t] * grad[t] < 0) {
                    gains[t] += 0.2;
                } else {
                    gains[t] *= 0.8;
                }
                gains[t] = Math.max(gains[t], MIN_GAIN);
                double g = grad[t] * gains[t];
                norm2 += g * g;
                update[t] = momentum * update[t] - lr * g;
                y[t] += update[t];
            }
            if (check) {
                double norm = Math.sqrt(norm2);
                LOG.debug("t-SNE iteration {}: KL divergence {}, gradient norm {}", i + 1, error, norm);
                if (error < bestError) {
                    bestError = error;
                    bestIter = i;
                } else if (i - bestIter > withoutProgress) {
                    break;
                }
                if (norm <= minGradNorm) {
                    break;
                }
            }
        }
        return new Descent(Math.min(i, to - 1), error);
    }

    /** The KL divergence's gradient with Barnes-Hut repulsion (scikit-learn's {@code _kl_divergence_bh}). */
    static final class Gradient {
        private final Affinities p;
        private final double theta2;
        private final Parallel parallel;
        private final QuadTree tree = new QuadTree();
        private final double[] repulsion;
        private final double[] sumQ;
        private final double[] errors;

        Gradient(Affinities p, double angle, Parallel parallel) {
            this.p = p;
            this.theta2 = angle * angle;
            this.parallel = parallel;
            int n = p.n();
            this.repulsion = new double[2 * n];
            this.sumQ = new double[n];
            this.errors = new double[n];
        }

        /**
         * Writes {@code dKL/dy} to {@code grad} and returns the divergence when {@code withError}
         * (else NaN); {@code y} holds the points as {@code (y[2i], y[2i + 1])}.
         */
        double evaluate(double[] y, double[] grad, boolean withError) {
            int n = p.n();
            tree.build(y, n);
            parallel.forRange(n, 128, (from, to) -> {
                int[] stack = new int[QuadTree.stackSize()];
                for (int i = from; i < to; i++) {
                    sumQ[i] = tree.repulsion(y[2 * i], y[2 * i + 1], theta2, repulsion, i, stack);
                }
            });
            double z = 0;
            for (int i = 0; i < n; i++) {
                z += sumQ[i]; // in index order, so the total does not depend on the threads
            }
            double zz = z;
            parallel.forRange(n, 128, (from, to) -> {
                for (int i = from; i < to; i++) {
                    double fx = 0;
                    double fy = 0;
                    double err = 0;
                    for (int t = p.rowStart[i]; t < p.rowStart[i + 1]; t++) {
                        int j = p.cols[t];
                        double dx = y[2 * i] - y[2 * j];
                        double dy = y[2 * i + 1] - y[2 * j + 1];
                        double q = 1 / (1 + dx * dx + dy * dy);
                        double pq = p.vals[t] * q;
                        fx += pq * dx;
                        fy += pq * dy;
                        if (withError) {
                            err += p.vals[t] * Math.log(Math.max(p.vals[t], FLOAT32_TINY) / Math.max(q / zz, FLOAT32_TINY));
                        }
                    }
                    // 2 (dof + 1) / dof = 4 for one degree of freedom
                    grad[2 * i] = 4 * (fx - repulsion[2 * i] / zz);
                    grad[2 * i + 1] = 4 * (fy - repulsion[2 * i + 1] / zz);
                    errors[i] = err;
                }
            });
            if (!withError) {
                return Double.NaN;
            }
            double c = 0;
            for (int i = 0; i < n; i++) {
                c += errors[i];
            }
            return c;
        }
    }

    /**
     * How well {@code embedded} keeps the {@code nNeighbors} nearest neighbours of {@code x}, as
     * scikit-learn's {@code sklearn.manifold.trustworthiness} (Euclidean): 1 minus a penalty for every
     * point that is among a point's nearest {@code nNeighbors} in the embedding but not in the input,
     * weighted by how far down the input's ranking it is. 1 is perfect; a random layout scores about 0.5.
     *
     * @param x          the input points {@code [N][D]}
     * @param embedded   their embedding {@code [N][E]}
     * @param nNeighbors at least 1 and below {@code N / 2}
     */
    public static double trustworthiness(float[][] x, float[][] embedded, int nNeighbors) {
        return trustworthiness(x, embedded, nNeighbors, Runtime.getRuntime().availableProcessors());
    }

    /** {@link #trustworthiness(float[][], float[][], int)} on {@code threads} threads. */
    public static double trustworthiness(float[][] x, float[][] embedded, int nNeighbors, int threads) {
        Points in = Points.of(x, "TSNE.trustworthiness");
        Points out = Points.of(embedded, "TSNE.trustworthiness (embedded)");
        int n = in.n();
        if (out.n() != n) {
            throw new IllegalArgumentException("TSNE.trustworthiness: " + n + " points but " + out.n() + " embedded ones");
        }
        if (nNeighbors < 1 || nNeighbors >= n / 2.0) {
            throw new IllegalArgumentException("TSNE.trustworthiness: nNeighbors must be at least 1 and below N / 2 = "
                    + n / 2.0 + ", got " + nNeighbors);
        }
        long[] penalty = new long[n];
        try (Parallel parallel = new Parallel(threads)) {
            Points.Neighbours near = out.nearest(nNeighbors, parallel);
            parallel.forRange(n, 16, (from, to) -> {
                double[] dist = new double[n];
                double[] sorted = new double[n];
                for (int i = from; i < to; i++) {
                    for (int j = 0; j < n; j++) {
                        dist[j] = j == i ? Double.POSITIVE_INFINITY : in.distance2(i, j);
                    }
                    System.arraycopy(dist, 0, sorted, 0, n);
                    Arrays.sort(sorted);
                    long s = 0;
                    for (int m = 0; m < nNeighbors; m++) {
                        int j = near.indices()[i * nNeighbors + m];
                        // rank from 1 in the input's ordering; equal distances take the first place of their run
                        int rank = lowerBound(sorted, dist[j]) + 1;
                        s += Math.max(rank - nNeighbors, 0);
                    }
                    penalty[i] = s;
                }
            });
        }
        long total = 0;
        for (long s : penalty) {
            total += s;
        }
        double k = nNeighbors;
        return 1 - total * (2.0 / (n * k * (2.0 * n - 3.0 * k - 1.0)));
    }

    private static int lowerBound(double[] sorted, double v) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
