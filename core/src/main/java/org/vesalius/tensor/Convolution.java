package org.vesalius.tensor;

import java.util.Arrays;
import org.vesalius.autograd.GradMode;
import org.vesalius.backend.ConvParams;

/**
 * Convolution and transposed convolution over 1 to 3 spatial dims, PyTorch's {@code conv1d/2d/3d}
 * and {@code conv_transpose1d/2d/3d}.
 *
 * <p>Three differentiable ops carry all of it: {@link #forward} (the convolution), {@link #inputGrad}
 * (its gradient with respect to the input, which is also the transposed convolution) and
 * {@link #weightGrad}. The gradient of each of the three is written with the other two, so gradients
 * of any order exist (WGAN-GP's penalty differentiates a gradient). A plain backward pass records
 * nothing and lets the backend fuse the weight and bias gradients into one kernel.
 */
final class Convolution {
    private Convolution() {
    }

    // ------------------------------------------------------------------ public entry points

    /** {@code convNd} with explicit (symmetric) padding. */
    static Tensor conv(int sd, Tensor x, Tensor w, Tensor b, int[] stride, int[] padding, int[] dilation, int groups) {
        String op = "conv" + sd + "d";
        checkTensors(op, sd, x, w, b);
        int[] s = expand(op, "stride", stride, sd, 1);
        int[] pad = expand(op, "padding", padding, sd, 0);
        int[] dil = expand(op, "dilation", dilation, sd, 1);
        return convChecked(op, sd, x, w, b, new ConvParams(s, pad, pad, dil, checkGroups(op, groups)));
    }

    /** {@code convNd} with {@code padding="same"} or {@code "valid"}. */
    static Tensor conv(int sd, Tensor x, Tensor w, Tensor b, int[] stride, String padding, int[] dilation, int groups) {
        String op = "conv" + sd + "d";
        checkTensors(op, sd, x, w, b);
        int[] s = expand(op, "stride", stride, sd, 1);
        int[] dil = expand(op, "dilation", dilation, sd, 1);
        int[] begin = new int[sd];
        int[] end = new int[sd];
        if ("same".equals(padding)) {
            for (int d = 0; d < sd; d++) {
                if (s[d] != 1) {
                    throw new IllegalArgumentException(op + ": padding=\"same\" needs stride 1 in every dim (as in PyTorch), got stride "
                            + Arrays.toString(s) + "; pass explicit padding instead");
                }
                // PyTorch puts the odd extra zero at the end when the total is odd (even kernels)
                int total = dil[d] * (w.shape[2 + d] - 1);
                begin[d] = total / 2;
                end[d] = total - begin[d];
            }
        } else if (!"valid".equals(padding)) {
            throw new IllegalArgumentException(op + ": padding must be \"same\", \"valid\" or numbers, got \"" + padding + "\"");
        }
        return convChecked(op, sd, x, w, b, new ConvParams(s, begin, end, dil, checkGroups(op, groups)));
    }

    /** {@code conv_transposeNd(x, w, b, stride, padding, output_padding, groups, dilation)}. */
    static Tensor convTranspose(int sd, Tensor x, Tensor w, Tensor b, int[] stride, int[] padding, int[] outputPadding,
                                int groups, int[] dilation) {
        String op = "convTranspose" + sd + "d";
        checkTensors(op, sd, x, w, b);
        int[] s = expand(op, "stride", stride, sd, 1);
        int[] pad = expand(op, "padding", padding, sd, 0);
        int[] dil = expand(op, "dilation", dilation, sd, 1);
        int[] outPad = expand(op, "outputPadding", outputPadding, sd, 0);
        int g = checkGroups(op, groups);
        boolean batched = x.dim() == sd + 2;
        int cin = x.shape[batched ? 1 : 0];
        if (cin != w.shape[0]) {
            throw new IllegalArgumentException(op + ": input of shape " + Shapes.str(x.shape) + " has " + cin
                    + " channels but weight of shape " + Shapes.str(w.shape) + " expects " + w.shape[0]
                    + " (weight is [in_channels, out_channels / groups, " + kernelDims(sd) + "])");
        }
        if (w.shape[0] % g != 0) {
            throw new IllegalArgumentException(op + ": weight of shape " + Shapes.str(w.shape) + " has " + w.shape[0]
                    + " input channels, not divisible by groups=" + g);
        }
        int cout = w.shape[1] * g;
        checkBias(op, b, cout);
        int[] end = new int[sd];
        int[] outShape = new int[sd + 2];
        outShape[0] = batched ? x.shape[0] : 1;
        outShape[1] = cout;
        for (int d = 0; d < sd; d++) {
            if (outPad[d] >= s[d] && outPad[d] >= dil[d]) {
                throw new IllegalArgumentException(op + ": outputPadding " + Arrays.toString(outPad)
                        + " must be smaller than either stride " + Arrays.toString(s) + " or dilation " + Arrays.toString(dil));
            }
            int in = x.shape[x.dim() - sd + d];
            int k = w.shape[2 + d];
            long size = (long) (in - 1) * s[d] - 2L * pad[d] + (long) dil[d] * (k - 1) + outPad[d] + 1;
            if (size <= 0) {
                throw new IllegalArgumentException(op + ": output size would be " + size + " in spatial dim " + d
                        + " for input " + Shapes.str(x.shape) + ", kernel " + Shapes.str(w.shape) + ", stride "
                        + Arrays.toString(s) + ", padding " + Arrays.toString(pad) + ", dilation " + Arrays.toString(dil)
                        + ", outputPadding " + Arrays.toString(outPad));
            }
            outShape[2 + d] = (int) size;
            end[d] = pad[d] - outPad[d];
        }
        ConvParams p = new ConvParams(s, pad, end, dil, g);
        Tensor xb = batched ? x : x.unsqueeze(0);
        Tensor y = inputGrad(op, xb, w, p, outShape);
        if (b != null) {
            int[] bshape = new int[sd + 1];
            Arrays.fill(bshape, 1);
            bshape[0] = cout;
            y = y.add(b.reshape(bshape));
        }
        return batched ? y : y.squeeze(0);
    }

