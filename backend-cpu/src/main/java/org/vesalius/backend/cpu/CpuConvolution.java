package org.vesalius.backend.cpu;

import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vesalius.backend.ConvParams;
import org.vesalius.backend.cpu.conv.ConvGeometry;
import org.vesalius.backend.cpu.conv.DnnlConvolution;
import org.vesalius.backend.cpu.conv.JavaConvolution;
import org.vesalius.backend.cpu.dnnl.Dnnl;
import org.vesalius.backend.cpu.dnnl.DnnlException;
import org.vesalius.backend.cpu.dnnl.OpenMp;
import org.vesalius.backend.cpu.dnnl.StridedView;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Tensor;

/**
 * The CPU backend's convolution kernels: float32 on oneDNN ({@link DnnlConvolution}), float64 (and
 * anything oneDNN does not implement) in plain Java ({@link JavaConvolution}) on the backend's
 * threads. Shapes are checked again here ({@link ConvGeometry}) because a kernel writing through a
 * wrong shape would corrupt native memory.
 */
final class CpuConvolution {
    private static final Logger LOG = LoggerFactory.getLogger(CpuConvolution.class);

    private static final JavaConvolution.ParallelFor THREADS = (tasks, body) ->
            Parallel.range(tasks, 1, (from, to) -> {
                for (long t = from; t < to; t++) {
                    body.accept((int) t);
                }
            });

    private CpuConvolution() {
    }

    /** oneDNN's OpenMP threads follow the backend's thread count where the JVM allows (see OpenMp). */
    static void setThreads(int threads) {
        OpenMp.setThreads(threads);
    }

    static void forward(Tensor x, Tensor w, Tensor bias, Tensor out, ConvParams p) {
        ConvGeometry g = ConvGeometry.of(x.shape(), w.shape(), out.shape(), p);
        DType dt = checkDtypes("convForward", x, w, bias, out);
        if (useDnnl(dt, x, w, out)) {
            Trimmed t = Trimmed.of(g, x);
            Tensor xd = denseIfBroadcast(x);
            Tensor wd = denseIfBroadcast(w);
            Tensor bd = bias == null ? null : denseIfBroadcast(bias);
            try {
                DnnlConvolution.forward(t.geometry, t.view(xd), view(wd), bd == null ? null : view(bd), view(out));
                return;
            } catch (DnnlException e) {
                fallback("forward", g, e);
            } finally {
                closeCopies(x, xd, w, wd, bias, bd);
            }
        }
        double[] y = new double[out.checkedNumel("convForward")];
        JavaConvolution.forward(g, doubles(x), doubles(w), bias == null ? null : doubles(bias), y, THREADS);
        store(y, out);
    }

    static void backwardData(Tensor gy, Tensor w, Tensor gx, ConvParams p) {
        ConvGeometry g = ConvGeometry.of(gx.shape(), w.shape(), gy.shape(), p);
        DType dt = checkDtypes("convBackwardData", gy, w, null, gx);
        if (useDnnl(dt, gy, w, gx)) {
            Trimmed t = Trimmed.of(g, gx);
            Tensor gyd = denseIfBroadcast(gy);
            Tensor wd = denseIfBroadcast(w);
            try {
                if (t.trimmed) {
                    // the trimmed-off input rows get no gradient: zero them, then compute the rest
                    CpuElementwise.fill(gx, 0);
                }
                DnnlConvolution.backwardData(t.geometry, view(gyd), view(wd), t.view(gx));
                return;
            } catch (DnnlException e) {
                fallback("backward data", g, e);
            } finally {
                closeCopies(gy, gyd, w, wd, null, null);
            }
        }
        double[] gxa = new double[gx.checkedNumel("convBackwardData")];
        JavaConvolution.backwardData(g, doubles(gy), doubles(w), gxa, THREADS);
        store(gxa, gx);
    }

    static void backwardWeights(Tensor x, Tensor gy, Tensor gw, Tensor gb, ConvParams p) {
        ConvGeometry g = ConvGeometry.of(x.shape(), gw.shape(), gy.shape(), p);
        DType dt = checkDtypes("convBackwardWeights", x, gw, gb, gy);
        if (gb != null && (gb.dim() != 1 || gb.shape()[0] != gw.shape()[0])) {
            throw new IllegalArgumentException("convBackwardWeights: bias gradient of shape " + Arrays.toString(gb.shape())
                    + " does not match " + gw.shape()[0] + " output channels");
        }
        if (useDnnl(dt, x, gy, gw)) {
            Trimmed t = Trimmed.of(g, x);
            Tensor xd = denseIfBroadcast(x);
            Tensor gyd = denseIfBroadcast(gy);
            try {
                DnnlConvolution.backwardWeights(t.geometry, t.view(xd), view(gyd), view(gw), gb == null ? null : view(gb));
                return;
            } catch (DnnlException e) {
                fallback("backward weights", g, e);
            } finally {
                closeCopies(x, xd, gy, gyd, null, null);
            }
        }
        double[] gwa = new double[gw.checkedNumel("convBackwardWeights")];
        double[] gba = gb == null ? null : new double[gb.checkedNumel("convBackwardWeights")];
        JavaConvolution.backwardWeights(g, doubles(x), doubles(gy), gwa, gba, THREADS);
        store(gwa, gw);
        if (gb != null) {
            store(gba, gb);
        }
    }

    // ------------------------------------------------------------------ helpers

