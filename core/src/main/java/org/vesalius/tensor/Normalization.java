package org.vesalius.tensor;

import java.util.Arrays;
import org.vesalius.autograd.GradMode;
import org.vesalius.autograd.NoGrad;

/**
 * Batch, layer, group and instance normalization. Forward and the usual backward run fused backend
 * kernels that keep the mean and 1/std of the forward; with {@code createGraph} the backward is
 * written in differentiable tensor ops instead, recomputing the statistics from the input so that
 * second derivatives through them are right.
 */
final class Normalization {
    private Normalization() {
    }

    private static void checkFloat(String op, Tensor x) {
        x.checkOpen(op);
        if (!x.dtype.isFloatingPoint()) {
            throw new IllegalArgumentException(op + ": input must be floating point, got " + x.dtype + " of shape "
                    + Shapes.str(x.shape) + "; convert with .to(DType.FLOAT32)");
        }
    }

    /** A per-channel (or per-element) parameter or statistic: right shape, dtype and device. */
    private static void checkParam(String op, String name, Tensor t, int[] shape, Tensor x, String what) {
        if (t == null) {
            return;
        }
        t.checkOpen(op);
        if (!Arrays.equals(t.shape, shape)) {
            throw new IllegalArgumentException(op + ": " + name + " of shape " + Shapes.str(t.shape) + " does not match "
                    + what + " of input " + Shapes.str(x.shape));
        }
        if (t.dtype != x.dtype) {
            throw new IllegalArgumentException(op + ": " + name + " has dtype " + t.dtype + " but the input has "
                    + x.dtype + "; convert one with .to(...)");
        }
        Elementwise.checkSameDevice(op, x, t);
    }

    private static Tensor contiguousOrNull(Tensor t) {
        return t == null ? null : t.contiguous();
    }

    /** Dims of [N, C, *] other than the channel dim. */
    private static int[] nonChannelDims(int rank) {
        int[] dims = new int[rank - 1];
        dims[0] = 0;
        for (int i = 2; i < rank; i++) {
            dims[i - 1] = i;
        }
        return dims;
    }

    /** {@code [1, C, 1, ...]} of the given rank, to broadcast a per-channel vector. */
    private static int[] channelShape(int c, int rank) {
        int[] s = new int[rank];
        Arrays.fill(s, 1);
        s[1] = c;
        return s;
    }

    private static boolean needs(Tensor t) {
        return t != null && t.requiresGrad();
    }

    // ------------------------------------------------------------------ batch norm

    static Tensor batchNorm(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                            boolean training, double momentum, double eps) {
        String op = "batchNorm";
        checkFloat(op, x);
        if (x.dim() < 2) {
            throw new IllegalArgumentException(op + ": expected an input of shape [N, C, *] (rank 2 or more), got "
                    + Shapes.str(x.shape));
        }
        int c = x.shape[1];
        String channels = c + " channels";
        int[] cs = {c};
        checkParam(op, "weight", weight, cs, x, channels);
        checkParam(op, "bias", bias, cs, x, channels);
        checkParam(op, "runningMean", runningMean, cs, x, channels);
        checkParam(op, "runningVar", runningVar, cs, x, channels);
        if ((runningMean == null) != (runningVar == null)) {
            throw new IllegalArgumentException(op + ": pass both runningMean and runningVar, or neither");
        }
        if (!training && runningMean == null) {
            throw new IllegalArgumentException(op + ": runningMean and runningVar are needed when training is false "
                    + "(there are no batch statistics to fall back on in eval mode)");
        }
        if (!(eps >= 0)) {
            throw new IllegalArgumentException(op + ": eps must be >= 0, got " + eps);
        }
        long perChannel = c == 0 ? 0 : (long) x.numel() / c;
        if (training && perChannel <= 1) {
            throw new IllegalArgumentException(op + ": expected more than 1 value per channel when training, got input "
                    + "of shape " + Shapes.str(x.shape));
        }
        for (Tensor r : new Tensor[] {runningMean, runningVar}) {
            if (r != null && !r.isContiguous()) {
                throw new IllegalArgumentException(op + ": running statistics must be contiguous (they are updated in "
                        + "place), got strides " + Shapes.str(r.strides));
            }
        }
        Tensor xc = x.contiguous();
        Tensor w = contiguousOrNull(weight);
        Tensor b = contiguousOrNull(bias);
        Tensor out = Creation.empty(x.dtype, x.device(), x.shape);
        Tensor mean = Creation.empty(x.dtype, x.device(), c);
        Tensor invStd = Creation.empty(x.dtype, x.device(), c);
        out.backend().batchNorm(xc, w, b, runningMean, runningVar, training, momentum, eps, out, mean, invStd);
        if (training && runningMean != null) {
            InPlace.written(runningMean);
            InPlace.written(runningVar);
        }
        return out.record(op, Saved.of(xc, w, mean, invStd), g -> batchNormGrad(g, xc, w, mean, invStd, training, eps), xc, w, b);
    }

