package org.vesalius.tensor;

import java.util.Locale;

/** PyTorch-like text form of a tensor; long tensors are summarised with "...". */
final class Printing {
    private static final int THRESHOLD = 1000;
    private static final int EDGE = 3;

    private Printing() {
    }

    static String format(Tensor t) {
        StringBuilder sb = new StringBuilder("tensor(");
        boolean[] cut = new boolean[t.dim()];
        double[] v;
        int[] shown = t.shape;
        if (t.numel() > THRESHOLD) {
            // only the elements shown are read, as PyTorch's summary (and its number format) does: a
            // view far too large to copy (expand) prints as quickly as a small tensor
            for (int d = 0; d < cut.length; d++) {
                cut[d] = t.shape[d] > 2 * EDGE;
            }
            try (Scope scope = Scope.open()) {
                Tensor e = edges(t, cut);
                shown = e.shape;
                v = (double[]) Conversion.toArray(e, DType.FLOAT64, "toString");
            }
        } else {
            v = t.numel() == 0 ? new double[0] : (double[]) Conversion.toArray(t, DType.FLOAT64, "toString");
        }
        Formatter f = new Formatter(t.dtype, v);
        if (t.dim() == 0) {
            sb.append(f.format(v[0]));
        } else {
            append(sb, shown, v, 0, 0, f, cut, 7);
        }
        if (t.dtype != DType.FLOAT32 && t.dtype != DType.INT64 && t.dtype != DType.BOOL) {
            sb.append(", dtype=torch.").append(t.dtype.pytorchName());
        }
        if (t.numel() == 0 && t.dim() > 1) {
            sb.append(", size=").append(Shapes.str(t.shape).replace('[', '(').replace(']', ')'));
        }
        if (!t.device().equals(Device.CPU)) {
            sb.append(", device='").append(t.device()).append('\'');
        }
        if (t.gradFn() != null) {
            sb.append(", grad_fn=<").append(t.gradFn()).append('>');
        } else if (t.requiresGrad()) {
            sb.append(", requires_grad=True");
        }
        return sb.append(')').toString();
    }

    /**
     * The first and last {@link #EDGE} positions of every {@code cut} dim of t (the whole of other
     * dims), copied into a small tensor through one strided view per combination of ends.
     */
    private static Tensor edges(Tensor t, boolean[] cut) {
        int rank = cut.length;
        int[] shape = t.shape.clone();
        int cuts = 0;
        for (int d = 0; d < rank; d++) {
            if (cut[d]) {
                shape[d] = 2 * EDGE;
                cuts++;
            }
        }
        Tensor out = Creation.empty("toString", t.dtype, t.device(), shape);
        for (int ends = 0; ends < 1 << cuts; ends++) {
            int[] part = t.shape.clone();
            int from = t.offset;
            int to = 0;
            for (int d = 0, bit = 0; d < rank; d++) {
                if (cut[d]) {
                    boolean tail = (ends >> bit++ & 1) != 0;
                    part[d] = EDGE;
                    from += (tail ? t.shape[d] - EDGE : 0) * t.strides[d];
                    to += (tail ? EDGE : 0) * out.strides[d];
                }
            }
            out.backend().copy(t.asStrided(part, t.strides, from), out.asStrided(part, out.strides, to));
        }
        return out;
    }

    private static void append(StringBuilder sb, int[] shape, double[] v, int dim, int base, Formatter f,
                               boolean[] cut, int indent) {
        int n = shape[dim];
        int inner = 1;
        for (int d = dim + 1; d < shape.length; d++) {
            inner *= shape[d];
        }
        sb.append('[');
        for (int i = 0; i < n; i++) {
            if (cut[dim] && i == EDGE) {
                // PyTorch's ellipsis among numbers is " ...", after the ", " that ends the number before it
                sb.append(dim == shape.length - 1 ? " ..., " : "...,\n" + " ".repeat(indent + dim + 1));
            }
            if (dim == shape.length - 1) {
                sb.append(f.format(v[base + i]));
            } else {
                append(sb, shape, v, dim + 1, base + i * inner, f, cut, indent);
            }
            if (i < n - 1) {
                sb.append(dim == shape.length - 1 ? ", " : "," + "\n".repeat(shape.length - dim - 1) + " ".repeat(indent + dim + 1));
            }
        }
        sb.append(']');
    }

    /** Chooses one number style for the whole tensor, as PyTorch does. */
    private static final class Formatter {
        private final DType dtype;
        private final boolean integral;
        private final boolean scientific;
        private final int width;

        Formatter(DType dtype, double[] v) {
            this.dtype = dtype;
            boolean allIntegral = true;
            double maxAbs = 0;
            double minAbs = Double.POSITIVE_INFINITY;
            for (double x : v) {
                if (Double.isFinite(x)) {
                    allIntegral &= x == Math.rint(x);
                    maxAbs = Math.max(maxAbs, Math.abs(x));
                    if (x != 0) {
                        minAbs = Math.min(minAbs, Math.abs(x));
                    }
                }
            }
            integral = allIntegral;
            scientific = dtype.isFloatingPoint() && !allIntegral
                    && (maxAbs >= 1e8 || (minAbs < 1e-4) || (minAbs != Double.POSITIVE_INFINITY && maxAbs / minAbs > 1000));
            int w = 0;
            for (double x : v) {
                w = Math.max(w, raw(x).length());
            }
            width = w;
        }

        String format(double x) {
            String s = raw(x);
            return " ".repeat(Math.max(0, width - s.length())) + s;
        }

        private String raw(double x) {
            if (dtype == DType.BOOL) {
                return x != 0 ? "True" : "False";
            }
            if (!dtype.isFloatingPoint()) {
                return Long.toString((long) x);
            }
            if (Double.isNaN(x)) {
                return "nan";
            }
            if (Double.isInfinite(x)) {
                return x > 0 ? "inf" : "-inf";
            }
            if (integral) {
                return String.format(Locale.ROOT, "%.0f.", x);
            }
            if (scientific) {
                return String.format(Locale.ROOT, "%.4e", x);
            }
            return String.format(Locale.ROOT, "%.4f", x);
        }
    }
}
