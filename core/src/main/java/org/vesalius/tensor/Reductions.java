package org.vesalius.tensor;

import java.util.Arrays;
import org.vesalius.autograd.GradMode;
import org.vesalius.backend.ReduceOp;

/** Reductions over dims, softmax and the gradient plumbing of broadcasting ({@link #sumTo}). */
final class Reductions {
    private Reductions() {
    }

    /**
     * Runs a reduce kernel and returns the result with keepDim shape (not recorded). Integral inputs
     * are summed into int64 by the kernel itself, without a widened copy of x (which an expanded view
     * past 2^31-1 elements could not have).
     */
    private static Tensor reduceRaw(String name, ReduceOp op, Tensor x, int[] dims, DType outType) {
        Tensor out = Creation.empty(name, outType, x.device(), Shapes.keepDimShape(x.shape, dims));
        out.backend().reduce(op, x, dims, out);
        return out;
    }

    private static Tensor finish(Tensor keep, int[] shape, int[] dims, boolean keepDim) {
        return keepDim ? keep : keep.asStrided(Shapes.dropDims(shape, dims),
                Shapes.dropDims(keep.strides, dims), keep.offset);
    }

    static Tensor sum(Tensor x, int[] dimsIn, boolean keepDim) {
        x.checkOpen("sum");
        int[] dims = Shapes.dims("sum", dimsIn, x.dim());
        DType outType = x.dtype.isFloatingPoint() ? x.dtype : DType.INT64;
        Tensor out = finish(reduceRaw("sum", ReduceOp.SUM, x, dims, outType), x.shape, dims, keepDim);
        if (!x.dtype.isFloatingPoint()) {
            return out;
        }
        int[] inShape = x.shape;
        int[] keepShape = Shapes.keepDimShape(x.shape, dims);
        return out.record("sum", Saved.NONE, g -> new Tensor[] {g.reshape(keepShape).expand(inShape)}, x);
    }

    static Tensor mean(Tensor x, int[] dimsIn, boolean keepDim) {
        x.checkOpen("mean");
        if (!x.dtype.isFloatingPoint()) {
            throw new IllegalArgumentException("mean: input dtype must be floating point, got " + x.dtype
                    + "; convert with .to(DType.FLOAT32)");
        }
        int[] dims = Shapes.dims("mean", dimsIn, x.dim());
        long count = 1;
        for (int d : dims) {
            count *= x.shape[d];
        }
        return sum(x, dims, keepDim).div(count);
    }

    static Tensor var(Tensor x, int[] dimsIn, boolean unbiased, boolean keepDim) {
        x.checkOpen("var");
        if (!x.dtype.isFloatingPoint()) {
            throw new IllegalArgumentException("var: input dtype must be floating point, got " + x.dtype);
        }
        int[] dims = Shapes.dims("var", dimsIn, x.dim());
        Shapes.checkedElements("var", x.shape); // x - mean is materialized
        long count = 1;
        for (int d : dims) {
            count *= x.shape[d];
        }
        Tensor diff = x.sub(mean(x, dims, true));
        return sum(diff.square(), dims, keepDim).div(Math.max(count - (unbiased ? 1 : 0), 0));
    }

    static Tensor prod(Tensor x, int[] dimsIn, boolean keepDim) {
        x.checkOpen("prod");
        int[] dims = Shapes.dims("prod", dimsIn, x.dim());
        DType outType = x.dtype.isFloatingPoint() ? x.dtype : DType.INT64;
        Tensor keep = reduceRaw("prod", ReduceOp.PROD, x, dims, outType);
        Tensor out = finish(keep, x.shape, dims, keepDim);
        if (!x.dtype.isFloatingPoint()) {
            return out;
        }
        int[] inShape = x.shape;
        int[] keepShape = Shapes.keepDimShape(x.shape, dims);
        return out.record("prod", Saved.of(x), g -> {
            // Exact with zeros: the product of the others is p'/x without zeros, p' at the single
            // zero, and 0 elsewhere when the slice has a zero (p' = product of the nonzero values).
            Tensor isZero = x.eq(0);
            Tensor safe = Elementwise.where(isZero, Tensor.onesLike(x), x);
            Tensor nonzeroProd = prod(safe, dims, true);
            Tensor zeros = sum(isZero.to(x.dtype), dims, true);
            Tensor zero = Tensor.zerosLike(x);
            Tensor others = Elementwise.where(isZero,
                    Elementwise.where(zeros.eq(1), nonzeroProd.expand(inShape), zero),
                    Elementwise.where(zeros.eq(0), nonzeroProd.div(safe), zero));
            return new Tensor[] {g.reshape(keepShape).mul(others)};
        }, x);
    }

