package org.vesalius.tensor;

import org.vesalius.autograd.GradMode;

/** Gather, scatter and index selection, with their gradients (each other's adjoints). */
final class Indexing {
    private Indexing() {
    }

    private static void checkIndex(String op, Tensor index) {
        index.checkOpen(op);
        if (index.dtype != DType.INT64 && index.dtype != DType.INT32) {
            throw new IllegalArgumentException(op + ": index must be an integer tensor (int64 or int32), got "
                    + index.dtype + (index.dtype.isFloatingPoint() ? "; convert float indices with .toLong()" : ""));
        }
    }

    private static Tensor longIndex(Tensor index) {
        return index.dtype == DType.INT64 ? index : index.to(DType.INT64);
    }

    /** Gather's shape rule: index has x's rank and is no larger than x outside {@code d}. */
    private static void checkGatherShape(String op, Tensor x, int d, Tensor index) {
        if (index.dim() != x.dim()) {
            throw new IllegalArgumentException(op + ": index of shape " + Shapes.str(index.shape)
                    + " must have the same rank as the input of shape " + Shapes.str(x.shape));
        }
        for (int i = 0; i < x.dim(); i++) {
            if (i != d && index.shape[i] > x.shape[i]) {
                throw new IllegalArgumentException(op + ": index of shape " + Shapes.str(index.shape)
                        + " is larger than the input of shape " + Shapes.str(x.shape) + " in dimension " + i);
            }
        }
    }

    static Tensor gather(Tensor x, int dim, Tensor indexIn) {
        x.checkOpen("gather");
        checkIndex("gather", indexIn);
        Elementwise.checkSameDevice("gather", x, indexIn);
        int d = x.dim() == 0 ? 0 : Shapes.dim("gather", dim, x.dim());
        Tensor index = longIndex(indexIn);
        checkGatherShape("gather", x, d, index);
        Tensor out = Creation.empty(x.dtype, x.device(), index.shape);
        out.backend().gather(x, d, index, out);
        if (!x.dtype.isFloatingPoint()) {
            return out;
        }
        int[] inShape = x.shape;
        return out.record("gather", g -> new Tensor[] {scatterInto(g, inShape, d, index)}, x);
    }

    /** Zeros of {@code shape} with {@code src} added at {@code index} along {@code d}; adjoint of gather. */
    static Tensor scatterInto(Tensor src, int[] shape, int d, Tensor index) {
        Tensor out = Creation.full(src.dtype, src.device(), 0, shape);
        out.backend().scatter(out, d, index, src, true);
        return out.record("gatherBackward", gg -> new Tensor[] {gather(gg, d, index)}, src);
    }

    static Tensor scatter(Tensor x, int dim, Tensor indexIn, Tensor src, boolean accumulate) {
        String op = accumulate ? "scatterAdd" : "scatter";
        x.checkOpen(op);
        src.checkOpen(op);
        checkIndex(op, indexIn);
        Elementwise.checkSameDevice(op, x, src);
        int d = x.dim() == 0 ? 0 : Shapes.dim(op, dim, x.dim());
        Tensor index = longIndex(indexIn);
        checkGatherShape(op, x, d, index);
        for (int i = 0; i < index.dim(); i++) {
            if (index.shape[i] > src.shape[i]) {
                throw new IllegalArgumentException(op + ": index of shape " + Shapes.str(index.shape)
                        + " is larger than src of shape " + Shapes.str(src.shape) + " in dimension " + i);
            }
        }
        Tensor s = src.to(x.dtype);
        // only the part of src that index covers is read
        Tensor srcPart = s.dim() == 0 ? s : regionOf(s, index.shape);
        Tensor out = Creation.empty(x.dtype, x.device(), x.shape);
        out.backend().copy(x, out);
        out.backend().scatter(out, d, index, srcPart, accumulate);
        if (!x.dtype.isFloatingPoint()) {
            return out;
        }
        return out.record(op, g -> {
            Tensor gx;
            if (accumulate) {
                gx = g;
            } else {
                // overwritten positions get no gradient
                Tensor mask = Creation.full(g.dtype, g.device(), 1, g.shape);
                boolean previous = GradMode.set(false);
                try {
                    mask.backend().scatter(mask, d, index, Tensor.zerosLike(index).to(g.dtype), false);
                } finally {
                    GradMode.set(previous);
                }
                gx = g.mul(mask);
            }
            Tensor gs = src.requiresGrad() ? padTo(gather(g, d, index), src.shape) : null;
            return new Tensor[] {gx, gs};
        }, x, s);
    }

    /** The leading {@code shape} corner of {@code t} as a view. */
    private static Tensor regionOf(Tensor t, int[] shape) {
        Tensor r = t;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] != r.shape[i]) {
                r = r.narrow(i, 0, shape[i]);
            }
        }
        return r;
    }

    /** Zero-pads {@code t} at the end of each dim up to {@code shape} (the adjoint of regionOf). */
    private static Tensor padTo(Tensor t, int[] shape) {
        if (java.util.Arrays.equals(t.shape, shape)) {
            return t;
        }
        return Views.embed(t, shape, z -> regionOf(z, t.shape), "regionOf");
    }

    static Tensor indexSelect(Tensor x, int dim, Tensor indexIn) {
        x.checkOpen("indexSelect");
        checkIndex("indexSelect", indexIn);
        Elementwise.checkSameDevice("indexSelect", x, indexIn);
        if (indexIn.dim() > 1) {
            throw new IllegalArgumentException("indexSelect: index must be 0-D or 1-D, got shape " + Shapes.str(indexIn.shape));
        }
        Tensor index = longIndex(indexIn).reshape(-1);
        int d = x.dim() == 0 ? 0 : Shapes.dim("indexSelect", dim, x.dim());
        int[] shape = x.shape.clone();
        if (x.dim() > 0) {
            shape[d] = index.numel();
        }
        Tensor out = Creation.empty(x.dtype, x.device(), shape);
        out.backend().indexSelect(x, d, index, out);
        if (!x.dtype.isFloatingPoint()) {
            return out;
        }
        int[] inShape = x.shape;
        return out.record("indexSelect", g -> new Tensor[] {indexAddInto(g, inShape, d, index)}, x);
    }

    /** Zeros of {@code shape} with rows of {@code src} added at {@code index}; adjoint of indexSelect. */
    static Tensor indexAddInto(Tensor src, int[] shape, int d, Tensor index) {
        Tensor out = Creation.full(src.dtype, src.device(), 0, shape);
        out.backend().indexAdd(out, d, index, src);
        return out.record("indexSelectBackward", gg -> new Tensor[] {indexSelect(gg, d, index)}, src);
    }
}
