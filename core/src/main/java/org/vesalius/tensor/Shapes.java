package org.vesalius.tensor;

import java.util.Arrays;

/** Shape arithmetic shared by the ops: broadcasting, strides, dim normalisation, messages. */
final class Shapes {
    private Shapes() {
    }

    static String str(int[] shape) {
        return Arrays.toString(shape);
    }

    /**
     * Most elements a tensor that owns its memory may hold, and the longest Java array: strides and
     * offsets are ints, which stay valid because every element they reach lies in such a storage.
     * Views (expand, broadcasting) may have any number of elements up to 2^63-1.
     */
    static final int MAX_ELEMENTS = Integer.MAX_VALUE;

    /** Number of elements of {@code shape}, which must fit in a long (as PyTorch's int64 numel). */
    static long numel(int[] shape) {
        return numel("numel", shape);
    }

    /** {@link #numel(int[])} that names {@code op} when the count overflows 64 bits. */
    static long numel(String op, int[] shape) {
        long n = 1;
        for (int s : shape) {
            try {
                n = Math.multiplyExact(n, s);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException(op + ": shape " + str(shape)
                        + " has more elements than a 64-bit count can hold (2^63-1)", e);
            }
        }
        return n;
    }

    static int[] contiguousStrides(int[] shape) {
        int[] strides = new int[shape.length];
        int s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            strides[i] = s;
            s *= Math.max(shape[i], 1);
        }
        return strides;
    }

    /**
     * The element count of a tensor {@code op} must materialize (allocate, or copy into a Java array)
     * with {@code shape}, refused with the op, shape, count and limit when it is negative or more than
     * {@link #MAX_ELEMENTS}, before anything is allocated.
     */
    static int checkedElements(String op, int[] shape) {
        for (int s : shape) {
            if (s < 0) {
                throw new IllegalArgumentException(op + ": negative dimension in shape " + str(shape));
            }
            if (s == 0) {
                return 0;
            }
        }
        String count;
        try {
            long n = numel(op, shape);
            if (n <= MAX_ELEMENTS) {
                return (int) n;
            }
            count = Long.toString(n);
        } catch (IllegalArgumentException overflow) {
            count = "more than 2^63-1";
        }
        throw new IllegalArgumentException(op + ": a tensor of shape " + str(shape) + " would have " + count
                + " elements, more than the " + MAX_ELEMENTS + " (2^31-1) that a tensor with its own memory (or a"
                + " Java array) can hold; only views such as expand may be larger, so reduce the view or work on"
                + " slices of it");
    }

    /** Wraps a negative dim (PyTorch style) and checks its range. */
    static int dim(String op, int dim, int rank) {
        int r = Math.max(rank, 1);
        if (dim < -r || dim >= r) {
            throw new IllegalArgumentException(op + ": dimension " + dim + " out of range for a tensor of rank " + rank
                    + " (expected " + (-r) + ".." + (r - 1) + ")");
        }
        return dim < 0 ? dim + r : dim;
    }

    /** Normalises a set of dims; an empty array means every dim. Returned sorted, no repeats. */
    static int[] dims(String op, int[] dims, int rank) {
        if (dims == null || dims.length == 0) {
            int[] all = new int[rank];
            for (int i = 0; i < rank; i++) {
                all[i] = i;
            }
            return all;
        }
        boolean[] seen = new boolean[Math.max(rank, 1)];
        for (int d : dims) {
            int n = dim(op, d, rank);
            if (seen[n]) {
                throw new IllegalArgumentException(op + ": dimension " + d + " appears more than once in " + Arrays.toString(dims));
            }
            seen[n] = true;
        }
        int[] out = new int[dims.length];
        int k = 0;
        for (int i = 0; i < seen.length; i++) {
            if (seen[i]) {
                out[k++] = i;
            }
        }
        return Arrays.copyOf(out, k);
    }

    /** NumPy broadcasting of two shapes. */
    static int[] broadcast(String op, int[] a, int[] b) {
        int n = Math.max(a.length, b.length);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int da = i - (n - a.length) >= 0 ? a[i - (n - a.length)] : 1;
            int db = i - (n - b.length) >= 0 ? b[i - (n - b.length)] : 1;
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException(op + ": shapes " + str(a) + " and " + str(b)
                        + " cannot be broadcast (dimension " + i + ": " + da + " vs " + db + ")");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    static int[] keepDimShape(int[] shape, int[] dims) {
        int[] out = shape.clone();
        for (int d : dims) {
            out[d] = 1;
        }
        return out;
    }

    static int[] dropDims(int[] shape, int[] dims) {
        int[] out = new int[shape.length - dims.length];
        int k = 0;
        int j = 0;
        for (int i = 0; i < shape.length; i++) {
            if (j < dims.length && dims[j] == i) {
                j++;
            } else {
                out[k++] = shape[i];
            }
        }
        return out;
    }

    /**
     * Strides for viewing a tensor of {@code oldShape}/{@code oldStrides} as {@code newShape} without
     * copying, or {@code null} when the memory layout does not allow it (PyTorch's computeStride).
     */
    static int[] viewStrides(int[] oldShape, int[] oldStrides, int[] newShape) {
        int[] newStrides = new int[newShape.length];
        if (numel(oldShape) == 0 || oldShape.length == 0) {
            return contiguousStrides(newShape);
        }
        int viewD = newShape.length - 1;
        long chunkBase = oldStrides.length > 0 ? oldStrides[oldStrides.length - 1] : 1;
        long tensorNumel = 1;
        long viewNumel = 1;
        for (int d = oldShape.length - 1; d >= 0; d--) {
            tensorNumel *= oldShape[d];
            if (d == 0 || (oldShape[d - 1] != 1 && oldStrides[d - 1] != tensorNumel * chunkBase)) {
                while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] == 1)) {
                    newStrides[viewD] = (int) (viewNumel * chunkBase);
                    viewNumel *= newShape[viewD];
                    viewD--;
                }
                if (viewNumel != tensorNumel) {
                    return null;
                }
                if (d > 0) {
                    chunkBase = oldStrides[d - 1];
                    tensorNumel = 1;
                    viewNumel = 1;
                }
            }
        }
        if (viewD != -1) {
            return null;
        }
        return newStrides;
    }

    /** Resolves one {@code -1} in a requested shape against the element count. */
    static int[] inferShape(String op, int[] requested, long numel) {
        int infer = -1;
        long known = 1;
        for (int i = 0; i < requested.length; i++) {
            if (requested[i] == -1) {
                if (infer >= 0) {
                    throw new IllegalArgumentException(op + ": only one dimension can be -1, got " + str(requested));
                }
                infer = i;
            } else if (requested[i] < 0) {
                throw new IllegalArgumentException(op + ": invalid size " + requested[i] + " in " + str(requested));
            } else {
                try {
                    known = Math.multiplyExact(known, requested[i]);
                } catch (ArithmeticException e) {
                    throw new IllegalArgumentException(op + ": shape " + str(requested) + " is invalid for input of size "
                            + numel + " (more than 2^63-1 elements)", e);
                }
            }
        }
        int[] out = requested.clone();
        if (infer >= 0) {
            if (known == 0 || numel % known != 0) {
                throw new IllegalArgumentException(op + ": shape " + str(requested) + " is invalid for input of size " + numel);
            }
            long size = numel / known;
            if (size > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(op + ": shape " + str(requested) + " would make dimension " + infer
                        + " " + size + " long for input of size " + numel + "; a dimension holds at most 2^31-1");
            }
            out[infer] = (int) size;
        } else if (known != numel) {
            throw new IllegalArgumentException(op + ": shape " + str(requested) + " is invalid for input of size " + numel);
        }
        return out;
    }
}
