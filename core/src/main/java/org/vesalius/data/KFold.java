package org.vesalius.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.vesalius.tensor.Generator;

/**
 * K-fold cross-validation indices, like scikit-learn's {@code KFold}: the samples (shuffled with
 * {@code seed} if asked) are cut into k contiguous folds, the first {@code n % k} one sample larger;
 * fold i validates on part i and trains on the rest, so every sample is validated exactly once.
 */
public final class KFold {
    private final int k;
    private final boolean shuffle;
    private final long seed;

    /** K folds in sample order. */
    public KFold(int k) {
        this(k, false, 0);
    }

    public KFold(int k, boolean shuffle, long seed) {
        if (k < 2) {
            throw new IllegalArgumentException("KFold: k must be at least 2, got " + k);
        }
        this.k = k;
        this.shuffle = shuffle;
        this.seed = seed;
    }

    public int k() {
        return k;
    }

    /** Fold {@code i} (0 to k-1) of {@code n} samples. */
    public Fold fold(int n, int i) {
        checkFold("KFold", n, i, k);
        int[] order = shuffle ? Datasets.permutation(n, new Generator(seed)) : Datasets.range(n);
        int base = n / k;
        int extra = n % k;
        int from = i * base + Math.min(i, extra);
        int to = from + base + (i < extra ? 1 : 0);
        int[] val = Arrays.copyOfRange(order, from, to);
        int[] train = new int[n - val.length];
        System.arraycopy(order, 0, train, 0, from);
        System.arraycopy(order, to, train, from, n - to);
        Arrays.sort(val);
        Arrays.sort(train);
        return new Fold(train, val);
    }

    /** All k folds of {@code n} samples. */
    public List<Fold> split(int n) {
        List<Fold> folds = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            folds.add(fold(n, i));
        }
        return folds;
    }

    static void checkFold(String who, int n, int i, int k) {
        if (n < k) {
            throw new IllegalArgumentException(who + ": cannot make " + k + " folds of " + n + " samples; need at least "
                    + k + " samples");
        }
        if (i < 0 || i >= k) {
            throw new IllegalArgumentException(who + ": fold " + i + " is out of range; folds are 0 to " + (k - 1));
        }
    }
}