    private static DType checkDtypes(String op, Tensor a, Tensor b, Tensor c, Tensor out) {
        DType dt = out.dtype();
        if (dt != DType.FLOAT32 && dt != DType.FLOAT64) {
            throw new IllegalArgumentException(op + ": the CPU backend convolves float32 and float64 tensors, got " + dt
                    + "; convert with .to(DType.FLOAT32)");
        }
        if (a.dtype() != dt || b.dtype() != dt || (c != null && c.dtype() != dt)) {
            throw new IllegalArgumentException(op + ": all tensors must have one dtype, got " + a.dtype() + ", "
                    + b.dtype() + (c == null ? "" : ", " + c.dtype()) + " and " + dt);
        }
        return dt;
    }

    /** float32 with every tensor non-empty goes to oneDNN (empty ones have nothing to compute there). */
    private static boolean useDnnl(DType dt, Tensor a, Tensor b, Tensor c) {
        return dt == DType.FLOAT32 && a.numel() > 0 && b.numel() > 0 && c.numel() > 0 && Dnnl.isAvailable();
    }

    private static void fallback(String what, ConvGeometry g, DnnlException e) {
        if (!e.isUnimplemented()) {
            throw e;
        }
        LOG.debug("oneDNN has no convolution {} for {}; computing in Java", what, g);
    }

    private static StridedView view(Tensor t) {
        CpuStorage s = CpuElementwise.st(t);
        return StridedView.of(s.address() + (long) t.offset() * t.dtype().byteSize(), t.shape(), t.strides());
    }

    /**
     * A contiguous copy when {@code t} is expanded (a zero stride on a dim longer than 1, e.g. the
     * gradient of a sum): oneDNN descriptors need each element at its own address.
     */
    private static Tensor denseIfBroadcast(Tensor t) {
        int[] shape = t.shape();
        int[] strides = t.strides();
        for (int i = 0; i < shape.length; i++) {
            if (strides[i] == 0 && shape[i] > 1) {
                Tensor c = Tensor.empty(t.dtype(), shape);
                CpuElementwise.copy(t, c);
                return c;
            }
        }
        return t;
    }

    private static void closeCopies(Tensor a, Tensor ac, Tensor b, Tensor bc, Tensor c, Tensor cc) {
        if (ac != a) {
            ac.close();
        }
        if (bc != b) {
            bc.close();
        }
        if (cc != c) {
            cc.close();
        }
    }

    /** The tensor's elements, row-major, as doubles. */
    private static double[] doubles(Tensor t) {
        double[] a = new double[t.checkedNumel("convolution")];
        if (t.dtype() == DType.FLOAT64 && t.isContiguous()) {
            Access.load(CpuElementwise.st(t), t.offset(), 1, a, a.length);
            return a;
        }
        Tensor tmp = Tensor.empty(DType.FLOAT64, t.shape());
        try {
            CpuElementwise.copy(t, tmp);
            Access.load(CpuElementwise.st(tmp), tmp.offset(), 1, a, a.length);
        } finally {
            tmp.close();
        }
        return a;
    }

    /** Writes row-major doubles into {@code out} through its strides, converting to its dtype. */
    private static void store(double[] a, Tensor out) {
        if (out.dtype() == DType.FLOAT64 && out.isContiguous()) {
            Access.store(a, a.length, CpuElementwise.st(out), out.offset(), 1);
            return;
        }
        Tensor tmp = Tensor.empty(DType.FLOAT64, out.shape());
        try {
            Access.store(a, a.length, CpuElementwise.st(tmp), tmp.offset(), 1);
            CpuElementwise.copy(tmp, out);
        } finally {
            tmp.close();
        }
    }

    /**
     * oneDNN needs {@code padEnd > -stride}. A transposed convolution's output padding can push padEnd
     * lower; then the last input rows are never read (forward, weights) or get no gradient (data), so
     * the convolution runs on the input trimmed to the rows it uses, with padEnd 0.
     */
    private static final class Trimmed {
        final ConvGeometry geometry;
        final boolean trimmed;
        final int[] inputShape;

        private Trimmed(ConvGeometry geometry, boolean trimmed, int[] inputShape) {
            this.geometry = geometry;
            this.trimmed = trimmed;
            this.inputShape = inputShape;
        }

        static Trimmed of(ConvGeometry g, Tensor input) {
            ConvParams p = g.params();
            int sd = p.spatialDims();
            int[] shape = input.shape();
            int[] padEnd = p.padEnd();
            boolean any = false;
            for (int d = 0; d < sd; d++) {
                if (padEnd[d] <= -p.stride(d)) {
                    shape[2 + d] += g.exactPadEnd(d);
                    padEnd[d] = 0;
                    any = true;
                }
            }
            if (!any) {
                return new Trimmed(g, false, null);
            }
            ConvParams tp = new ConvParams(p.stride(), p.padBegin(), padEnd, p.dilation(), p.groups());
            return new Trimmed(ConvGeometry.of(shape, g.weightShape(), g.outputShape(), tp), true, shape);
        }

        /** The input's view, cut to the rows the convolution uses. */
        StridedView view(Tensor input) {
            StridedView v = CpuConvolution.view(input);
            if (!trimmed) {
                return v;
            }
            long[] dims = new long[inputShape.length];
            for (int i = 0; i < dims.length; i++) {
                dims[i] = inputShape[i];
            }
            return new StridedView(v.address(), dims, v.strides());
        }
    }
}
