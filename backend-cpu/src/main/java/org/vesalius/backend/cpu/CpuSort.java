package org.vesalius.backend.cpu;

import org.vesalius.tensor.Tensor;

/**
 * Stable sort of each line along one dim. Every dtype is sorted through a signed 64-bit key (longs as
 * they are, floating values by their IEEE bits flipped so that integer order is numeric order), then a
 * merge sort of positions by key: stable, allocation-free per line, and NaN lands above +inf as PyTorch
 * puts it.
 */
final class CpuSort {
    private CpuSort() {
    }

    static void sort(Tensor x, int dim, boolean descending, Tensor values, Tensor indices) {
        int rank = x.dim();
        int n = rank == 0 ? 1 : x.shape()[dim];
        int xs = rank == 0 ? 0 : x.strides()[dim];
        int vs = rank == 0 ? 0 : values.strides()[dim];
        int is = rank == 0 ? 0 : indices.strides()[dim];
        Strided it = rank == 0 ? Strided.of(x, values, indices) : CpuReduce.lines(dim, x, values, indices);
        CpuStorage sx = CpuElementwise.st(x);
        CpuStorage sv = CpuElementwise.st(values);
        CpuStorage si = CpuElementwise.st(indices);
        boolean integral = Access.kind(x.dtype()) == Access.Kind.L;
        Parallel.range(it.numel, Math.max(1, Parallel.GRAIN / Math.max(n, 1)), (from, to) -> {
            double[] dline = integral ? null : new double[n];
            long[] lline = new long[n];
            long[] keys = new long[n];
            int[] order = new int[n];
            int[] scratch = new int[n];
            long[] outIdx = new long[n];
            double[] dsorted = integral ? null : new double[n];
            long[] lsorted = integral ? new long[n] : null;
            it.forEach(from, to, (off, len) -> {
                for (int j = 0; j < len; j++) {
                    int bx = off[0] + j * it.inner(0);
                    if (integral) {
                        Access.load(sx, bx, xs, lline, n);
                        System.arraycopy(lline, 0, keys, 0, n);
                    } else {
                        Access.load(sx, bx, xs, dline, n);
                        for (int i = 0; i < n; i++) {
                            keys[i] = key(dline[i]);
                        }
                    }
                    for (int i = 0; i < n; i++) {
                        order[i] = i;
                    }
                    mergeSort(order, scratch, keys, 0, n, descending);
                    for (int i = 0; i < n; i++) {
                        int p = order[i];
                        outIdx[i] = p;
                        if (integral) {
                            lsorted[i] = lline[p];
                        } else {
                            dsorted[i] = dline[p];
                        }
                    }
                    if (integral) {
                        Access.store(lsorted, n, sv, off[1] + j * it.inner(1), vs);
                    } else {
                        Access.store(dsorted, n, sv, off[1] + j * it.inner(1), vs);
                    }
                    Access.store(outIdx, n, si, off[2] + j * it.inner(2), is);
                }
            });
        });
    }

    /** A long whose signed order is v's numeric order; every NaN maps above +inf, -0.0 equals 0.0. */
    static long key(double v) {
        return v != v ? Long.MAX_VALUE : OrderKeys.orderKey(v);
    }

    /** Sorts positions a[lo, hi) by keys; equal keys keep their relative order in both directions. */
    private static void mergeSort(int[] a, int[] tmp, long[] keys, int lo, int hi, boolean descending) {
        if (hi - lo <= 16) {
            for (int i = lo + 1; i < hi; i++) {
                int v = a[i];
                long k = keys[v];
                int j = i - 1;
                while (j >= lo && before(k, keys[a[j]], descending)) {
                    a[j + 1] = a[j];
                    j--;
                }
                a[j + 1] = v;
            }
            return;
        }
        int mid = (lo + hi) >>> 1;
        mergeSort(a, tmp, keys, lo, mid, descending);
        mergeSort(a, tmp, keys, mid, hi, descending);
        if (!before(keys[a[mid]], keys[a[mid - 1]], descending)) {
            return;
        }
        System.arraycopy(a, lo, tmp, lo, hi - lo);
        int i = lo;
        int j = mid;
        for (int k = lo; k < hi; k++) {
            if (i < mid && (j >= hi || !before(keys[tmp[j]], keys[tmp[i]], descending))) {
                a[k] = tmp[i++];
            } else {
                a[k] = tmp[j++];
            }
        }
    }

    /** Whether key a goes strictly before key b. */
    private static boolean before(long a, long b, boolean descending) {
        return descending ? a > b : a < b;
    }
}
