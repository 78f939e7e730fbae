package org.vesalius.tensor;

import java.util.Arrays;
import org.vesalius.autograd.GradMode;
import org.vesalius.backend.PoolParams;

/**
 * Max, average and adaptive pooling over 1 to 3 spatial dims, with PyTorch's argument rules and
 * output sizes.
 *
 * <p>Inputs are {@code [N, C, *spatial]} or, without the batch dim, {@code [C, *spatial]}. The
 * backward of every pooling op is linear in the incoming gradient and is itself recorded as an op
 * whose backward is a forward pooling (or a gather for max pooling), so the fused kernels serve
 * higher-order gradients too.
 */
final class Pooling {
    private Pooling() {
    }

    // ------------------------------------------------------------------ arguments

    /** The accepted input ranks, for messages: {@code [C, H, W] or [N, C, H, W]}. */
    private static String layouts(int nd) {
        String sp = nd == 1 ? "L" : nd == 2 ? "H, W" : "D, H, W";
        return (nd + 1) + "-D [C, " + sp + "] or " + (nd + 2) + "-D [N, C, " + sp + "]";
    }

    /** Checks dtype and rank; returns x with a batch dim. */
    static Tensor batched(String op, Tensor x, int nd) {
        x.checkOpen(op);
        if (!x.dtype.isFloatingPoint()) {
            throw new IllegalArgumentException(op + ": input must be floating point, got " + x.dtype + " of shape "
                    + Shapes.str(x.shape) + "; convert with .to(DType.FLOAT32)");
        }
        if (x.dim() != nd + 1 && x.dim() != nd + 2) {
            throw new IllegalArgumentException(op + ": expected a " + layouts(nd) + " input, got shape "
                    + Shapes.str(x.shape));
        }
        for (int i = x.dim() - nd; i < x.dim(); i++) {
            if (x.shape[i] == 0) {
                throw new IllegalArgumentException(op + ": spatial sizes must be non-zero, got input of shape "
                        + Shapes.str(x.shape));
            }
        }
        return x.dim() == nd + 1 ? x.unsqueeze(0) : x;
    }

    /** One value for every spatial dim, or one per dim. */
    static int[] expand(String op, String what, int[] v, int nd) {
        if (v == null || (v.length != 1 && v.length != nd)) {
            throw new IllegalArgumentException(op + ": " + what + " needs 1 or " + nd + " values, got "
                    + (v == null ? "null" : Arrays.toString(v)));
        }
        if (v.length == nd) {
            return v.clone();
        }
        int[] r = new int[nd];
        Arrays.fill(r, v[0]);
        return r;
    }

