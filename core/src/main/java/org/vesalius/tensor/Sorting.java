package org.vesalius.tensor;

/** sort, argsort, topk and randperm; the Tensor methods delegate here. */
final class Sorting {
    private Sorting() {
    }

    static ValuesIndices sort(Tensor x, int dimIn, boolean descending) {
        x.checkOpen("sort");
        int rank = x.dim();
        int d = rank == 0 ? 0 : Shapes.dim("sort", dimIn, rank);
        Tensor values = Creation.empty("sort", x.dtype, x.device(), x.shape);
        Tensor indices = Creation.empty("sort", DType.INT64, x.device(), x.shape);
        if (x.numel() > 0) {
            x.backend().sort(x, d, descending, values, indices);
        }
        return new ValuesIndices(withGradient("sort", values, x, d, indices), indices);
    }

    static ValuesIndices topk(Tensor x, int k, int dimIn, boolean largest, boolean sorted) {
        x.checkOpen("topk");
        int rank = x.dim();
        int d = rank == 0 ? 0 : Shapes.dim("topk", dimIn, rank);
        int n = rank == 0 ? 1 : x.shape[d];
        if (k < 0 || k > n) {
            throw new IllegalArgumentException("topk: k must be in [0, " + n + "] for dim " + d + " of shape "
                    + Shapes.str(x.shape) + ", got " + k);
        }
        // a full sort along the line: O(n log n) instead of a selection, but n is a class or vocabulary
        // count in practice and the sorted order is what callers ask for by default
        Tensor values;
        Tensor indices;
        try (Scope s = Scope.open()) {
            Tensor all = Creation.empty("topk", x.dtype, x.device(), x.shape);
            Tensor allIdx = Creation.empty("topk", DType.INT64, x.device(), x.shape);
            if (x.numel() > 0) {
                x.backend().sort(x, d, largest, all, allIdx);
            }
            values = s.keep(rank == 0 ? all : all.narrow(d, 0, k).contiguous());
            indices = s.keep(rank == 0 ? allIdx : allIdx.narrow(d, 0, k).contiguous());
        }
        // sorted=false allows any order; the sorted one is as good as any and stays deterministic
        return new ValuesIndices(withGradient("topk", values, x, d, indices), indices);
    }

    /** Gradient of values picked from x at indices along d: scattered back into zeros of x's shape. */
    private static Tensor withGradient(String name, Tensor values, Tensor x, int d, Tensor indices) {
        if (!x.dtype.isFloatingPoint()) {
            return values;
        }
        int[] inShape = x.shape;
        if (x.dim() == 0) {
            return values.record(name, Saved.NONE, g -> new Tensor[] {g}, x);
        }
        return values.record(name, Saved.of(indices), g -> new Tensor[] {Indexing.scatterInto(g, inShape, d, indices)}, x);
    }

    /** A random permutation of 0..n-1 (int64), Fisher-Yates on the host with {@code gen}'s stream. */
    static Tensor randperm(int n, Generator gen, Device device) {
        if (n < 0) {
            throw new IllegalArgumentException("randperm: n must be >= 0, got " + n);
        }
        long[] p = new long[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = gen.nextInt(i + 1);
            long t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        Tensor host = Creation.fromArray(p, n, DType.INT64, n);
        if (device.equals(Device.CPU)) {
            return host;
        }
        try (host) {
            return host.to(device);
        }
    }
}
