package org.vesalius.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vesalius.tensor.Generator;

/**
 * K-fold cross-validation that keeps class proportions, like scikit-learn's
 * {@code StratifiedKFold}: the samples of each class (shuffled within the class with {@code seed}
 * if asked) are dealt to the folds in turn, continuing from class to class, so every fold holds
 * {@code floor} or {@code ceil} of {@code classSize / k} of each class, fold sizes differ by at most
 * one, and every sample is validated exactly once.
 */
public final class StratifiedKFold {
    private static final Logger LOG = LoggerFactory.getLogger(StratifiedKFold.class);

    private final int k;
    private final boolean shuffle;
    private final long seed;

    /** K folds, classes dealt in sample order. */
    public StratifiedKFold(int k) {
        this(k, false, 0);
    }

    public StratifiedKFold(int k, boolean shuffle, long seed) {
        if (k < 2) {
            throw new IllegalArgumentException("StratifiedKFold: k must be at least 2, got " + k);
        }
        this.k = k;
        this.shuffle = shuffle;
        this.seed = seed;
    }

    public int k() {
        return k;
    }

    /** Fold {@code i} (0 to k-1) for samples with class {@code labels[j]}. */
    public Fold fold(long[] labels, int i) {
        return split(labels, i).get(0);
    }

    /** All k folds. */
    public List<Fold> split(long[] labels) {
        return split(labels, -1);
    }

    private List<Fold> split(long[] labels, int only) {
        if (labels == null) {
            throw new IllegalArgumentException("StratifiedKFold: labels are null");
        }
        KFold.checkFold("StratifiedKFold", labels.length, Math.max(only, 0), k);
        Map<Long, int[]> classes = Datasets.byClass(labels);
        Generator g = new Generator(seed);
        int[] foldOf = new int[labels.length];
        int position = 0;
        for (Map.Entry<Long, int[]> c : classes.entrySet()) {
            if (c.getValue().length < k) {
                LOG.warn("StratifiedKFold: class {} has only {} samples, fewer than k = {}; some folds validate none of it",
                        c.getKey(), c.getValue().length, k);
            }
            int[] members = shuffle ? Datasets.shuffled(c.getValue(), g) : c.getValue();
            for (int m : members) {
                foldOf[m] = position++ % k;
            }
        }
        List<Fold> folds = new ArrayList<>();
        for (int f = 0; f < k; f++) {
            if (only >= 0 && f != only) {
                continue;
            }
            int[] val = new int[labels.length];
            int[] train = new int[labels.length];
            int v = 0;
            int t = 0;
            for (int j = 0; j < labels.length; j++) {
                if (foldOf[j] == f) {
                    val[v++] = j;
                } else {
                    train[t++] = j;
                }
            }
            folds.add(new Fold(Arrays.copyOf(train, t), Arrays.copyOf(val, v)));
        }
        return folds;
    }
}
