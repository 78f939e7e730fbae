package org.vesalius.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.vesalius.tensor.Generator;

/** Splitting datasets: random splits like {@code torch.utils.data.random_split}, and a stratified holdout. */
public final class Datasets {
    private Datasets() {
    }

    /**
     * Splits {@code dataset} into disjoint random subsets, like {@code random_split}. With fractions
     * (each in [0, 1], summing to 1) the sizes are {@code floor(n * f)}, and the samples left over go
     * one each to the first subsets; otherwise the values are sizes, whole numbers summing to n.
     * Subsets hold the samples in the permuted order drawn from {@code seed}.
     */
    public static <T> List<Dataset<T>> randomSplit(Dataset<T> dataset, double[] fractionsOrSizes, long seed) {
        if (dataset == null || fractionsOrSizes == null || fractionsOrSizes.length == 0) {
            throw new IllegalArgumentException("randomSplit: expected a dataset and at least one fraction or size");
        }
        int n = dataset.size();
        int[] sizes = splitSizes(n, fractionsOrSizes);
        int[] perm = permutation(n, new Generator(seed));
        List<Dataset<T>> parts = new ArrayList<>(sizes.length);
        int from = 0;
        for (int s : sizes) {
            parts.add(new Subset<>(dataset, Arrays.copyOfRange(perm, from, from + s)));
            from += s;
        }
        return parts;
    }

    static int[] splitSizes(int n, double[] v) {
        double sum = 0;
        boolean fractions = true;
        for (double x : v) {
            if (!(x >= 0) || Double.isInfinite(x)) {
                throw new IllegalArgumentException("randomSplit: fractions and sizes must be finite and non-negative, got "
                        + Arrays.toString(v));
            }
            sum += x;
            fractions &= x <= 1;
        }
        int[] sizes = new int[v.length];
        if (fractions && Math.abs(sum - 1) < 1e-9) {
            int total = 0;
            for (int i = 0; i < v.length; i++) {
                sizes[i] = (int) Math.floor(n * v[i]);
                total += sizes[i];
            }
            for (int i = 0; total < n; i = (i + 1) % v.length, total++) {
                sizes[i]++;
            }
            return sizes;
        }
        long total = 0;
        for (int i = 0; i < v.length; i++) {
            if (v[i] != Math.rint(v[i])) {
                throw new IllegalArgumentException("randomSplit: " + Arrays.toString(v) + " are neither fractions summing "
                        + "to 1 nor whole sizes (" + v[i] + " at position " + i + ")");
            }
            sizes[i] = (int) v[i];
            total += sizes[i];
        }
        if (total != n) {
            throw new IllegalArgumentException("randomSplit: sizes " + Arrays.toString(sizes) + " sum to " + total
                    + " but the dataset has " + n + " samples");
        }
        return sizes;
    }

    /**
     * A holdout split that keeps class proportions: about {@code validationFraction} of each class
     * (largest-remainder rounding, so the validation set has {@code round(n * fraction)} samples and
     * each class is off by less than one sample) goes to validation, drawn at random with {@code seed}.
     */
    public static Fold stratifiedSplit(long[] labels, double validationFraction, long seed) {
        if (labels == null) {
            throw new IllegalArgumentException("stratifiedSplit: labels are null");
        }
        if (!(validationFraction >= 0 && validationFraction <= 1)) {
            throw new IllegalArgumentException("stratifiedSplit: validationFraction must be in [0, 1], got "
                    + validationFraction);
        }
        Map<Long, int[]> classes = byClass(labels);
        int target = (int) Math.round(labels.length * validationFraction);
        int c = classes.size();
        int[][] members = classes.values().toArray(new int[0][]);
        int[] take = new int[c];
        double[] remainder = new double[c];
        int given = 0;
        for (int i = 0; i < c; i++) {
            double ideal = members[i].length * validationFraction;
            take[i] = (int) Math.floor(ideal);
            remainder[i] = ideal - take[i];
            given += take[i];
        }
        Integer[] byRemainder = new Integer[c];
        for (int i = 0; i < c; i++) {
            byRemainder[i] = i;
        }
        // ties go to the larger class, then to the smaller label, so the result does not depend on luck
        Arrays.sort(byRemainder, (a, b) -> remainder[a] != remainder[b] ? Double.compare(remainder[b], remainder[a])
                : members[a].length != members[b].length ? Integer.compare(members[b].length, members[a].length)
                : Integer.compare(a, b));
        for (int j = 0; given < target; j = (j + 1) % c) {
            int i = byRemainder[j];
            if (take[i] < members[i].length) {
                take[i]++;
                given++;
            }
        }
        Generator g = new Generator(seed);
        int[] val = new int[target];
        int[] train = new int[labels.length - target];
        int v = 0;
        int t = 0;
        for (int i = 0; i < c; i++) {
            int[] m = shuffled(members[i], g);
            for (int j = 0; j < m.length; j++) {
                if (j < take[i]) {
                    val[v++] = m[j];
                } else {
                    train[t++] = m[j];
                }
            }
        }
        Arrays.sort(val);
        Arrays.sort(train);
        return new Fold(train, val);
    }

    /** Sample indices of each label, ascending, by label ascending. */
    static Map<Long, int[]> byClass(long[] labels) {
        Map<Long, List<Integer>> lists = new TreeMap<>();
        for (int i = 0; i < labels.length; i++) {
            lists.computeIfAbsent(labels[i], k -> new ArrayList<>()).add(i);
        }
        Map<Long, int[]> out = new TreeMap<>();
        lists.forEach((k, l) -> out.put(k, l.stream().mapToInt(Integer::intValue).toArray()));
        return out;
    }

    /** 0..n-1 in a random order (Fisher-Yates with {@code g}). */
    static int[] permutation(int n, Generator g) {
        int[] p = range(n);
        shuffle(p, g);
        return p;
    }

    /** 0..n-1. */
    static int[] range(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        return p;
    }

    static int[] shuffled(int[] a, Generator g) {
        int[] p = a.clone();
        shuffle(p, g);
        return p;
    }

    private static void shuffle(int[] p, Generator g) {
        for (int i = p.length - 1; i > 0; i--) {
            int j = g.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
    }
}
