package org.vesalius.tensor;

import java.util.Arrays;
import java.util.function.UnaryOperator;
import org.vesalius.autograd.GradMode;

/** Views (shared storage, new shape/strides/offset) and the copies that make layouts contiguous. */
final class Views {
    private Views() {
    }

    static Tensor view(Tensor x, int[] requested) {
        x.checkOpen("view");
        int[] shape = Shapes.inferShape("view", requested, x.numel());
        int[] strides = Shapes.viewStrides(x.shape, x.strides, shape);
        if (strides == null) {
            throw new IllegalArgumentException("view: size " + Shapes.str(shape) + " is not compatible with input of shape "
                    + Shapes.str(x.shape) + " and strides " + Shapes.str(x.strides)
                    + " (at least one dimension spans across two contiguous subspaces); use reshape(...) instead");
        }
        int[] inShape = x.shape;
        return x.asStrided(shape, strides, x.offset).record("view", Saved.NONE, g -> new Tensor[] {g.reshape(inShape)}, x);
    }

    static Tensor reshape(Tensor x, int[] requested) {
        x.checkOpen("reshape");
        int[] shape = Shapes.inferShape("reshape", requested, x.numel());
        if (Shapes.viewStrides(x.shape, x.strides, shape) != null) {
            return view(x, shape);
        }
        return view(copyOf(x, "reshape"), shape);
    }

    static Tensor permute(Tensor x, int[] dims) {
        x.checkOpen("permute");
        int rank = x.dim();
        if (dims.length != rank) {
            throw new IllegalArgumentException("permute: number of dims " + Arrays.toString(dims)
                    + " does not match the tensor's rank " + rank + " (shape " + Shapes.str(x.shape) + ")");
        }
        int[] shape = new int[rank];
        int[] strides = new int[rank];
        int[] inverse = new int[rank];
        boolean[] seen = new boolean[rank];
        for (int i = 0; i < rank; i++) {
            int d = Shapes.dim("permute", dims[i], rank);
            if (seen[d]) {
                throw new IllegalArgumentException("permute: dim " + dims[i] + " repeats in " + Arrays.toString(dims));
            }
            seen[d] = true;
            shape[i] = x.shape[d];
            strides[i] = x.strides[d];
            inverse[d] = i;
        }
        return x.asStrided(shape, strides, x.offset).record("permute", Saved.NONE, g -> new Tensor[] {g.permute(inverse)}, x);
    }

    static Tensor transpose(Tensor x, int dim0, int dim1) {
        int rank = x.dim();
        int a = Shapes.dim("transpose", dim0, rank);
        int b = Shapes.dim("transpose", dim1, rank);
        int[] perm = new int[rank];
        for (int i = 0; i < rank; i++) {
            perm[i] = i;
        }
        perm[a] = b;
        perm[b] = a;
        return permute(x, perm);
    }

    static Tensor squeeze(Tensor x, int[] which) {
        x.checkOpen("squeeze");
        int rank = x.dim();
        boolean[] drop = new boolean[rank];
        if (which == null) {
            for (int i = 0; i < rank; i++) {
                drop[i] = x.shape[i] == 1;
            }
        } else {
            for (int d : which) {
                if (rank == 0) {
                    Shapes.dim("squeeze", d, 0);
                    continue;
                }
                int n = Shapes.dim("squeeze", d, rank);
                drop[n] = x.shape[n] == 1;
            }
        }
        int kept = 0;
        for (boolean b : drop) {
            kept += b ? 0 : 1;
        }
        int[] shape = new int[kept];
        int[] strides = new int[kept];
        int k = 0;
        for (int i = 0; i < rank; i++) {
            if (!drop[i]) {
                shape[k] = x.shape[i];
                strides[k++] = x.strides[i];
            }
        }
        int[] inShape = x.shape;
        return x.asStrided(shape, strides, x.offset).record("squeeze", Saved.NONE, g -> new Tensor[] {g.reshape(inShape)}, x);
    }

    static Tensor unsqueeze(Tensor x, int dim) {
        x.checkOpen("unsqueeze");
        int rank = x.dim();
        int d = Shapes.dim("unsqueeze", dim, rank + 1);
        int[] shape = new int[rank + 1];
        int[] strides = new int[rank + 1];
        for (int i = 0, j = 0; i <= rank; i++) {
            if (i == d) {
                shape[i] = 1;
                strides[i] = d < rank ? x.strides[d] * x.shape[d] : 1;
            } else {
                shape[i] = x.shape[j];
                strides[i] = x.strides[j++];
            }
        }
        int[] inShape = x.shape;
        return x.asStrided(shape, strides, x.offset).record("unsqueeze", Saved.NONE, g -> new Tensor[] {g.reshape(inShape)}, x);
    }