    private static String sizes(int[] v) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < v.length; i++) {
            sb.append(i == 0 ? "" : "x").append(v[i]);
        }
        return sb.toString();
    }

    private static String one(int[] v) {
        for (int x : v) {
            if (x != v[0]) {
                return Arrays.toString(v);
            }
        }
        return String.valueOf(v[0]);
    }

    /**
     * Validates a window and returns the output's spatial sizes, with PyTorch's rule for ceil mode
     * (the last window must start inside the input or its left padding).
     */
    static int[] windowOutput(String op, int[] shape, int nd, int[] k, int[] s, int[] p, int[] d, boolean ceil) {
        int[] in = Arrays.copyOfRange(shape, shape.length - nd, shape.length);
        for (int i = 0; i < nd; i++) {
            if (k[i] <= 0 || s[i] <= 0 || d[i] <= 0) {
                throw new IllegalArgumentException(op + ": kernel, stride and dilation must be positive, got kernel "
                        + Arrays.toString(k) + ", stride " + Arrays.toString(s) + ", dilation " + Arrays.toString(d));
            }
            if (p[i] < 0 || p[i] > k[i] / 2) {
                throw new IllegalArgumentException(op + ": padding must be between 0 and half the kernel size, got padding "
                        + Arrays.toString(p) + " for kernel " + Arrays.toString(k));
            }
        }
        int[] out = new int[nd];
        int[] padded = new int[nd];
        int[] effective = new int[nd];
        boolean tooLarge = false;
        for (int i = 0; i < nd; i++) {
            padded[i] = in[i] + 2 * p[i];
            effective[i] = d[i] * (k[i] - 1) + 1;
            tooLarge |= effective[i] > padded[i];
        }
        if (tooLarge) {
            boolean dilated = false;
            for (int v : d) {
                dilated |= v != 1;
            }
            throw new IllegalArgumentException(op + ": kernel " + one(k) + (dilated ? " (dilated to " + one(effective) + ")" : "")
                    + " is larger than the padded input " + sizes(padded) + " of shape " + Shapes.str(shape));
        }
        for (int i = 0; i < nd; i++) {
            int n = padded[i] - effective[i] + (ceil ? s[i] - 1 : 0);
            int o = n / s[i] + 1;
            if (ceil && (o - 1) * s[i] >= in[i] + p[i]) {
                o--;
            }
            out[i] = o;
        }
        return out;
    }

    private static int[] outShape(Tensor xb, int[] spatial) {
        int[] s = new int[2 + spatial.length];
        s[0] = xb.shape[0];
        s[1] = xb.shape[1];
        System.arraycopy(spatial, 0, s, 2, spatial.length);
        return s;
    }

    private static Tensor unbatch(Tensor t, boolean added) {
        return added ? t.squeeze(0) : t;
    }

    // ------------------------------------------------------------------ max pooling

    /** Max pooling; indices are computed when asked for or when the graph needs them. */
    static ValuesIndices maxPool(Tensor x, int nd, int[] kernel, int[] stride, int[] padding, int[] dilation,
                                 boolean ceilMode, boolean returnIndices) {
        String op = "maxPool" + nd + "d";
        Tensor xb = batched(op, x, nd);
        int[] k = expand(op, "kernel", kernel, nd);
        int[] s = stride == null || stride.length == 0 ? k : expand(op, "stride", stride, nd);
        int[] p = expand(op, "padding", padding, nd);
        int[] d = expand(op, "dilation", dilation, nd);
        int[] out = windowOutput(op, xb.shape, nd, k, s, p, d, ceilMode);
        Tensor xc = xb.contiguous();
        int[] shape = outShape(xb, out);
        Tensor y = Creation.empty(x.dtype, x.device(), shape);
        boolean needIndices = returnIndices || (GradMode.isEnabled() && x.requiresGrad());
        Tensor idx = needIndices ? Creation.empty(DType.INT64, x.device(), shape) : null;
        y.backend().maxPool(xc, new PoolParams(k, s, p, d, true, 0), y, idx);
        if (idx != null) {
            int[] inShape = xc.shape;
            y.record(op, Saved.of(idx), g -> new Tensor[] {maxPoolBackward(g, idx, inShape)}, xc);
        }
        boolean added = xb != x;
        return new ValuesIndices(unbatch(y, added), idx == null ? null : unbatch(idx, added));
    }

    /** Adaptive max pooling to the given spatial output size. */
    static ValuesIndices adaptiveMaxPool(Tensor x, int nd, int[] outputSize, boolean returnIndices) {
        String op = "adaptiveMaxPool" + nd + "d";
        Tensor xb = batched(op, x, nd);
        int[] out = adaptiveSize(op, outputSize, nd);
        Tensor xc = xb.contiguous();
        int[] shape = outShape(xb, out);
        Tensor y = Creation.empty(x.dtype, x.device(), shape);
        Tensor idx = Creation.empty(DType.INT64, x.device(), shape);
        y.backend().adaptiveMaxPool(xc, y, idx);
        int[] inShape = xc.shape;
        y.record(op, Saved.of(idx), g -> new Tensor[] {maxPoolBackward(g, idx, inShape)}, xc);
        boolean added = xb != x;
        return new ValuesIndices(unbatch(y, added), returnIndices ? unbatch(idx, added) : null);
    }

    /**
     * Gradient of max pooling: {@code g} scattered to the indices of each plane. Linear in g; its own
     * gradient gathers at the same indices.
     */
    static Tensor maxPoolBackward(Tensor g, Tensor idx, int[] inShape) {
        Tensor gc = g.contiguous();
        Tensor gi = Creation.empty(g.dtype, g.device(), inShape);
        gi.backend().maxPoolBackward(gc, idx, gi);
        return gi.record("maxPoolBackward", Saved.of(idx), gg -> new Tensor[] {gatherPlanes(gg, idx)}, gc);
    }

    /** {@code out[b, c, o] = gg[b, c, idx[b, c, o]]} over flattened planes. */
    private static Tensor gatherPlanes(Tensor gg, Tensor idx) {
        int planes = idx.shape[0] * idx.shape[1];
        int inPlane = planes == 0 ? 0 : gg.checkedNumel("maxPoolBackward") / planes;
        int outPlane = planes == 0 ? 0 : idx.checkedNumel("maxPoolBackward") / planes;
        return gg.reshape(planes, inPlane).gather(1, idx.reshape(planes, outPlane)).reshape(idx.shape);
    }

    // ------------------------------------------------------------------ average pooling

    static Tensor avgPool(Tensor x, int nd, int[] kernel, int[] stride, int[] padding, boolean ceilMode,
                          boolean countIncludePad, int divisorOverride) {
        String op = "avgPool" + nd + "d";
        Tensor xb = batched(op, x, nd);
        int[] k = expand(op, "kernel", kernel, nd);
        int[] s = stride == null || stride.length == 0 ? k : expand(op, "stride", stride, nd);
        int[] p = expand(op, "padding", padding, nd);
        if (divisorOverride < 0) {
            throw new IllegalArgumentException(op + ": divisorOverride must be positive (or 0 for none), got "
                    + divisorOverride);
        }
        int[] ones = new int[nd];
        Arrays.fill(ones, 1);
        int[] out = windowOutput(op, xb.shape, nd, k, s, p, ones, ceilMode);
        PoolParams params = new PoolParams(k, s, p, ones, countIncludePad, divisorOverride);
        Tensor y = avgPoolRaw(op, xb.contiguous(), params, outShape(xb, out));
        return unbatch(y, xb != x);
    }

    private static Tensor avgPoolRaw(String op, Tensor xc, PoolParams params, int[] shape) {
        Tensor y = Creation.empty(xc.dtype, xc.device(), shape);
        y.backend().avgPool(xc, params, y);
        int[] inShape = xc.shape;
        return y.record(op, Saved.NONE, g -> new Tensor[] {avgPoolBackward(op, g.contiguous(), params, inShape)}, xc);
    }

    private static Tensor avgPoolBackward(String op, Tensor gc, PoolParams params, int[] inShape) {
        Tensor gi = Creation.empty(gc.dtype, gc.device(), inShape);
        gi.backend().avgPoolBackward(gc, params, gi);
        int[] outShape = gc.shape;
        return gi.record(op + "Backward", Saved.NONE, gg -> new Tensor[] {avgPoolRaw(op, gg.contiguous(), params, outShape)}, gc);
    }

    // ------------------------------------------------------------------ adaptive average pooling

    private static int[] adaptiveSize(String op, int[] outputSize, int nd) {
        int[] out = expand(op, "outputSize", outputSize, nd);
        for (int o : out) {
            if (o <= 0) {
                throw new IllegalArgumentException(op + ": outputSize must be positive, got " + Arrays.toString(outputSize));
            }
        }
        return out;
    }

    static Tensor adaptiveAvgPool(Tensor x, int nd, int[] outputSize) {
        String op = "adaptiveAvgPool" + nd + "d";
        Tensor xb = batched(op, x, nd);
        int[] out = adaptiveSize(op, outputSize, nd);
        Tensor y = adaptiveAvgRaw(op, xb.contiguous(), outShape(xb, out));
        return unbatch(y, xb != x);
    }

    private static Tensor adaptiveAvgRaw(String op, Tensor xc, int[] shape) {
        Tensor y = Creation.empty(xc.dtype, xc.device(), shape);
        y.backend().adaptiveAvgPool(xc, y);
        int[] inShape = xc.shape;
        return y.record(op, Saved.NONE, g -> new Tensor[] {adaptiveAvgBackward(op, g.contiguous(), inShape)}, xc);
    }

    private static Tensor adaptiveAvgBackward(String op, Tensor gc, int[] inShape) {
        Tensor gi = Creation.empty(gc.dtype, gc.device(), inShape);
        gi.backend().adaptiveAvgPoolBackward(gc, gi);
        int[] outShape = gc.shape;
        return gi.record(op + "Backward", Saved.NONE, gg -> new Tensor[] {adaptiveAvgRaw(op, gg.contiguous(), outShape)}, gc);
    }
}