    private static Tensor[] batchNormGrad(Tensor g, Tensor x, Tensor w, Tensor mean, Tensor invStd, boolean training,
                                          double eps) {
        int c = x.shape[1];
        if (!GradMode.isEnabled()) {
            Tensor gx = x.requiresGrad() ? Creation.empty(x.dtype, x.device(), x.shape) : null;
            Tensor gw = needs(w) ? Creation.empty(x.dtype, x.device(), c) : null;
            Tensor gb = Creation.empty(x.dtype, x.device(), c);
            g.backend().batchNormBackward(g.contiguous(), x, w, mean, invStd, training, gx, gw, gb);
            return new Tensor[] {gx, gw, gb};
        }
        int[] dims = nonChannelDims(x.dim());
        int[] bshape = channelShape(c, x.dim());
        Tensor gxhat = w == null ? g : g.mul(w.reshape(bshape));
        Tensor xhat;
        Tensor gx;
        if (training) {
            Tensor xmu = x.sub(x.mean(dims, true));
            Tensor inv = xmu.square().mean(dims, true).add(eps).rsqrt();
            xhat = xmu.mul(inv);
            gx = inv.mul(gxhat.sub(gxhat.mean(dims, true)).sub(xhat.mul(gxhat.mul(xhat).mean(dims, true))));
        } else {
            Tensor inv = invStd.reshape(bshape);
            xhat = x.sub(mean.reshape(bshape)).mul(inv);
            gx = gxhat.mul(inv);
        }
        return new Tensor[] {gx, g.mul(xhat).sum(dims, false), g.sum(dims, false)};
    }

    // ------------------------------------------------------------------ layer norm

    static Tensor layerNorm(Tensor x, int[] normalizedShape, Tensor weight, Tensor bias, double eps) {
        String op = "layerNorm";
        checkFloat(op, x);
        int nd = normalizedShape.length;
        boolean matches = nd > 0 && nd <= x.dim();
        for (int i = 0; matches && i < nd; i++) {
            matches = x.shape[x.dim() - nd + i] == normalizedShape[i];
        }
        if (!matches) {
            throw new IllegalArgumentException(op + ": normalizedShape " + Arrays.toString(normalizedShape)
                    + " does not match the trailing dims of input " + Shapes.str(x.shape));
        }
        String what = "normalizedShape " + Arrays.toString(normalizedShape);
        checkParam(op, "weight", weight, normalizedShape, x, what);
        checkParam(op, "bias", bias, normalizedShape, x, what);
        int k = Shapes.checkedElements(op, normalizedShape);
        Tensor xc = x.contiguous();
        int rows = k == 0 ? 0 : xc.checkedNumel(op) / k;
        Tensor w = contiguousOrNull(weight);
        Tensor b = contiguousOrNull(bias);
        Tensor out = Creation.empty(x.dtype, x.device(), x.shape);
        Tensor mean = Creation.empty(x.dtype, x.device(), rows);
        Tensor invStd = Creation.empty(x.dtype, x.device(), rows);
        out.backend().layerNorm(xc, k, w, b, eps, out, mean, invStd);
        return out.record(op, Saved.of(xc, w, mean, invStd), g -> layerNormGrad(g, xc, k, normalizedShape, w, mean, invStd, eps), xc, w, b);
    }

    private static Tensor[] layerNormGrad(Tensor g, Tensor x, int k, int[] normalizedShape, Tensor w, Tensor mean,
                                          Tensor invStd, double eps) {
        if (!GradMode.isEnabled()) {
            Tensor gx = x.requiresGrad() ? Creation.empty(x.dtype, x.device(), x.shape) : null;
            Tensor gw = needs(w) ? Creation.empty(x.dtype, x.device(), normalizedShape) : null;
            Tensor gb = Creation.empty(x.dtype, x.device(), normalizedShape);
            g.backend().layerNormBackward(g.contiguous(), x, k, w, mean, invStd, gx, gw, gb);
            return new Tensor[] {gx, gw, gb};
        }
        int rows = k == 0 ? 0 : x.checkedNumel("layerNorm") / k;
        Tensor xr = x.reshape(rows, k);
        Tensor gr = g.reshape(rows, k);
        Tensor xmu = xr.sub(xr.mean(1, true));
        Tensor inv = xmu.square().mean(1, true).add(eps).rsqrt();
        Tensor xhat = xmu.mul(inv);
        Tensor gxhat = w == null ? gr : gr.mul(w.reshape(1, k));
        Tensor gx = inv.mul(gxhat.sub(gxhat.mean(1, true)).sub(xhat.mul(gxhat.mul(xhat).mean(1, true))));
        return new Tensor[] {gx.reshape(x.shape), gr.mul(xhat).sum(0, false).reshape(normalizedShape),
            gr.sum(0, false).reshape(normalizedShape)};
    }

    // ------------------------------------------------------------------ group and instance norm

    static Tensor groupNorm(Tensor x, int groups, Tensor weight, Tensor bias, double eps) {
        return groupNormImpl("groupNorm", x, groups, weight, bias, eps)[0];
    }

