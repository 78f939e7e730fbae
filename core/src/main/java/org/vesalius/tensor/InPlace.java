package org.vesalius.tensor;

import java.util.Arrays;
import org.vesalius.autograd.GradMode;

/**
 * The rules every in-place write follows before a kernel runs, and the version bump after it.
 *
 * <ul>
 * <li>Autograd, as in PyTorch: with grad mode on, a leaf that requires grad, a view of one, or a
 * tensor that is part of a recorded graph cannot be written in place, and neither can a tensor be
 * written in place from a source that requires grad (the write would drop the source's gradient).
 * Under {@code NoGrad} (optimizers, initializers, loaders) the writes are allowed.</li>
 * <li>Overlap: a destination in which two indices reach one memory element (an {@code expand}ed
 * or overlapping {@code unfold} view) is refused, because the result would depend on which thread
 * writes last. A source that shares memory with the destination in any other layout than the
 * destination's own is copied first, so the op computes as if it had been cloned; a source with
 * exactly the destination's layout is read element by element before that element is written, which
 * every kernel already does.</li>
 * <li>Versions: {@link #written} bumps the storage's version counter, which autograd checks for
 * every saved tensor.</li>
 * </ul>
 */
final class InPlace {
    /** Above this many elements, a layout the fast test cannot clear is refused rather than enumerated. */
    private static final long EXACT_CHECK_LIMIT = 1 << 22;

    private InPlace() {
    }

    /**
     * Checks that {@code self} may be written in place by {@code op} reading {@code sources}.
     *
     * @throws IllegalStateException    when autograd forbids the write
     * @throws IllegalArgumentException when the destination overlaps itself
     */
    static void check(String op, Tensor self, Tensor... sources) {
        self.checkOpen(op);
        if (GradMode.isEnabled()) {
            checkAutograd(op, self, sources);
        }
        if (hasInternalOverlap(self.shape, self.strides)) {
            throw new IllegalArgumentException(op + ": more than one element of the written-to tensor (shape "
                    + Shapes.str(self.shape) + ", strides " + Shapes.str(self.strides) + ") refers to a single memory "
                    + "location, so the result would depend on the order of the writes; it is an expand()ed or "
                    + "overlapping view. Call clone() on it first, or write into a tensor of its own.");
        }
    }

    private static void checkAutograd(String op, Tensor self, Tensor[] sources) {
        Tensor base = self.base;
        if (self.requiresGrad()) {
            if (self.isLeaf()) {
                throw new IllegalStateException(op + ": a leaf tensor that requires grad (shape " + Shapes.str(self.shape)
                        + ") is being used in an in-place operation; run the write under NoGrad (as optimizers and "
                        + "initializers do) or use the out-of-place op");
            }
            if (base != null && base.requiresGrad() && base.isLeaf()) {
                throw new IllegalStateException(op + ": a view of a leaf tensor that requires grad (view of shape "
                        + Shapes.str(self.shape) + " of a leaf of shape " + Shapes.str(base.shape) + ") is being used in "
                        + "an in-place operation; run the write under NoGrad or use the out-of-place op");
            }
            throw new IllegalStateException(op + ": in-place write to a tensor that is part of the autograd graph (shape "
                    + Shapes.str(self.shape) + ", produced by " + self.gradFn() + ") is not supported; use the "
                    + "out-of-place op (e.g. add instead of add_), or detach() first if no gradient should flow");
        }
        if (base != null && base.requiresGrad()) {
            throw new IllegalStateException(op + ": in-place write, with grad mode on, to a view (shape " + Shapes.str(self.shape)
                    + ") of a tensor that requires grad (shape " + Shapes.str(base.shape) + "); the view was made "
                    + "under NoGrad, so autograd would not see the change. Write under NoGrad, or use out-of-place ops");
        }
        for (Tensor s : sources) {
            if (s != null && s.requiresGrad()) {
                throw new IllegalStateException(op + ": the source (shape " + Shapes.str(s.shape) + ") requires grad but "
                        + "the destination (shape " + Shapes.str(self.shape) + ") does not; an in-place write would drop the "
                        + "source's gradient. Use the out-of-place op, or run under NoGrad if no gradient is wanted.");
            }
        }
    }