    static Tensor amax(Tensor x, int[] dimsIn, boolean keepDim, boolean max) {
        String name = max ? "amax" : "amin";
        x.checkOpen(name);
        if (x.numel() == 0) {
            throw new IllegalArgumentException(name + ": cannot reduce an empty tensor of shape " + Shapes.str(x.shape));
        }
        int[] dims = Shapes.dims(name, dimsIn, x.dim());
        Tensor keep = reduceRaw(name, max ? ReduceOp.MAX : ReduceOp.MIN, x, dims, x.dtype);
        Tensor out = finish(keep, x.shape, dims, keepDim);
        if (!x.dtype.isFloatingPoint()) {
            return out;
        }
        int[] keepShape = Shapes.keepDimShape(x.shape, dims);
        return out.record(name, Saved.of(x, keep), g -> {
            Tensor mask = x.eq(keep).to(x.dtype);
            Tensor count = sum(mask, dims, true);
            return new Tensor[] {g.reshape(keepShape).mul(mask).div(count)};
        }, x);
    }

    static ValuesIndices maxMin(Tensor x, int dimIn, boolean keepDim, boolean max) {
        String name = max ? "max" : "min";
        x.checkOpen(name);
        int rank = x.dim();
        int d = rank == 0 ? 0 : Shapes.dim(name, dimIn, rank);
        if (x.numel() == 0) {
            throw new IllegalArgumentException(name + ": cannot reduce an empty tensor of shape " + Shapes.str(x.shape));
        }
        int[] dims = rank == 0 ? new int[0] : new int[] {d};
        int[] keepShape = Shapes.keepDimShape(x.shape, dims);
        Tensor values = Creation.empty(name, x.dtype, x.device(), keepShape);
        Tensor indices = Creation.empty(name, DType.INT64, x.device(), keepShape);
        x.backend().argReduce(max, x, rank == 0 ? 0 : d, values, indices);
        Tensor v = finish(values, x.shape, dims, keepDim);
        Tensor i = finish(indices, x.shape, dims, keepDim);
        if (x.dtype.isFloatingPoint() && rank > 0) {
            int[] inShape = x.shape;
            v.record(name, Saved.of(indices), g -> new Tensor[] {Indexing.scatterInto(g.reshape(keepShape), inShape, d, indices)}, x);
        } else if (x.dtype.isFloatingPoint()) {
            v = v.record(name, Saved.NONE, g -> new Tensor[] {g}, x);
        }
        return new ValuesIndices(v, i);
    }

    /**
     * Flat row-major index of the first largest (smallest) element, NaN first as PyTorch: an int64
     * scalar. A view past 2^31-1 elements (a large expand) cannot be flattened into one dim, so its
     * last dim is reduced first and the best row's result is taken, allocating only x's other dims.
     */
    static Tensor argAll(Tensor x, boolean max) {
        String name = max ? "argmax" : "argmin";
        x.checkOpen(name);
        if (x.numel() <= Shapes.MAX_ELEMENTS || x.dim() < 2) {
            return maxMin(x.reshape(-1), 0, false, max).indices();
        }
        int last = x.dim() - 1;
        boolean previous = GradMode.set(false);
        try (Scope scope = Scope.open()) {
            // the first best row holds the first best element: ties resolve to the lowest index twice
            ValuesIndices rows = maxMin(x, last, false, max);
            long row = (long) argAll(rows.values(), max).item();
            long column = (long) rows.indices().reshape(-1).select(0, (int) row).item();
            return scope.keep(Tensor.of(new long[] {row * x.shape[last] + column}).reshape());
        } finally {
            GradMode.set(previous);
        }
    }

    static Tensor logsumexp(Tensor x, int[] dimsIn, boolean keepDim) {
        x.checkOpen("logsumexp");
        int[] dims = Shapes.dims("logsumexp", dimsIn, x.dim());
        Shapes.checkedElements("logsumexp", x.shape); // exp(x - max) is materialized
        Tensor m;
        boolean previous = GradMode.set(false);
        try {
            m = amax(x, dims, true, true);
            // an all -inf slice would give inf - inf = nan; shift by 0 there instead
            m = Elementwise.where(m.isInf(), Tensor.zerosLike(m), m);
        } finally {
            GradMode.set(previous);
        }
        Tensor out = sum(x.sub(m).exp(), dims, true).log().add(m);
        return keepDim ? out : Views.squeeze(out, dims);
    }

