package org.vesalius.backend.cpu.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.bytedeco.javacpp.FloatPointer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vesalius.backend.ConvParams;
import org.vesalius.backend.cpu.dnnl.Dnnl;
import org.vesalius.backend.cpu.dnnl.PrimitiveCache;
import org.vesalius.backend.cpu.dnnl.StridedView;

/** oneDNN float32 convolution against the float64 Java reference, on raw native buffers. */
class DnnlConvolutionTest {

    @BeforeAll
    static void requireDnnl() {
        assumeTrue(Dnnl.isAvailable(), "oneDNN natives not available on this platform");
    }

    @AfterEach
    void restoreLayout() {
        DnnlConvolution.setLayout(DnnlConvolution.Layout.BY_SHAPE);
    }

    /** One convolution configuration: shapes of x and w, params. */
    static final class Case {
        final String name;
        final int[] x;
        final int[] w;
        final ConvParams p;
        /** Store x and gy channels-last, so the kernels see non-contiguous views. */
        final boolean channelsLast;

        Case(String name, int[] x, int[] w, ConvParams p, boolean channelsLast) {
            this.name = name;
            this.x = x;
            this.w = w;
            this.p = p;
            this.channelsLast = channelsLast;
        }

        int[] y() {
            int[] y = new int[x.length];
            y[0] = x[0];
            y[1] = w[0];
            for (int d = 2; d < x.length; d++) {
                y[d] = p.outputSize(d - 2, x[d], w[d]);
            }
            return y;
        }

        @Override
        public String toString() {
            return name + " x" + Arrays.toString(x) + " w" + Arrays.toString(w) + " " + p + (channelsLast ? " channels-last" : "");
        }
    }

    private static int[] a(int... v) {
        return v;
    }

    private static ConvParams params(int[] stride, int[] padB, int[] padE, int[] dil, int groups) {
        return new ConvParams(stride, padB, padE, dil, groups);
    }

