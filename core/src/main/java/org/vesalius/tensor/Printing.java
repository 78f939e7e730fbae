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
        double[] v = t.numel() == 0 ? new double[0] : (double[]) Conversion.toArray(t, DType.FLOAT64);
        boolean summarize = v.length > THRESHOLD;
        Formatter f = new Formatter(t.dtype, v);
        if (t.dim() == 0) {
            sb.append(f.format(v[0]));
        } else {
            append(sb, t.shape, v, 0, 0, f, summarize, 7);
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

    private static void append(StringBuilder sb, int[] shape, double[] v, int dim, int base, Formatter f,
                               boolean summarize, int indent) {
        int n = shape[dim];
        int inner = 1;
        for (int d = dim + 1; d < shape.length; d++) {
            inner *= shape[d];
        }
        sb.append('[');
        for (int i = 0; i < n; i++) {
            if (summarize && n > 2 * EDGE && i == EDGE) {
                sb.append(dim == shape.length - 1 ? "..., " : "...,\n" + " ".repeat(indent + dim + 1));
                i = n - EDGE - 1;
                continue;
            }
            if (dim == shape.length - 1) {
                sb.append(f.format(v[base + i]));
            } else {
                append(sb, shape, v, dim + 1, base + i * inner, f, summarize, indent);
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
