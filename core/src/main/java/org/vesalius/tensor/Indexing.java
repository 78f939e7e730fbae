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
        Tensor out = Creation.empty("gather", x.dtype, x.device(), index.shape);
        out.backend().gather(x, d, index, out);
        if (!x.dtype.isFloatingPoint()) {
            return out;
        }
        int[] inShape = x.shape;
        return out.record("gather", Saved.of(index), g -> new Tensor[] {scatterInto(g, inShape, d, index)}, x);
    }

    /** Zeros of {@code shape} with {@code src} added at {@code index} along {@code d}; adjoint of gather. */
    static Tensor scatterInto(Tensor src, int[] shape, int d, Tensor index) {
        Tensor out = Creation.full(src.dtype, src.device(), 0, shape);
        out.backend().scatter(out, d, index, src, true);
        return out.record("gatherBackward", Saved.of(index), gg -> new Tensor[] {gather(gg, d, index)}, src);
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
        return out.record(op, Saved.of(index), g -> {
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
            shape[d] = index.shape[0];
        }
        Tensor out = Creation.empty("indexSelect", x.dtype, x.device(), shape);
        out.backend().indexSelect(x, d, index, out);
        if (!x.dtype.isFloatingPoint()) {
            return out;
        }
        int[] inShape = x.shape;
        return out.record("indexSelect", Saved.of(index), g -> new Tensor[] {indexAddInto(g, inShape, d, index)}, x);
    }

    /** Zeros of {@code shape} with rows of {@code src} added at {@code index}; adjoint of indexSelect. */
    static Tensor indexAddInto(Tensor src, int[] shape, int d, Tensor index) {
        Tensor out = Creation.full(src.dtype, src.device(), 0, shape);
        out.backend().indexAdd(out, d, index, src);
        return out.record("indexSelectBackward", Saved.of(index), gg -> new Tensor[] {indexSelect(gg, d, index)}, src);
    }

    // ------------------------------------------------------------------ masks and x[idx]

    static Tensor nonzero(Tensor x) {
        x.checkOpen("nonzero");
        return x.backend().nonzero(x);
    }

    private static void checkMask(String op, Tensor mask) {
        mask.checkOpen(op);
        if (mask.dtype != DType.BOOL) {
            throw new IllegalArgumentException(op + ": mask must be a bool tensor, got " + mask.dtype
                    + "; build it with a comparison such as x.gt(0), or .to(DType.BOOL)");
        }
    }

    /** Flat positions of the true elements of {@code mask} broadcast to {@code shape}, as 1-D int64. */
    private static Tensor truePositions(String op, Tensor mask, int[] shape) {
        Shapes.checkedElements(op, shape); // flattened into one dim below
        Tensor flat = Elementwise.broadcastTo(mask, shape).reshape(-1);
        return flat.backend().nonzero(flat).view(-1);
    }

    static Tensor maskedSelect(Tensor x, Tensor mask) {
        x.checkOpen("maskedSelect");
        checkMask("maskedSelect", mask);
        Elementwise.checkSameDevice("maskedSelect", x, mask);
        int[] shape = Shapes.broadcast("maskedSelect", x.shape, mask.shape);
        Tensor positions = truePositions("maskedSelect", mask, shape);
        return x.expand(shape).reshape(-1).indexSelect(0, positions);
    }

    static Tensor maskedScatter(Tensor x, Tensor mask, Tensor source) {
        x.checkOpen("maskedScatter");
        source.checkOpen("maskedScatter");
        checkMask("maskedScatter", mask);
        Elementwise.checkSameDevice("maskedScatter", x, mask);
        Elementwise.checkSameDevice("maskedScatter", x, source);
        int[] shape = Shapes.broadcast("maskedScatter", x.shape, mask.shape);
        Tensor positions = truePositions("maskedScatter", mask, shape);
        int count = positions.shape[0];
        if (source.numel() < count) {
            throw new IllegalArgumentException("maskedScatter: source of shape " + Shapes.str(source.shape) + " has "
                    + source.numel() + " elements but the mask of shape " + Shapes.str(mask.shape) + " selects " + count);
        }
        Tensor flatX = x.expand(shape).reshape(-1);
        Tensor flatSource = source.to(x.dtype).reshape(-1);
        return scatter(flatX, 0, positions, flatSource, false).view(shape);
    }

    /**
     * What {@code x[idx]} reads along dim 0: {@code rows} is x with the indexed dims flattened into
     * one (a view when possible), {@code positions} the 1-D int64 rows taken, {@code indexShape}
     * the shape those rows take in the result.
     */
    private static final class Selection {
        final Tensor rows;
        final Tensor positions;
        final int[] indexShape;
        final int[] rest;

        Selection(Tensor rows, Tensor positions, int[] indexShape, int[] rest) {
            this.rows = rows;
            this.positions = positions;
            this.indexShape = indexShape;
            this.rest = rest;
        }

        /** The selected rows in the result's layout. */
        Tensor take() {
            return rows.indexSelect(0, positions).view(resultShape());
        }

        int[] resultShape() {
            int[] out = java.util.Arrays.copyOf(indexShape, indexShape.length + rest.length);
            System.arraycopy(rest, 0, out, indexShape.length, rest.length);
            return out;
        }
    }

    private static Selection select(String op, Tensor x, Tensor idx) {
        x.checkOpen(op);
        idx.checkOpen(op);
        if (idx.dtype != DType.INT64 && idx.dtype != DType.INT32 && idx.dtype != DType.BOOL) {
            throw new IllegalArgumentException(op + ": indices must be int64, int32 or bool tensors, got " + idx.dtype
                    + (idx.dtype.isFloatingPoint() ? "; convert float indices with .toLong()" : ""));
        }
        Elementwise.checkSameDevice(op, x, idx);
        if (idx.dtype == DType.BOOL) {
            int k = idx.dim();
            if (k > x.dim()) {
                throw new IllegalArgumentException(op + ": too many indices: a mask of shape " + Shapes.str(idx.shape)
                        + " for a tensor of shape " + Shapes.str(x.shape));
            }
            for (int i = 0; i < k; i++) {
                if (idx.shape[i] != x.shape[i]) {
                    throw new IllegalArgumentException(op + ": the shape of the mask " + Shapes.str(idx.shape) + " at index "
                            + i + " does not match the shape of the indexed tensor " + Shapes.str(x.shape) + " at index " + i);
                }
            }
            int[] rest = java.util.Arrays.copyOfRange(x.shape, k, x.dim());
            int[] rowsShape = new int[rest.length + 1];
            rowsShape[0] = Shapes.checkedElements(op + " (bool mask)", idx.shape);
            System.arraycopy(rest, 0, rowsShape, 1, rest.length);
            Tensor positions = truePositions(op, idx, idx.shape);
            return new Selection(x.reshape(rowsShape), positions, new int[] {positions.shape[0]}, rest);
        }
        if (x.dim() == 0) {
            throw new IllegalArgumentException(op + ": cannot index a 0-dim tensor with an integer index of shape "
                    + Shapes.str(idx.shape) + "; only a bool mask can index a 0-dim tensor");
        }
        Tensor positions = inBounds(op, x, 0, longIndex(idx).reshape(-1));
        return new Selection(x, positions, idx.shape, java.util.Arrays.copyOfRange(x.shape, 1, x.dim()));
    }

    /** {@code positions} (int64) checked against {@code x.shape[d]}, negative entries wrapped. */
    private static Tensor inBounds(String op, Tensor x, int d, Tensor positions) {
        if (positions.numel() == 0) {
            return positions;
        }
        int n = x.shape[d];
        long lo = (long) positions.min().item();
        long hi = (long) positions.max().item();
        if (hi >= n || lo < -n) {
            throw new IllegalArgumentException(op + ": index " + (hi >= n ? hi : lo) + " is out of bounds for dimension "
                    + d + " with size " + n + " (tensor of shape " + Shapes.str(x.shape) + ")");
        }
        return lo < 0 ? Elementwise.where(positions.lt(0), positions.add(n), positions) : positions;
    }

    static Tensor index(Tensor x, Tensor idx) {
        return select("index", x, idx).take();
    }

    /**
     * {@code x[i0, i1, ...]} on the leading {@code k} dims: the index tensors broadcast together and
     * are linearized into one row index over x reshaped to {@code [prod(shape[:k]), shape[k:]...]},
     * so the gather and its scatter-add gradient are indexSelect's.
     */
    static Tensor index(Tensor x, Tensor[] indices) {
        x.checkOpen("index");
        requireSome("index", indices);
        return indices.length == 1 ? index(x, indices[0]) : selectMany("index", x, indices, true).take();
    }

    private static void requireSome(String op, Tensor[] indices) {
        if (indices == null || indices.length == 0) {
            throw new IllegalArgumentException(op + ": needs at least one index tensor, got none");
        }
    }

    /**
     * Two or more integer index tensors on the leading dims, broadcast together and linearized into one
     * row position over {@code x} seen as {@code [prod(shape[:k]), *shape[k:]]}. With {@code reading},
     * an indexed dim of stride 0 (expand) is taken at position 0, where all its values are: the rows
     * then span only the memory behind the view, which an expanded view past 2^31-1 elements needs.
     */
    private static Selection selectMany(String op, Tensor x, Tensor[] indices, boolean reading) {
        int k = indices.length;
        int[][] shapes = new int[k][];
        for (int j = 0; j < k; j++) {
            Tensor idx = indices[j];
            if (idx == null) {
                throw new IllegalArgumentException(op + ": index tensor " + j + " is null");
            }
            idx.checkOpen(op);
            if (idx.dtype == DType.BOOL) {
                throw new IllegalArgumentException(op + ": a bool mask (index tensor " + j + ") cannot be combined with other"
                        + " index tensors; pass the columns of mask.nonzero() as integer indices instead");
            }
            if (idx.dtype != DType.INT64 && idx.dtype != DType.INT32) {
                throw new IllegalArgumentException(op + ": indices must be int64 or int32 tensors when several are given, got "
                        + idx.dtype + " (index tensor " + j + ")" + (idx.dtype.isFloatingPoint() ? "; convert float indices with .toLong()" : ""));
            }
            Elementwise.checkSameDevice(op, x, idx);
            shapes[j] = idx.shape;
        }
        if (k > x.dim()) {
            throw new IllegalArgumentException(op + ": too many indices for a tensor of shape " + Shapes.str(x.shape)
                    + ": " + k + " index tensors given, at most " + x.dim());
        }
        int[] indexShape = broadcastAll(op, shapes);
        Tensor src = x;
        Tensor flat = null;
        long rows = 1;
        for (int j = 0; j < k; j++) {
            Tensor p = inBounds(op, x, j, longIndex(indices[j]));
            if (reading && x.strides[j] == 0 && x.shape[j] > 1) {
                src = src.narrow(j, 0, 1);
                p = p.mul(0);
            }
            // Horner form of sum_j idx_j * stride_j over the leading block; the adds broadcast the indices
            flat = flat == null ? p : flat.mul(src.shape[j]).add(p);
            rows *= src.shape[j];
            if (rows > Shapes.MAX_ELEMENTS) {
                throw new IllegalArgumentException(op + ": the first " + (j + 1) + " indexed dims of a tensor of shape "
                        + Shapes.str(x.shape) + " hold " + rows + " positions, more than the 2^31-1 of one flattened dim");
            }
        }
        int[] rest = java.util.Arrays.copyOfRange(x.shape, k, x.dim());
        int[] rowsShape = new int[rest.length + 1];
        rowsShape[0] = (int) rows;
        System.arraycopy(rest, 0, rowsShape, 1, rest.length);
        return new Selection(src.reshape(rowsShape), flat.expand(indexShape).reshape(-1), indexShape, rest);
    }

    /** The common broadcast shape of {@code shapes}, or an error that lists them all. */
    private static int[] broadcastAll(String op, int[][] shapes) {
        int[] out = shapes[0];
        try {
            for (int j = 1; j < shapes.length; j++) {
                out = Shapes.broadcast(op, out, shapes[j]);
            }
        } catch (IllegalArgumentException e) {
            StringBuilder all = new StringBuilder();
            for (int[] s : shapes) {
                all.append(all.length() == 0 ? "" : ", ").append(Shapes.str(s));
            }
            throw new IllegalArgumentException(op + ": index tensors of shapes " + all + " cannot be broadcast together", e);
        }
        return out;
    }

    static Tensor indexPut(Tensor x, Tensor idx, Tensor values, boolean accumulate) {
        String op = "indexPut";
        values.checkOpen(op);
        return put(op, x, select(op, x, idx), values, accumulate, "index of shape " + Shapes.str(idx.shape));
    }

    static Tensor indexPut(Tensor x, Tensor[] indices, Tensor values, boolean accumulate) {
        String op = "indexPut";
        x.checkOpen(op);
        values.checkOpen(op);
        requireSome(op, indices);
        if (indices.length == 1) {
            return indexPut(x, indices[0], values, accumulate);
        }
        Selection s = selectMany(op, x, indices, false);
        return put(op, x, s, values, accumulate, indices.length + " index tensors broadcast to " + Shapes.str(s.indexShape));
    }

    /** Scatters {@code values} (broadcast to the selection's shape) into a copy of x at the selected rows. */
    private static Tensor put(String op, Tensor x, Selection s, Tensor values, boolean accumulate, String indexDesc) {
        Elementwise.checkSameDevice(op, x, values);
        int[] target = s.resultShape();
        if (!broadcastsTo(values.shape, target)) {
            throw new IllegalArgumentException(op + ": values of shape " + Shapes.str(values.shape)
                    + " cannot be broadcast to the indexed shape " + Shapes.str(target) + " (tensor of shape "
                    + Shapes.str(x.shape) + ", " + indexDesc + ")");
        }
        int count = s.positions.shape[0];
        int[] rowsShape = s.rows.shape;
        int[] srcShape = rowsShape.clone();
        srcShape[0] = count;
        Tensor src = values.to(x.dtype).expand(target).reshape(srcShape);
        // one index per element of src, all equal along the trailing dims: scatter along dim 0
        int[] column = new int[rowsShape.length];
        java.util.Arrays.fill(column, 1);
        column[0] = count;
        Tensor scatterIndex = s.positions.view(column).expand(srcShape);
        return scatter(s.rows, 0, scatterIndex, src, accumulate).view(x.shape);
    }

    /** Whether {@code from} broadcasts to exactly {@code to} (NumPy rules, no growth of {@code to}). */
    private static boolean broadcastsTo(int[] from, int[] to) {
        if (from.length > to.length) {
            return false;
        }
        for (int i = 1; i <= from.length; i++) {
            int f = from[from.length - i];
            if (f != 1 && f != to[to.length - i]) {
                return false;
            }
        }
        return true;
    }
}