    static Stream<Arguments> cases() {
        List<Case> cs = new ArrayList<>();
        cs.add(new Case("1d plain", a(2, 3, 11), a(4, 3, 3), ConvParams.of(a(1), a(0), a(1), 1), false));
        cs.add(new Case("1d stride pad dil", a(3, 4, 17), a(6, 4, 4), params(a(2), a(2), a(1), a(2), 1), false));
        cs.add(new Case("1d groups", a(2, 6, 9), a(9, 2, 3), ConvParams.of(a(1), a(1), a(1), 3), false));
        cs.add(new Case("2d lenet-like", a(4, 1, 12, 12), a(5, 1, 5, 5), ConvParams.of(a(1, 1), a(0, 0), a(1, 1), 1), false));
        cs.add(new Case("2d pad 1", a(2, 5, 9, 7), a(7, 5, 3, 3), ConvParams.of(a(1, 1), a(1, 1), a(1, 1), 1), false));
        cs.add(new Case("2d same even kernel", a(2, 3, 8, 9), a(4, 3, 4, 2), params(a(1, 1), a(1, 0), a(2, 1), a(1, 1), 1), false));
        cs.add(new Case("2d stride 2 odd", a(2, 4, 11, 13), a(6, 4, 3, 3), ConvParams.of(a(2, 2), a(1, 1), a(1, 1), 1), false));
        cs.add(new Case("2d stride 3x2 asym", a(1, 3, 14, 10), a(5, 3, 4, 3), params(a(3, 2), a(2, 0), a(0, 1), a(1, 1), 1), false));
        cs.add(new Case("2d dilation", a(2, 3, 13, 12), a(4, 3, 3, 3), ConvParams.of(a(1, 1), a(2, 2), a(2, 3), 1), false));
        cs.add(new Case("2d groups 2", a(2, 8, 7, 7), a(6, 4, 3, 3), ConvParams.of(a(1, 1), a(1, 1), a(1, 1), 2), false));
        cs.add(new Case("2d depthwise", a(2, 16, 9, 9), a(16, 1, 3, 3), ConvParams.of(a(1, 1), a(1, 1), a(1, 1), 16), false));
        cs.add(new Case("2d depthwise multiplier", a(2, 4, 8, 8), a(8, 1, 5, 5), ConvParams.of(a(2, 2), a(2, 2), a(1, 1), 4), false));
        cs.add(new Case("2d 1x1 stride 2", a(2, 16, 9, 9), a(32, 16, 1, 1), ConvParams.of(a(2, 2), a(0, 0), a(1, 1), 1), false));
        cs.add(new Case("2d pad > kernel/2", a(1, 2, 5, 6), a(3, 2, 3, 3), ConvParams.of(a(1, 1), a(3, 2), a(1, 1), 1), false));
        cs.add(new Case("2d channels-last", a(2, 16, 10, 10), a(16, 16, 3, 3), ConvParams.of(a(1, 1), a(1, 1), a(1, 1), 1), true));
        cs.add(new Case("2d channels-last groups", a(2, 6, 7, 9), a(9, 2, 3, 3), ConvParams.of(a(2, 1), a(1, 1), a(1, 1), 3), true));
        cs.add(new Case("3d plain", a(2, 3, 6, 7, 5), a(4, 3, 3, 3, 3), ConvParams.of(a(1, 1, 1), a(1, 1, 1), a(1, 1, 1), 1), false));
        cs.add(new Case("3d stride dil groups", a(1, 4, 9, 8, 10), a(6, 2, 3, 2, 3),
                params(a(2, 1, 3), a(1, 0, 2), a(0, 1, 1), a(2, 1, 1), 2), false));
        cs.add(new Case("3d channels-last", a(1, 8, 5, 6, 7), a(8, 8, 3, 3, 3), ConvParams.of(a(1, 1, 1), a(1, 1, 1), a(1, 1, 1), 1), true));
        List<Arguments> out = new ArrayList<>();
        for (Case c : cs) {
            out.add(Arguments.of(c, DnnlConvolution.Layout.ANY));
            out.add(Arguments.of(c, DnnlConvolution.Layout.CHANNELS_LAST));
            out.add(Arguments.of(c, DnnlConvolution.Layout.BY_SHAPE));
        }
        out.add(Arguments.of(cs.get(1), DnnlConvolution.Layout.AUTO));
        out.add(Arguments.of(cs.get(6), DnnlConvolution.Layout.AUTO));
        out.add(Arguments.of(cs.get(17), DnnlConvolution.Layout.AUTO));
        out.add(Arguments.of(cs.get(4), DnnlConvolution.Layout.PLAIN));
        out.add(Arguments.of(cs.get(9), DnnlConvolution.Layout.PLAIN));
        out.add(Arguments.of(cs.get(14), DnnlConvolution.Layout.PLAIN));
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void matchesJavaReference(Case c, DnnlConvolution.Layout layout) {
        DnnlConvolution.setLayout(layout);
        Random r = new Random(c.name.hashCode());
        int[] ys = c.y();
        ConvGeometry g = ConvGeometry.of(c.x, c.w, ys, c.p);
        double[] x = randomFloats(r, numel(c.x));
        double[] w = randomFloats(r, numel(c.w));
        double[] b = randomFloats(r, c.w[0]);
        double[] gy = randomFloats(r, numel(ys));

        double[] yRef = new double[numel(ys)];
        JavaConvolution.forward(g, x, w, b, yRef);
        double[] gxRef = new double[numel(c.x)];
        JavaConvolution.backwardData(g, gy, w, gxRef);
        double[] gwRef = new double[numel(c.w)];
        double[] gbRef = new double[c.w[0]];
        JavaConvolution.backwardWeights(g, x, gy, gwRef, gbRef);
        double[] yNoBias = new double[numel(ys)];
        JavaConvolution.forward(g, x, w, null, yNoBias);

        try (Buf bx = new Buf(c.x, c.channelsLast, x); Buf bw = new Buf(c.w, false, w); Buf bb = new Buf(a(c.w[0]), false, b);
             Buf by = new Buf(ys, c.channelsLast, null); Buf bgy = new Buf(ys, c.channelsLast, gy);
             Buf bgx = new Buf(c.x, c.channelsLast, null); Buf bgw = new Buf(c.w, false, null); Buf bgb = new Buf(a(c.w[0]), false, null)) {
            DnnlConvolution.forward(g, bx.view, bw.view, bb.view, by.view);
            assertClose("forward", yRef, by.read(), reductionSize(c.w));
            DnnlConvolution.forward(g, bx.view, bw.view, null, by.view);
            assertClose("forward without bias", yNoBias, by.read(), reductionSize(c.w));
            DnnlConvolution.backwardData(g, bgy.view, bw.view, bgx.view);
            assertClose("backward data", gxRef, bgx.read(), c.w[0] * numel(c.w) / c.w[0] / c.w[1]);
            DnnlConvolution.backwardWeights(g, bx.view, bgy.view, bgw.view, bgb.view);
            assertClose("backward weights", gwRef, bgw.read(), numel(ys) / ys[1]);
            assertClose("bias grad", gbRef, bgb.read(), numel(ys) / ys[1]);
            DnnlConvolution.backwardWeights(g, bx.view, bgy.view, bgw.view, null);
            assertClose("backward weights without bias", gwRef, bgw.read(), numel(ys) / ys[1]);
        }
    }

    /** ADR 0008's rule: channels-last where blocking would pad a channel count, not for grouped convolutions. */
    @Test
    void byShapeRuleKeepsBlockedLayoutsForMultiplesOf16AndFewInputChannels() {
        assertEquals(DnnlConvolution.Layout.ANY, DnnlConvolution.byShape(16, 32, false));
        assertEquals(DnnlConvolution.Layout.ANY, DnnlConvolution.byShape(64, 64, true));
        assertEquals(DnnlConvolution.Layout.CHANNELS_LAST, DnnlConvolution.byShape(20, 50, false));
        assertEquals(DnnlConvolution.Layout.CHANNELS_LAST, DnnlConvolution.byShape(16, 1, false));
        assertEquals(DnnlConvolution.Layout.ANY, DnnlConvolution.byShape(1, 20, false));
        assertEquals(DnnlConvolution.Layout.CHANNELS_LAST, DnnlConvolution.byShape(1, 20, true));
        assertEquals(DnnlConvolution.Layout.ANY, DnnlConvolution.byShape(3, 32, false));
    }

    /** Transposed convolution = backward data of the convolution it transposes, with output padding. */
    @Test
    void transposedWithOutputPaddingMatchesReference() {
        // ConvTranspose2d(4 -> 6, k=3, stride=2, padding=1, output_padding=1, groups=2) on [2, 4, 5, 6]
        int[] xt = a(2, 4, 5, 6);
        int[] w = a(4, 3, 3, 3);
        int outPad = 1;
        int[] out = a(2, 6, (5 - 1) * 2 - 2 + 3 + outPad, (6 - 1) * 2 - 2 + 3 + outPad);
        ConvParams conv = params(a(2, 2), a(1, 1), a(1 - outPad, 1 - outPad), a(1, 1), 2);
        ConvGeometry g = ConvGeometry.of(out, w, xt, conv);
        Random r = new Random(3);
        double[] x = randomFloats(r, numel(xt));
        double[] wv = randomFloats(r, numel(w));
        double[] ref = new double[numel(out)];
        JavaConvolution.backwardData(g, x, wv, ref);
        // the direct definition of transposed convolution, as a check on the mapping itself
        double[] direct = transposedDirect(x, wv, xt, w, out, 2, 1, 2);
        for (int i = 0; i < ref.length; i++) {
            assertEquals(direct[i], ref[i], 1e-9);
        }
        try (Buf bx = new Buf(xt, false, x); Buf bw = new Buf(w, false, wv); Buf bo = new Buf(out, false, null)) {
            DnnlConvolution.backwardData(g, bx.view, bw.view, bo.view);
            assertClose("transposed forward", ref, bo.read(), 20);
        }
    }

    @Test
    void primitivesAreCachedAcrossCalls() {
        int[] xs = a(2, 3, 10, 10);
        int[] ws = a(4, 3, 3, 3);
        int[] ys = a(2, 4, 8, 8);
        ConvGeometry g = ConvGeometry.of(xs, ws, ys, ConvParams.of(a(1, 1), a(0, 0), a(1, 1), 1));
        Random r = new Random(1);
        try (Buf bx = new Buf(xs, false, randomFloats(r, numel(xs))); Buf bw = new Buf(ws, false, randomFloats(r, numel(ws)));
             Buf by = new Buf(ys, false, null); Buf bgx = new Buf(xs, false, null); Buf bgw = new Buf(ws, false, null)) {
            DnnlConvolution.forward(g, bx.view, bw.view, null, by.view);
            DnnlConvolution.backwardData(g, by.view, bw.view, bgx.view);
            DnnlConvolution.backwardWeights(g, bx.view, by.view, bgw.view, null);
            PrimitiveCache cache = PrimitiveCache.shared();
            int size = cache.size();
            long misses = cache.misses();
            for (int i = 0; i < 20; i++) {
                DnnlConvolution.forward(g, bx.view, bw.view, null, by.view);
                DnnlConvolution.backwardData(g, by.view, bw.view, bgx.view);
                DnnlConvolution.backwardWeights(g, bx.view, by.view, bgw.view, null);
            }
            assertEquals(size, cache.size(), "cache grew over identical calls");
            assertEquals(misses, cache.misses(), "identical calls built new primitives");
        }
    }

    @Test
    void rejectsViewsThatDoNotMatchTheGeometry() {
        ConvGeometry g = ConvGeometry.of(a(1, 2, 5, 5), a(3, 2, 3, 3), a(1, 3, 3, 3), ConvParams.defaults(2));
        StridedView wrong = StridedView.contiguous(0, 1, 2, 6, 5);
        StridedView w = StridedView.contiguous(0, 3, 2, 3, 3);
        StridedView y = StridedView.contiguous(0, 1, 3, 3, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DnnlConvolution.forward(g, wrong, w, null, y));
        assertTrue(e.getMessage().contains("do not match"), e.getMessage());
    }

    // ------------------------------------------------------------------ helpers

    /** Transposed convolution from its definition: each input element scatters w into the output. */
    private static double[] transposedDirect(double[] x, double[] w, int[] xs, int[] ws, int[] os, int stride, int pad, int groups) {
        double[] out = new double[numel(os)];
        int cin = xs[1];
        int coutG = ws[1];
        int cinG = cin / groups;
        for (int n = 0; n < xs[0]; n++) {
            for (int ci = 0; ci < cin; ci++) {
                int grp = ci / cinG;
                for (int ih = 0; ih < xs[2]; ih++) {
                    for (int iw = 0; iw < xs[3]; iw++) {
                        double v = x[((n * cin + ci) * xs[2] + ih) * xs[3] + iw];
                        for (int co = 0; co < coutG; co++) {
                            int oc = grp * coutG + co;
                            for (int kh = 0; kh < ws[2]; kh++) {
                                for (int kw = 0; kw < ws[3]; kw++) {
                                    int oh = ih * stride - pad + kh;
                                    int ow = iw * stride - pad + kw;
                                    if (oh >= 0 && oh < os[2] && ow >= 0 && ow < os[3]) {
                                        out[((n * os[1] + oc) * os[2] + oh) * os[3] + ow] +=
                                                v * w[((ci * coutG + co) * ws[2] + kh) * ws[3] + kw];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    static int numel(int[] s) {
        int n = 1;
        for (int v : s) {
            n *= v;
        }
        return n;
    }

    private static int reductionSize(int[] w) {
        return numel(w) / w[0];
    }

    /** Values representable in float32, so both paths see the same inputs. */
    static double[] randomFloats(Random r, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    /** float32 error grows with the number of summed terms; allow a few ulps per sqrt(term). */
    static void assertClose(String what, double[] expected, double[] actual, int terms) {
        double tol = 2e-6 * Math.sqrt(Math.max(terms, 1)) * 8;
        for (int i = 0; i < expected.length; i++) {
            double d = Math.abs(expected[i] - actual[i]);
            if (!(d <= tol * (1 + Math.abs(expected[i])))) {
                throw new AssertionError(what + ": element " + i + " expected " + expected[i] + " but was " + actual[i]
                        + " (tolerance " + tol + ")");
            }
        }
    }

    /** A native float buffer holding a logical NC... tensor, optionally stored channels-last. */
    static final class Buf implements AutoCloseable {
        final int[] shape;
        final boolean channelsLast;
        final FloatPointer mem;
        final StridedView view;

        Buf(int[] shape, boolean channelsLast, double[] logical) {
            this.shape = shape;
            this.channelsLast = channelsLast;
            int n = numel(shape);
            mem = new FloatPointer(Math.max(n, 1));
            int[] strides = channelsLast ? channelsLastStrides(shape) : contiguousStrides(shape);
            view = StridedView.of(mem.address(), shape, strides);
            if (logical != null) {
                float[] phys = new float[n];
                int[] st = strides;
                forEach(shape, (idx, flat) -> phys[offset(idx, st)] = (float) logical[flat]);
                mem.put(phys);
            } else {
                float[] nan = new float[n];
                Arrays.fill(nan, Float.NaN);
                mem.put(nan);
            }
        }

        double[] read() {
            int n = numel(shape);
            float[] phys = new float[n];
            mem.get(phys);
            double[] logical = new double[n];
            int[] st = channelsLast ? channelsLastStrides(shape) : contiguousStrides(shape);
            forEach(shape, (idx, flat) -> logical[flat] = phys[offset(idx, st)]);
            return logical;
        }

        @Override
        public void close() {
            mem.close();
        }
    }

    interface IndexVisitor {
        void visit(int[] idx, int flat);
    }

    static void forEach(int[] shape, IndexVisitor v) {
        int n = numel(shape);
        int[] idx = new int[shape.length];
        for (int flat = 0; flat < n; flat++) {
            v.visit(idx, flat);
            for (int d = shape.length - 1; d >= 0; d--) {
                if (++idx[d] < shape[d]) {
                    break;
                }
                idx[d] = 0;
            }
        }
    }

    static int offset(int[] idx, int[] strides) {
        int o = 0;
        for (int i = 0; i < idx.length; i++) {
            o += idx[i] * strides[i];
        }
        return o;
    }

    static int[] contiguousStrides(int[] shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= shape[i];
        }
        return s;
    }

    /** Strides of [N, C, *sp] stored as [N, *sp, C]. */
    static int[] channelsLastStrides(int[] shape) {
        int[] s = new int[shape.length];
        int c = shape[1];
        s[1] = 1;
        int acc = c;
        for (int i = shape.length - 1; i >= 2; i--) {
            s[i] = acc;
            acc *= shape[i];
        }
        s[0] = acc;
        return s;
    }
}