    // ------------------------------------------------------------------ the three differentiable ops

    /** {@code conv(x, w) + b} for batched x; shapes already checked. */
    static Tensor forward(String op, Tensor x, Tensor w, Tensor b, ConvParams p) {
        int sd = p.spatialDims();
        int[] outShape = new int[sd + 2];
        outShape[0] = x.shape[0];
        outShape[1] = w.shape[0];
        for (int d = 0; d < sd; d++) {
            outShape[2 + d] = p.outputSize(d, x.shape[2 + d], w.shape[2 + d]);
        }
        Tensor out = Creation.empty(x.dtype, x.device(), outShape);
        out.backend().convForward(x, w, b, out, p);
        return out.record(op, Saved.of(x, w), g -> forwardGrad(op, g, x, w, b, p), x, w, b);
    }

    private static Tensor[] forwardGrad(String op, Tensor g, Tensor x, Tensor w, Tensor b, ConvParams p) {
        boolean needX = x.requiresGrad();
        boolean needW = w.requiresGrad();
        boolean needB = b != null && b.requiresGrad();
        if (GradMode.isEnabled()) {
            // createGraph: every gradient is itself a recorded op
            return new Tensor[] {
                needX ? inputGrad(op + "InputGrad", g, w, p, x.shape) : null,
                needW ? weightGrad(op + "WeightGrad", x, g, p, w.shape) : null,
                needB ? g.sum(batchAndSpatialDims(p), false) : null};
        }
        Tensor gx = null;
        Tensor gw = null;
        Tensor gb = null;
        if (needX) {
            gx = Creation.empty(g.dtype, g.device(), x.shape);
            gx.backend().convBackwardData(g, w, gx, p);
        }
        if (needW) {
            gw = Creation.empty(g.dtype, g.device(), w.shape);
            gb = needB ? Creation.empty(g.dtype, g.device(), b.shape) : null;
            gw.backend().convBackwardWeights(x, g, gw, gb, p);
        } else if (needB) {
            gb = g.sum(batchAndSpatialDims(p), false);
        }
        return new Tensor[] {gx, gw, gb};
    }

    /**
     * The gradient of {@code conv(x, w)} with respect to x for output gradient {@code gy}; also the
     * transposed convolution of gy with w. {@code xShape} is the batched input shape.
     */
    static Tensor inputGrad(String op, Tensor gy, Tensor w, ConvParams p, int[] xShape) {
        Tensor gx = Creation.empty(gy.dtype, gy.device(), xShape);
        gx.backend().convBackwardData(gy, w, gx, p);
        // sum(gx * G) = sum(gy * conv(G, w)): linear in gy and in w
        return gx.record(op, Saved.of(gy, w), gg -> new Tensor[] {
            gy.requiresGrad() ? forward(op + "Grad", gg, w, null, p) : null,
            w.requiresGrad() ? weightGrad(op + "WeightGrad", gg, gy, p, w.shape) : null}, gy, w);
    }

    /** The gradient of {@code conv(x, w)} with respect to w for output gradient {@code gy}. */
    static Tensor weightGrad(String op, Tensor x, Tensor gy, ConvParams p, int[] wShape) {
        Tensor gw = Creation.empty(gy.dtype, gy.device(), wShape);
        gw.backend().convBackwardWeights(x, gy, gw, null, p);
        // sum(gw * H) = sum(gy * conv(x, H)): linear in x and in gy
        return gw.record(op, Saved.of(x, gy), h -> new Tensor[] {
            x.requiresGrad() ? inputGrad(op + "InputGrad", gy, h, p, x.shape) : null,
            gy.requiresGrad() ? forward(op + "Grad", x, h, null, p) : null}, x, gy);
    }

    // ------------------------------------------------------------------ checks