    /** The normalized output, and the per (sample, group) mean and 1/std as [N, groups]. */
    private static Tensor[] groupNormImpl(String op, Tensor x, int groups, Tensor weight, Tensor bias, double eps) {
        checkFloat(op, x);
        if (x.dim() < 2) {
            throw new IllegalArgumentException(op + ": expected an input of shape [N, C, *] (rank 2 or more), got "
                    + Shapes.str(x.shape));
        }
        int n = x.shape[0];
        int c = x.shape[1];
        if (groups <= 0 || c % groups != 0) {
            throw new IllegalArgumentException(op + ": " + c + " channels of input " + Shapes.str(x.shape)
                    + " cannot be split into " + groups + " equal groups (numGroups must divide C)");
        }
        int[] cs = {c};
        checkParam(op, "weight", weight, cs, x, c + " channels");
        checkParam(op, "bias", bias, cs, x, c + " channels");
        Tensor xc = x.contiguous();
        Tensor w = contiguousOrNull(weight);
        Tensor b = contiguousOrNull(bias);
        Tensor out = Creation.empty(x.dtype, x.device(), x.shape);
        Tensor mean = Creation.empty(x.dtype, x.device(), n, groups);
        Tensor invStd = Creation.empty(x.dtype, x.device(), n, groups);
        out.backend().groupNorm(xc, groups, w, b, eps, out, mean, invStd);
        out.record(op, Saved.of(xc, w, mean, invStd), g -> groupNormGrad(g, xc, groups, w, mean, invStd, eps), xc, w, b);
        return new Tensor[] {out, mean, invStd};
    }

    private static Tensor[] groupNormGrad(Tensor g, Tensor x, int groups, Tensor w, Tensor mean, Tensor invStd,
                                          double eps) {
        int n = x.shape[0];
        int c = x.shape[1];
        if (!GradMode.isEnabled()) {
            Tensor gx = x.requiresGrad() ? Creation.empty(x.dtype, x.device(), x.shape) : null;
            Tensor gw = needs(w) ? Creation.empty(x.dtype, x.device(), c) : null;
            Tensor gb = Creation.empty(x.dtype, x.device(), c);
            g.backend().groupNormBackward(g.contiguous(), x, groups, w, mean, invStd, gx, gw, gb);
            return new Tensor[] {gx, gw, gb};
        }
        int d = n * groups == 0 ? 0 : x.checkedNumel("groupNorm") / (n * groups);
        Tensor xr = x.reshape(n, groups, d);
        Tensor xmu = xr.sub(xr.mean(2, true));
        Tensor inv = xmu.square().mean(2, true).add(eps).rsqrt();
        Tensor xhat = xmu.mul(inv);
        Tensor gxhat = (w == null ? g : g.mul(w.reshape(channelShape(c, x.dim())))).reshape(n, groups, d);
        Tensor gx = inv.mul(gxhat.sub(gxhat.mean(2, true)).sub(xhat.mul(gxhat.mul(xhat).mean(2, true))));
        int[] dims = nonChannelDims(x.dim());
        return new Tensor[] {gx.reshape(x.shape), g.mul(xhat.reshape(x.shape)).sum(dims, false), g.sum(dims, false)};
    }

    static Tensor instanceNorm(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                               boolean useInputStats, double momentum, double eps) {
        String op = "instanceNorm";
        checkFloat(op, x);
        if (x.dim() < 3) {
            throw new IllegalArgumentException(op + ": expected an input of shape [N, C, *spatial] (rank 3 or more), got "
                    + Shapes.str(x.shape));
        }
        int n = x.shape[0];
        int c = x.shape[1];
        int[] cs = {c};
        checkParam(op, "runningMean", runningMean, cs, x, c + " channels");
        checkParam(op, "runningVar", runningVar, cs, x, c + " channels");
        if ((runningMean == null) != (runningVar == null)) {
            throw new IllegalArgumentException(op + ": pass both runningMean and runningVar, or neither");
        }
        if (!useInputStats) {
            if (runningMean == null) {
                throw new IllegalArgumentException(op + ": runningMean and runningVar are needed when useInputStats "
                        + "is false");
            }
            // per-channel normalization by running statistics is batch norm in eval mode
            return batchNorm(x, runningMean, runningVar, weight, bias, false, momentum, eps);
        }
        long spatial = n * c == 0 ? 0 : (long) x.numel() / ((long) n * c);
        if (spatial <= 1) {
            throw new IllegalArgumentException(op + ": expected more than 1 spatial element when training, got input "
                    + "of shape " + Shapes.str(x.shape));
        }
        Tensor[] r = groupNormImpl(op, x, c, weight, bias, eps);
        if (runningMean != null) {
            try (NoGrad ng = NoGrad.open()) {
                // the batch's statistics are the means over samples of each instance's; the variance
                // comes back from 1/std and is made unbiased over the spatial count, as PyTorch does
                Tensor batchMean = r[1].mean(0, false);
                Tensor var = r[2].square().reciprocal().sub(eps).mul((double) spatial / (spatial - 1)).mean(0, false);
                runningMean.mul_(1 - momentum).add_(batchMean.mul(momentum));
                runningVar.mul_(1 - momentum).add_(var.mul(momentum));
            }
        }
        return r[0];
    }
}