    /**
     * {@code src} as the kernel may read it while writing {@code self}: {@code src} itself unless it
     * shares memory with {@code self} in another layout, in which case a copy. {@code src} already
     * has {@code self}'s shape (broadcast views included).
     */
    static Tensor readable(Tensor self, Tensor src) {
        if (src.storage != self.storage || src.numel() == 0 || self.numel() == 0) {
            return src;
        }
        if (sameLayout(self, src) || !rangesIntersect(self, src)) {
            return src;
        }
        boolean previous = GradMode.set(false);
        try {
            Tensor copy = Creation.empty(src.dtype, src.device(), src.shape);
            copy.backend().copy(src, copy);
            return copy;
        } finally {
            GradMode.set(previous);
        }
    }

    /** Records the write in the storage's version counter; returns {@code self}. */
    static Tensor written(Tensor self) {
        self.storage.bumpVersion();
        return self;
    }

    /** Same offset and, on every dim longer than 1, the same stride: element i of both is one location. */
    private static boolean sameLayout(Tensor a, Tensor b) {
        if (a.offset != b.offset || !Arrays.equals(a.shape, b.shape)) {
            return false;
        }
        for (int i = 0; i < a.shape.length; i++) {
            if (a.shape[i] > 1 && a.strides[i] != b.strides[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean rangesIntersect(Tensor a, Tensor b) {
        long[] ra = range(a);
        long[] rb = range(b);
        return ra[0] <= rb[1] && rb[0] <= ra[1];
    }

    /** The lowest and highest storage element the (non-empty) tensor reaches. */
    private static long[] range(Tensor t) {
        long lo = t.offset;
        long hi = t.offset;
        for (int i = 0; i < t.shape.length; i++) {
            long span = (long) (t.shape[i] - 1) * t.strides[i];
            if (span < 0) {
                lo += span;
            } else {
                hi += span;
            }
        }
        return new long[] {lo, hi};
    }

    /**
     * Whether two different indices of a tensor with this shape and strides reach one memory element.
     * Dims sorted by stride must each step past everything the smaller ones reach; a layout that fails
     * this quick test is enumerated when it is small, and counted as overlapping when it is not.
     */
    static boolean hasInternalOverlap(int[] shape, int[] strides) {
        int n = 0;
        long numel = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == 0) {
                return false;
            }
            if (shape[i] > 1) {
                if (strides[i] == 0) {
                    return true;
                }
                n++;
                numel *= shape[i];
            }
        }
        long[][] dims = new long[n][];
        for (int i = 0, k = 0; i < shape.length; i++) {
            if (shape[i] > 1) {
                dims[k++] = new long[] {Math.abs((long) strides[i]), shape[i]};
            }
        }
        Arrays.sort(dims, (x, y) -> Long.compare(x[0], y[0]));
        long reach = 0;
        boolean clear = true;
        for (long[] d : dims) {
            if (d[0] <= reach) {
                clear = false;
                break;
            }
            reach += d[0] * (d[1] - 1);
        }
        if (clear) {
            return false;
        }
        if (numel > EXACT_CHECK_LIMIT) {
            return true;
        }
        long[] offsets = new long[(int) numel];
        int[] idx = new int[n];
        for (int e = 0; e < numel; e++) {
            long off = 0;
            for (int k = 0; k < n; k++) {
                off += idx[k] * dims[k][0];
            }
            offsets[e] = off;
            for (int k = 0; k < n && ++idx[k] == dims[k][1]; k++) {
                idx[k] = 0;
            }
        }
        Arrays.sort(offsets);
        for (int e = 1; e < offsets.length; e++) {
            if (offsets[e] == offsets[e - 1]) {
                return true;
            }
        }
        return false;
    }
}