    static Tensor expand(Tensor x, int[] target) {
        x.checkOpen("expand");
        int rank = x.dim();
        if (target.length < rank) {
            throw new IllegalArgumentException("expand: the number of sizes " + Arrays.toString(target)
                    + " must be at least the tensor's rank " + rank + " (shape " + Shapes.str(x.shape) + ")");
        }
        int[] shape = new int[target.length];
        int[] strides = new int[target.length];
        int lead = target.length - rank;
        for (int i = 0; i < target.length; i++) {
            int want = target[i];
            if (i < lead) {
                if (want < 0) {
                    throw new IllegalArgumentException("expand: -1 not allowed in a new leading dim, got " + Arrays.toString(target));
                }
                shape[i] = want;
                strides[i] = 0;
            } else {
                int have = x.shape[i - lead];
                if (want == -1 || want == have) {
                    shape[i] = have;
                    strides[i] = x.strides[i - lead];
                } else if (have == 1) {
                    shape[i] = want;
                    strides[i] = 0;
                } else {
                    throw new IllegalArgumentException("expand: the expanded size " + want + " must match the existing size "
                            + have + " at non-singleton dimension " + i + " (shape " + Shapes.str(x.shape) + " to "
                            + Arrays.toString(target) + ")");
                }
            }
        }
        if (Arrays.equals(shape, x.shape)) {
            return x;
        }
        Shapes.numel("expand", shape); // a view may exceed 2^31 elements, but its count must fit a long
        int[] inShape = x.shape;
        return x.asStrided(shape, strides, x.offset).record("expand", Saved.NONE, g -> new Tensor[] {Reductions.sumTo(g, inShape)}, x);
    }

    static Tensor flatten(Tensor x, int startDim, int endDim) {
        int rank = x.dim();
        if (rank == 0) {
            return x.reshape(1);
        }
        int s = Shapes.dim("flatten", startDim, rank);
        int e = Shapes.dim("flatten", endDim, rank);
        if (s > e) {
            throw new IllegalArgumentException("flatten: startDim " + startDim + " comes after endDim " + endDim);
        }
        int[] shape = new int[rank - (e - s)];
        int k = 0;
        for (int i = 0; i < rank; i++) {
            if (i <= s || i > e) {
                shape[k++] = x.shape[i];
            } else {
                long merged = (long) shape[k - 1] * x.shape[i];
                if (merged > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("flatten: dims " + s + ".." + e + " of shape " + Shapes.str(x.shape)
                            + " hold more than the 2^31-1 elements one dim can");
                }
                shape[k - 1] = (int) merged;
            }
        }
        return x.reshape(shape);
    }

    static Tensor slice(Tensor x, int dim, int start, int end, int step, String op) {
        x.checkOpen(op);
        int d = Shapes.dim(op, dim, x.dim());
        if (x.dim() == 0) {
            throw new IllegalArgumentException(op + ": cannot slice a 0-dim tensor");
        }
        if (step <= 0) {
            throw new IllegalArgumentException(op + ": step must be positive, got " + step);
        }
        int n = x.shape[d];
        start = clampIndex(start, n);
        end = clampIndex(end, n);
        int len = end <= start ? 0 : (end - start + step - 1) / step;
        int[] shape = x.shape.clone();
        int[] strides = x.strides.clone();
        shape[d] = len;
        strides[d] = x.strides[d] * step;
        int offset = x.offset + (len == 0 ? 0 : start * x.strides[d]);
        final int s0 = start;
        final int e0 = end;
        int[] inShape = x.shape;
        return x.asStrided(shape, strides, offset).record(op, Saved.NONE,
                g -> new Tensor[] {embed(g, inShape, t -> t.slice(d, s0, e0, step), op)}, x);
    }

    static Tensor narrow(Tensor x, int dim, int start, int length) {
        x.checkOpen("narrow");
        if (x.dim() == 0) {
            throw new IllegalArgumentException("narrow: cannot narrow a 0-dim tensor");
        }
        int d = Shapes.dim("narrow", dim, x.dim());
        int n = x.shape[d];
        int s = start < 0 ? start + n : start;
        if (s < 0 || length < 0 || s + length > n) {
            throw new IllegalArgumentException("narrow: start " + start + " and length " + length
                    + " out of range for dimension " + d + " of size " + n);
        }
        return slice(x, d, s, s + length, 1, "narrow");
    }

    private static int clampIndex(int i, int n) {
        if (i < 0) {
            i += n;
        }
        return Math.max(0, Math.min(i, n));
    }