    private static Tensor convChecked(String op, int sd, Tensor x, Tensor w, Tensor b, ConvParams p) {
        boolean batched = x.dim() == sd + 2;
        int cin = x.shape[batched ? 1 : 0];
        int g = p.groups();
        if (cin != w.shape[1] * g) {
            throw new IllegalArgumentException(op + ": input of shape " + Shapes.str(x.shape) + " has " + cin
                    + " channels but weight of shape " + Shapes.str(w.shape) + " expects " + (w.shape[1] * g)
                    + " (groups=" + g + ")");
        }
        if (w.shape[0] % g != 0) {
            throw new IllegalArgumentException(op + ": weight of shape " + Shapes.str(w.shape) + " has " + w.shape[0]
                    + " output channels, not divisible by groups=" + g);
        }
        checkBias(op, b, w.shape[0]);
        for (int d = 0; d < sd; d++) {
            int in = x.shape[x.dim() - sd + d];
            int k = w.shape[2 + d];
            if (p.outputSize(d, in, k) <= 0) {
                int[] inSp = Arrays.copyOfRange(x.shape, x.dim() - sd, x.dim());
                int[] kSp = Arrays.copyOfRange(w.shape, 2, 2 + sd);
                throw new IllegalArgumentException(op + ": kernel " + Arrays.toString(kSp) + " (dilation "
                        + Arrays.toString(p.dilation()) + ") is larger than the padded input: input " + Shapes.str(x.shape)
                        + " has spatial size " + Arrays.toString(inSp) + ", padding " + Arrays.toString(p.padBegin())
                        + (Arrays.equals(p.padBegin(), p.padEnd()) ? "" : "/" + Arrays.toString(p.padEnd())));
            }
        }
        Tensor xb = batched ? x : x.unsqueeze(0);
        Tensor y = forward(op, xb, w, b, p);
        return batched ? y : y.squeeze(0);
    }

    private static void checkTensors(String op, int sd, Tensor x, Tensor w, Tensor b) {
        x.checkOpen(op);
        w.checkOpen(op);
        if (b != null) {
            b.checkOpen(op);
        }
        if (x.dim() != sd + 1 && x.dim() != sd + 2) {
            throw new IllegalArgumentException(op + ": expected a " + (sd + 1) + "-d (unbatched) or " + (sd + 2)
                    + "-d (batched) input [N, C, " + spatialNames(sd) + "], got shape " + Shapes.str(x.shape));
        }
        String wLayout = op.startsWith("convTranspose")
                ? "[in_channels, out_channels / groups, " + kernelDims(sd) + "]"
                : "[out_channels, in_channels / groups, " + kernelDims(sd) + "]";
        if (w.dim() != sd + 2) {
            throw new IllegalArgumentException(op + ": weight must be " + (sd + 2) + "-d " + wLayout + ", got shape "
                    + Shapes.str(w.shape));
        }
        for (int d = 0; d < sd; d++) {
            if (w.shape[2 + d] < 1) {
                throw new IllegalArgumentException(op + ": weight of shape " + Shapes.str(w.shape) + " has an empty kernel");
            }
        }
        Elementwise.checkSameDevice(op, x, w);
        if (b != null) {
            Elementwise.checkSameDevice(op, x, b);
        }
        if (!x.dtype.isFloatingPoint()) {
            throw new IllegalArgumentException(op + ": expects floating point tensors, got input of dtype " + x.dtype
                    + "; convert with .to(DType.FLOAT32)");
        }
        if (w.dtype != x.dtype || (b != null && b.dtype != x.dtype)) {
            throw new IllegalArgumentException(op + ": input (" + x.dtype + "), weight (" + w.dtype + ")"
                    + (b == null ? "" : " and bias (" + b.dtype + ")") + " must have the same dtype; convert with .to(dtype)");
        }
    }

    private static void checkBias(String op, Tensor b, int channels) {
        if (b != null && (b.dim() != 1 || b.shape[0] != channels)) {
            throw new IllegalArgumentException(op + ": bias must be 1-d with " + channels + " elements (one per output channel), got shape "
                    + Shapes.str(b.shape));
        }
    }

    private static int checkGroups(String op, int groups) {
        if (groups < 1) {
            throw new IllegalArgumentException(op + ": groups must be >= 1, got " + groups);
        }
        return groups;
    }

    /** One value for every dim, or one per dim; each at least {@code min}. */
    private static int[] expand(String op, String what, int[] v, int sd, int min) {
        int[] out;
        if (v.length == 1) {
            out = new int[sd];
            Arrays.fill(out, v[0]);
        } else if (v.length == sd) {
            out = v.clone();
        } else {
            throw new IllegalArgumentException(op + ": " + what + " needs 1 or " + sd + " values, got " + Arrays.toString(v));
        }
        for (int e : out) {
            if (e < min) {
                throw new IllegalArgumentException(op + ": " + what + " must be >= " + min + ", got " + Arrays.toString(v));
            }
        }
        return out;
    }

    private static int[] batchAndSpatialDims(ConvParams p) {
        int[] dims = new int[p.spatialDims() + 1];
        for (int i = 1; i < dims.length; i++) {
            dims[i] = i + 1;
        }
        return dims;
    }

    private static String spatialNames(int sd) {
        return sd == 1 ? "L" : sd == 2 ? "H, W" : "D, H, W";
    }

    private static String kernelDims(int sd) {
        return sd == 1 ? "kL" : sd == 2 ? "kH, kW" : "kD, kH, kW";
    }
}