    static Tensor norm(Tensor x, double p, int[] dimsIn, boolean keepDim) {
        x.checkOpen("norm");
        if (!x.dtype.isFloatingPoint()) {
            throw new IllegalArgumentException("norm: input dtype must be floating point, got " + x.dtype);
        }
        int[] dims = Shapes.dims("norm", dimsIn, x.dim());
        Shapes.checkedElements("norm", x.shape); // |x|^p is materialized
        if (p == Double.POSITIVE_INFINITY) {
            return amax(x.abs(), dims, keepDim, true);
        }
        if (p == 1) {
            return sum(x.abs(), dims, keepDim);
        }
        if (p == 2) {
            return sum(x.square(), dims, keepDim).sqrt();
        }
        if (!(p > 0)) {
            throw new IllegalArgumentException("norm: p must be > 0 or infinity, got " + p);
        }
        return sum(x.abs().pow(p), dims, keepDim).pow(1 / p);
    }

    static Tensor cumsum(Tensor x, int dimIn) {
        x.checkOpen("cumsum");
        int d = Shapes.dim("cumsum", dimIn, x.dim());
        DType outType = x.dtype.isFloatingPoint() ? x.dtype : DType.INT64;
        Tensor in = x.dtype == outType ? x : x.detach().to(outType);
        Tensor out = Creation.empty("cumsum", outType, x.device(), x.shape);
        out.backend().cumsum(in, x.dim() == 0 ? 0 : d, out);
        if (!x.dtype.isFloatingPoint()) {
            return out;
        }
        // d/dx_j of sum_{i>=j} g_i: the reversed cumulative sum of g
        return out.record("cumsum", Saved.NONE, g -> new Tensor[] {g.sum(d, true).sub(g.cumsum(d)).add(g)}, x);
    }

    static Tensor allAny(Tensor x, int[] dimsIn, boolean keepDim, boolean all) {
        String name = all ? "all" : "any";
        x.checkOpen(name);
        int[] dims = Shapes.dims(name, dimsIn, x.dim());
        return finish(reduceRaw(name, all ? ReduceOp.ALL : ReduceOp.ANY, x, dims, DType.BOOL), x.shape, dims, keepDim);
    }

    static Tensor softmax(Tensor x, int dimIn, boolean log) {
        String name = log ? "logSoftmax" : "softmax";
        x.checkOpen(name);
        if (!x.dtype.isFloatingPoint()) {
            throw new IllegalArgumentException(name + ": input dtype must be floating point, got " + x.dtype);
        }
        int d = x.dim() == 0 ? 0 : Shapes.dim(name, dimIn, x.dim());
        Tensor out = Creation.empty(name, x.dtype, x.device(), x.shape);
        out.backend().softmax(x, d, log, out);
        return out.record(name, Saved.of(out), g -> new Tensor[] {softmaxGrad(g, out, d, log)}, x);
    }

    private static Tensor softmaxGrad(Tensor g, Tensor y, int d, boolean log) {
        if (!GradMode.isEnabled()) {
            Tensor gx = Creation.empty(g.dtype, g.device(), g.shape);
            gx.backend().softmaxBackward(y, g, d, log, gx);
            return gx;
        }
        // recorded form for higher-order gradients
        if (log) {
            return g.sub(y.exp().mul(g.sum(d, true)));
        }
        return y.mul(g.sub(g.mul(y).sum(d, true)));
    }

    /** Sums a broadcast gradient back down to {@code shape}. */
    static Tensor sumTo(Tensor g, int[] shape) {
        if (Arrays.equals(g.shape, shape)) {
            return g;
        }
        int lead = g.dim() - shape.length;
        int[] dims = new int[g.dim()];
        int k = 0;
        for (int i = 0; i < g.dim(); i++) {
            if (i < lead || (shape[i - lead] == 1 && g.shape[i] != 1)) {
                dims[k++] = i;
            }
        }
        Tensor s = k == 0 ? g : sum(g, Arrays.copyOf(dims, k), true);
        return s.reshape(shape);
    }
}
