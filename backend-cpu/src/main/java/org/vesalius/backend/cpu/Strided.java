package org.vesalius.backend.cpu;

import org.vesalius.tensor.Tensor;

/**
 * Walks several same-shaped strided tensors together, in row-major order of the shape, handing a
 * kernel chunks of up to {@link #CHUNK} elements along the innermost dimension. Dimensions that
 * are contiguous for every operand are merged first, so a contiguous tensor is one long row.
 *
 * <p>Positions in the row-major order are longs: a view (expand) may have more than 2^31-1
 * elements. Offsets and strides stay ints, since every element reached lies in a storage of at
 * most 2^31-1 elements; merged dimensions stay below 2^31 so that the per-dim sizes do too.
 */
final class Strided {
    static final int CHUNK = 2048;

    /** Receives one chunk: element offsets of each operand and the chunk length. */
    @FunctionalInterface
    interface Chunk {
        void run(int[] offsets, int len);
    }

    final int ndim;
    final int[] shape;
    final int[][] strides;
    final int[] base;
    final long numel;
    /** Length of the arrays a chunk handler needs: min(CHUNK, numel). */
    final int chunk;

    private Strided(int[] shape, int[][] strides, int[] base) {
        this.ndim = shape.length;
        this.shape = shape;
        this.strides = strides;
        this.base = base;
        long n = 1;
        for (int s : shape) {
            n *= s;
        }
        this.numel = n;
        this.chunk = (int) Math.max(1, Math.min(CHUNK, n));
    }

    /** The iteration over {@code ops}, which must all have the first operand's shape. */
    static Strided of(Tensor... ops) {
        int nops = ops.length;
        if (dense(ops)) {
            // the common case: every operand contiguous with the same element count, one long row
            int[][] st = new int[nops][];
            int[] base = new int[nops];
            for (int k = 0; k < nops; k++) {
                st[k] = UNIT;
                base[k] = ops[k].offset();
            }
            return new Strided(new int[] {(int) ops[0].numel()}, st, base); // contiguous: fits an int
        }
        int[][] st = new int[nops][];
        int[] base = new int[nops];
        for (int k = 0; k < nops; k++) {
            st[k] = ops[k].strides();
            base[k] = ops[k].offset();
        }
        return raw(ops[0].shape(), st, base);
    }

    private static final int[] UNIT = {1};

    private static boolean dense(Tensor[] ops) {
        long n = ops[0].numel();
        for (Tensor t : ops) {
            if (t.numel() != n || !t.isContiguous()) {
                return false;
            }
        }
        return true;
    }

    /** The iteration over a shape with one stride array and base offset per operand. */
    static Strided raw(int[] shape, int[][] st, int[] base) {
        int nops = st.length;
        // drop size-1 dims
        int keep = 0;
        for (int s : shape) {
            if (s != 1) {
                keep++;
            }
        }
        int[] sh = new int[Math.max(keep, 1)];
        int[][] ss = new int[nops][sh.length];
        if (keep == 0) {
            sh[0] = shape.length == 0 || shape[0] != 0 ? 1 : 0;
            for (int s : shape) {
                if (s == 0) {
                    sh[0] = 0;
                }
            }
        } else {
            int j = 0;
            for (int d = 0; d < shape.length; d++) {
                if (shape[d] != 1) {
                    sh[j] = shape[d];
                    for (int k = 0; k < nops; k++) {
                        ss[k][j] = st[k][d];
                    }
                    j++;
                }
            }
        }
        // merge dims d and d+1 when every operand steps over d exactly as one row of d+1
        int n = sh.length;
        int[] mshape = new int[n];
        int[][] mst = new int[nops][n];
        int m = 0;
        mshape[0] = sh[0];
        for (int k = 0; k < nops; k++) {
            mst[k][0] = ss[k][0];
        }
        for (int d = 1; d < n; d++) {
            // a merged size past 2^31-1 (a large expand: stride 0 merges with anything) stays two dims
            boolean merge = (long) mshape[m] * sh[d] <= Integer.MAX_VALUE;
            for (int k = 0; merge && k < nops; k++) {
                if (mst[k][m] != (long) ss[k][d] * sh[d]) {
                    merge = false;
                    break;
                }
            }
            if (merge) {
                mshape[m] *= sh[d];
                for (int k = 0; k < nops; k++) {
                    mst[k][m] = ss[k][d];
                }
            } else {
                m++;
                mshape[m] = sh[d];
                for (int k = 0; k < nops; k++) {
                    mst[k][m] = ss[k][d];
                }
            }
        }
        int dims = m + 1;
        int[] fshape = java.util.Arrays.copyOf(mshape, dims);
        int[][] fst = new int[nops][];
        for (int k = 0; k < nops; k++) {
            fst[k] = java.util.Arrays.copyOf(mst[k], dims);
        }
        return new Strided(fshape, fst, base);
    }

    /** Stride of operand {@code k} along the innermost dimension (0 for a broadcast operand). */
    int inner(int k) {
        return strides[k][ndim - 1];
    }

    /** Visits elements [start, end) of the row-major order. */
    void forEach(long start, long end, Chunk fn) {
        forEach(base, start, end, fn);
    }

    /** Visits elements [start, end) with other base offsets (one per operand). */
    void forEach(int[] baseOffsets, long start, long end, Chunk fn) {
        if (start >= end) {
            return;
        }
        int nops = baseOffsets.length;
        int[] idx = new int[ndim];
        int[] off = baseOffsets.clone();
        long rem = start;
        for (int d = ndim - 1; d >= 0; d--) {
            idx[d] = (int) (rem % shape[d]);
            rem /= shape[d];
            for (int k = 0; k < nops; k++) {
                off[k] += idx[d] * strides[k][d];
            }
        }
        int last = ndim - 1;
        int rowLen = shape[last];
        long pos = start;
        while (pos < end) {
            int len = (int) Math.min(Math.min(rowLen - idx[last], end - pos), CHUNK);
            fn.run(off, len);
            pos += len;
            idx[last] += len;
            for (int k = 0; k < nops; k++) {
                off[k] += len * strides[k][last];
            }
            if (idx[last] == rowLen && pos < end) {
                // carry into outer dims
                for (int k = 0; k < nops; k++) {
                    off[k] -= rowLen * strides[k][last];
                }
                idx[last] = 0;
                for (int d = last - 1; d >= 0; d--) {
                    idx[d]++;
                    for (int k = 0; k < nops; k++) {
                        off[k] += strides[k][d];
                    }
                    if (idx[d] < shape[d]) {
                        break;
                    }
                    for (int k = 0; k < nops; k++) {
                        off[k] -= shape[d] * strides[k][d];
                    }
                    idx[d] = 0;
                }
            }
        }
    }

    /** Visits every element, splitting across threads; {@code factory} gives each thread its own chunk handler. */
    void parallel(java.util.function.Supplier<Chunk> factory) {
        Parallel.range(numel, Parallel.GRAIN, (from, to) -> forEach(from, to, factory.get()));
    }
}