    static Tensor select(Tensor x, int dim, int index) {
        x.checkOpen("select");
        if (x.dim() == 0) {
            throw new IllegalArgumentException("select: cannot select from a 0-dim tensor");
        }
        int d = Shapes.dim("select", dim, x.dim());
        int n = x.shape[d];
        if (index < -n || index >= n) {
            throw new IllegalArgumentException("select: index " + index + " out of range for dimension " + d + " of size " + n);
        }
        int i = index < 0 ? index + n : index;
        int[] shape = new int[x.dim() - 1];
        int[] strides = new int[x.dim() - 1];
        for (int a = 0, k = 0; a < x.dim(); a++) {
            if (a != d) {
                shape[k] = x.shape[a];
                strides[k++] = x.strides[a];
            }
        }
        int[] inShape = x.shape;
        return x.asStrided(shape, strides, x.offset + i * x.strides[d]).record("select", Saved.NONE,
                g -> new Tensor[] {embed(g, inShape, t -> t.select(d, i), "select")}, x);
    }

    static Tensor unfold(Tensor x, int dim, int size, int step) {
        x.checkOpen("unfold");
        int rank = x.dim();
        int d = rank == 0 ? 0 : Shapes.dim("unfold", dim, rank);
        int n = rank == 0 ? 1 : x.shape[d];
        if (size < 0 || size > n) {
            throw new IllegalArgumentException("unfold: size " + size + " exceeds dimension " + d + " of size " + n);
        }
        if (step <= 0) {
            throw new IllegalArgumentException("unfold: step must be positive, got " + step);
        }
        int[] shape = Arrays.copyOf(x.shape, rank + 1);
        int[] strides = Arrays.copyOf(x.strides, rank + 1);
        int inner = rank == 0 ? 1 : x.strides[d];
        if (rank > 0) {
            shape[d] = (n - size) / step + 1;
            strides[d] = inner * step;
        }
        shape[rank] = size;
        strides[rank] = inner;
        int[] inShape = x.shape;
        return x.asStrided(shape, strides, x.offset).record("unfold", Saved.NONE,
                g -> new Tensor[] {unfoldBackward(g, inShape, d, size, step)}, x);
    }

    /** The adjoint of unfold: windows summed back into place (overlaps accumulate). */
    private static Tensor unfoldBackward(Tensor g, int[] inShape, int d, int size, int step) {
        Tensor out = Creation.full(g.dtype, g.device(), 0, inShape);
        boolean previous = GradMode.set(false);
        try {
            int rank = inShape.length;
            if (rank == 0) {
                out.copy_(g.reshape());
            } else {
                int windows = g.shape[d];
                for (int w = 0; w < windows; w++) {
                    // window w of g is g.select(d, w) with the window axis last; move it back to d.
                    Tensor win = g.select(d, w).unsqueeze(d).transpose(d, rank).squeeze(rank);
                    Tensor target = out.narrow(d, w * step, size);
                    target.add_(win);
                }
            }
        } finally {
            GradMode.set(previous);
        }
        return out.record("unfoldBackward", Saved.NONE, gg -> new Tensor[] {gg.unfold(d, size, step)}, g);
    }

    /**
     * Zeros of {@code shape} with {@code g} written into the region {@code region} selects: the
     * gradient of an injective view. Its own gradient is that view of the incoming gradient.
     */
    static Tensor embed(Tensor g, int[] shape, UnaryOperator<Tensor> region, String op) {
        Tensor deferred = org.vesalius.autograd.Autograd.deferredEmbed(g, shape, region);
        if (deferred != null) {
            return deferred;
        }
        Tensor out = Creation.full(g.dtype, g.device(), 0, shape);
        boolean previous = GradMode.set(false);
        try {
            region.apply(out).copy_(g);
        } finally {
            GradMode.set(previous);
        }
        return out.record(op + "Backward", Saved.NONE, gg -> new Tensor[] {region.apply(gg)}, g);
    }

    static Tensor copyOf(Tensor x, String op) {
        x.checkOpen(op);
        Tensor out = Creation.empty(op, x.dtype, x.device(), x.shape);
        out.backend().copy(x, out);
        return out.record(op, Saved.NONE, g -> new Tensor[] {g}, x);
    }

    static Tensor copyInto(Tensor dst, Tensor src) {
        src.checkOpen("copy_");
        InPlace.check("copy_", dst, src);
        Tensor s = src;
        if (!Arrays.equals(src.shape, dst.shape)) {
            int[] b = Shapes.broadcast("copy_", src.shape, dst.shape);
            if (!Arrays.equals(b, dst.shape)) {
                throw new IllegalArgumentException("copy_: source of shape " + Shapes.str(src.shape)
                        + " cannot be broadcast to destination shape " + Shapes.str(dst.shape));
            }
            s = Elementwise.broadcastTo(src, dst.shape);
        }
        Conversion.copyAcross(InPlace.readable(dst, s), dst);
        return InPlace.written(dst);
    }
}
