package org.vesalius.tensor;

import java.util.Arrays;
import java.util.Locale;
import org.vesalius.autograd.NoGrad;
import org.vesalius.backend.InterpolationMode;

/** Dropout, embedding lookup, resampling (interpolate) and one-hot encoding. */
final class NetworkOps {
    private NetworkOps() {
    }

    // ------------------------------------------------------------------ dropout

    private static void checkDropout(String op, Tensor x, double p) {
        x.checkOpen(op);
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException(op + ": dropout probability must be between 0 and 1, got " + p);
        }
        if (!x.dtype.isFloatingPoint()) {
            throw new IllegalArgumentException(op + ": input must be floating point, got " + x.dtype);
        }
    }

    /** Zeroes each element with probability p and scales the rest by 1/(1-p). */
    static Tensor dropout(Tensor x, double p, boolean training, Generator gen) {
        checkDropout("dropout", x, p);
        if (!training || p == 0) {
            return x;
        }
        return applyMask(x, p, x.shape, gen);
    }

    /**
     * Channel dropout: whole channels zeroed together. {@code spatialDims} is 1, 2 or 3; batched inputs
     * are {@code [N, C, *spatial]}. Unbatched inputs ({@code [C, *spatial]}) are accepted for 1-D and
     * 3-D; a 3-D input to the 2-D version is read as {@code [N, C, L]}, as PyTorch 1.13 does.
     */
    static Tensor featureDropout(Tensor x, double p, boolean training, Generator gen, int spatialDims) {
        String op = "dropout" + spatialDims + "d";
        checkDropout(op, x, p);
        boolean batched = x.dim() == spatialDims + 2;
        boolean unbatched = x.dim() == spatialDims + 1;
        if (spatialDims == 2 && unbatched) {
            batched = true;
            unbatched = false;
        }
        if (!batched && !unbatched) {
            String sp = spatialDims == 1 ? "L" : spatialDims == 2 ? "H, W" : "D, H, W";
            throw new IllegalArgumentException(op + ": expected a " + (spatialDims + 2) + "-D [N, C, " + sp + "]"
                    + (spatialDims == 2 ? " (or 3-D [N, C, L])" : " or " + (spatialDims + 1) + "-D [C, " + sp + "]")
                    + " input, got shape " + Shapes.str(x.shape));
        }
        if (!training || p == 0) {
            return x;
        }
        int[] noise = new int[x.dim()];
        Arrays.fill(noise, 1);
        int lead = batched ? 2 : 1;
        System.arraycopy(x.shape, 0, noise, 0, lead);
        return applyMask(x, p, noise, gen);
    }

    private static Tensor applyMask(Tensor x, double p, int[] noiseShape, Generator gen) {
        if (p == 1) {
            return x.mul(0.0);
        }
        Tensor mask;
        try (NoGrad ng = NoGrad.open()) {
            Tensor u = Creation.rand(x.dtype, x.device(), gen, noiseShape);
            mask = Elementwise.where(u.lt(1 - p), x.scalarLike(1 / (1 - p)), x.scalarLike(0));
        }
        return x.mul(mask);
    }

    // ------------------------------------------------------------------ embedding

    /** Rows of {@code weight} picked by {@code indices}; {@code paddingIdx} null for none. */
    static Tensor embedding(Tensor indices, Tensor weight, Integer paddingIdx) {
        String op = "embedding";
        indices.checkOpen(op);
        weight.checkOpen(op);
        if (indices.dtype != DType.INT64 && indices.dtype != DType.INT32) {
            throw new IllegalArgumentException(op + ": indices must be int64 (or int32), got " + indices.dtype
                    + (indices.dtype.isFloatingPoint() ? "; convert with .toLong()" : ""));
        }
        if (weight.dim() != 2 || !weight.dtype.isFloatingPoint()) {
            throw new IllegalArgumentException(op + ": weight must be a 2-D floating point [numEmbeddings, embeddingDim] "
                    + "tensor, got " + weight.dtype + " of shape " + Shapes.str(weight.shape));
        }
        Elementwise.checkSameDevice(op, indices, weight);
        int v = weight.shape[0];
        int d = weight.shape[1];
        int pad = -1;
        if (paddingIdx != null) {
            if (paddingIdx < -v || paddingIdx >= v) {
                throw new IllegalArgumentException(op + ": paddingIdx " + paddingIdx + " is out of range for " + v
                        + " embeddings");
            }
            pad = paddingIdx < 0 ? paddingIdx + v : paddingIdx;
        }
        Tensor flat = indices.to(DType.INT64).reshape(-1);
        int n = flat.shape[0];
        if (n > 0) {
            long lo = (long) flat.min().item();
            long hi = (long) flat.max().item();
            if (lo < 0 || hi >= v) {
                throw new IllegalArgumentException(op + ": index " + (lo < 0 ? lo : hi) + " is out of range for " + v
                        + " embeddings (valid: 0.." + (v - 1) + ")");
            }
        }
        Tensor rows;
        try (NoGrad ng = NoGrad.open()) {
            rows = weight.indexSelect(0, flat);
        }
        int[] outShape = Arrays.copyOf(indices.shape, indices.dim() + 1);
        outShape[indices.dim()] = d;
        Tensor out = rows.reshape(outShape);
        int padRow = pad;
        int[] weightShape = weight.shape;
        return out.record(op, Saved.of(flat), g -> {
            Tensor g2 = g.reshape(n, d);
            if (padRow >= 0) {
                // the padding row is a fixed vector: it gets no gradient
                g2 = g2.mul(flat.ne(padRow).to(g.dtype).unsqueeze(1));
            }
            return new Tensor[] {Indexing.indexAddInto(g2, weightShape, 0, flat)};
        }, weight);
    }

    // ------------------------------------------------------------------ one-hot

    static Tensor oneHot(Tensor labels, int numClasses) {
        String op = "oneHot";
        labels.checkOpen(op);
        if (!labels.dtype.isIntegral()) {
            throw new IllegalArgumentException(op + ": expected an integer tensor of class indices (int64), got "
                    + labels.dtype + (labels.dtype.isFloatingPoint() ? "; convert with .toLong()" : ""));
        }
        if (numClasses == 0 || numClasses < -1) {
            throw new IllegalArgumentException(op + ": numClasses must be positive (or -1 to infer it), got "
                    + numClasses);
        }
        Tensor idx = labels.to(DType.INT64);
        long n = idx.numel();
        int k = numClasses;
        if (n > 0) {
            long lo = (long) idx.min().item();
            long hi = (long) idx.max().item();
            if (lo < 0) {
                throw new IllegalArgumentException(op + ": class values must be non-negative, got " + lo);
            }
            if (k == -1) {
                k = (int) hi + 1;
            } else if (hi >= k) {
                throw new IllegalArgumentException(op + ": class value " + hi + " is out of range for numClasses " + k
                        + " (valid: 0.." + (k - 1) + ")");
            }
        } else if (k == -1) {
            throw new IllegalArgumentException(op + ": cannot infer numClasses from an empty tensor of shape "
                    + Shapes.str(labels.shape) + "; pass numClasses");
        }
        int[] shape = Arrays.copyOf(idx.shape, idx.dim() + 1);
        shape[idx.dim()] = k;
        Tensor out = Creation.full(DType.INT64, idx.device(), 0, shape);
        if (n > 0) {
            Tensor at = idx.unsqueeze(idx.dim());
            out.backend().scatter(out, idx.dim(), at, Creation.full(DType.INT64, idx.device(), 1, at.shape), false);
        }
        return out;
    }

    // ------------------------------------------------------------------ interpolate

    /**
     * Resamples the spatial dims of {@code [N, C, *spatial]} to {@code size}, or by
     * {@code scaleFactor} (exactly one is non-null; one value applies to every dim).
     */
    static Tensor interpolate(Tensor x, int[] size, double[] scaleFactor, String mode, boolean alignCorners) {
        String op = "interpolate";
        x.checkOpen(op);
        if (!x.dtype.isFloatingPoint()) {
            throw new IllegalArgumentException(op + ": input must be floating point, got " + x.dtype
                    + "; convert with .to(DType.FLOAT32)");
        }
        int nd = x.dim() - 2;
        String m = mode == null ? "" : mode.toLowerCase(Locale.ROOT);
        int needs;
        switch (m) {
            case "nearest": case "nearest-exact": case "area": needs = 0; break;
            case "linear": needs = 1; break;
            case "bilinear": case "bicubic": needs = 2; break;
            case "trilinear": needs = 3; break;
            default:
                throw new IllegalArgumentException(op + ": unknown mode '" + mode + "'; expected nearest, nearest-exact, "
                        + "linear, bilinear, bicubic, trilinear or area");
        }
        if (m.equals("bicubic") && nd != 2) {
            throw new IllegalArgumentException(op + ": mode 'bicubic' is 2-D only, as in PyTorch: it needs a 4-D "
                    + "[N, C, H, W] input, got shape " + Shapes.str(x.shape));
        }
        if (nd < 1 || nd > 3 || (needs != 0 && needs != nd)) {
            String expected = needs == 0 ? "a 3-D, 4-D or 5-D [N, C, *spatial]"
                    : "a " + (needs + 2) + "-D [N, C, " + (needs == 1 ? "L" : needs == 2 ? "H, W" : "D, H, W") + "]";
            throw new IllegalArgumentException(op + ": mode '" + m + "' needs " + expected + " input, got shape "
                    + Shapes.str(x.shape));
        }
        if (alignCorners && needs == 0) {
            throw new IllegalArgumentException(op + ": alignCorners can only be set with the interpolating modes linear, "
                    + "bilinear, bicubic and trilinear, not '" + m + "'");
        }
        if ((size == null) == (scaleFactor == null)) {
            throw new IllegalArgumentException(op + ": give exactly one of size and scaleFactor");
        }
        int[] in = Arrays.copyOfRange(x.shape, 2, x.dim());
        int[] out = new int[nd];
        double[] scales = null;
        if (size != null) {
            int[] s = Pooling.expand(op, "size", size, nd);
            System.arraycopy(s, 0, out, 0, nd);
        } else {
            if (scaleFactor.length != 1 && scaleFactor.length != nd) {
                throw new IllegalArgumentException(op + ": scaleFactor needs 1 or " + nd + " values for input of shape "
                        + Shapes.str(x.shape) + ", got " + Arrays.toString(scaleFactor));
            }
            scales = new double[nd];
            for (int i = 0; i < nd; i++) {
                scales[i] = scaleFactor.length == 1 ? scaleFactor[0] : scaleFactor[i];
                if (!(scales[i] > 0) || Double.isInfinite(scales[i])) {
                    throw new IllegalArgumentException(op + ": scale factors must be positive and finite, got "
                            + Arrays.toString(scaleFactor));
                }
                out[i] = (int) Math.floor(in[i] * scales[i]);
            }
        }
        for (int i = 0; i < nd; i++) {
            if (out[i] <= 0 || in[i] <= 0) {
                throw new IllegalArgumentException(op + ": input and output sizes must be greater than 0, got input "
                        + Shapes.str(x.shape) + " and output size " + Arrays.toString(out));
            }
        }
        if (m.equals("area")) {
            // PyTorch's area mode is adaptive average pooling to the output size
            return Pooling.adaptiveAvgPool(x, nd, out);
        }
        InterpolationMode im = m.equals("bicubic") ? InterpolationMode.BICUBIC
                : needs != 0 ? InterpolationMode.LINEAR
                : m.equals("nearest") ? InterpolationMode.NEAREST : InterpolationMode.NEAREST_EXACT;
        int[] shape = new int[x.dim()];
        shape[0] = x.shape[0];
        shape[1] = x.shape[1];
        System.arraycopy(out, 0, shape, 2, nd);
        return interpolateRaw(x.contiguous(), im, alignCorners, scales, shape);
    }

    private static Tensor interpolateRaw(Tensor xc, InterpolationMode mode, boolean align, double[] scales, int[] shape) {
        Tensor y = Creation.empty(xc.dtype, xc.device(), shape);
        y.backend().interpolate(xc, mode, align, scales, y);
        int[] inShape = xc.shape;
        return y.record("interpolate", Saved.NONE, g -> new Tensor[] {interpolateBackward(g.contiguous(), mode, align, scales,
                inShape)}, xc);
    }

    private static Tensor interpolateBackward(Tensor gc, InterpolationMode mode, boolean align, double[] scales,
                                              int[] inShape) {
        Tensor gi = Creation.empty(gc.dtype, gc.device(), inShape);
        gi.backend().interpolateBackward(gc, mode, align, scales, gi);
        int[] outShape = gc.shape;
        return gi.record("interpolateBackward", Saved.NONE, gg -> new Tensor[] {interpolateRaw(gg.contiguous(), mode, align, scales,
                outShape)}, gc);
    }
}
