package org.vesalius.backend.cpu;

import org.vesalius.backend.ReduceOp;
import org.vesalius.tensor.Tensor;

/**
 * Reductions, arg-reductions, prefix sums and softmax. Work is split over output elements when
 * there are enough of them, otherwise over the reduced elements with per-thread partial results.
 * Floating sums accumulate in double. Large float32 reductions over inner dims and softmax go to
 * oneDNN first ({@link CpuDnnl}).
 */
final class CpuReduce {
    private CpuReduce() {
    }

    /** Splits x's dims into the kept ones (with out's strides) and the reduced ones. */
    private static final class Plan {
        final Strided kept;     // operands: out, x
        final Strided reduced;  // operand: x
        final long outputs;

        Plan(Tensor x, int[] dims, Tensor out) {
            int[] shape = x.shape();
            int[] xs = x.strides();
            int[] os = out.strides();
            boolean[] red = new boolean[shape.length];
            for (int d : dims) {
                red[d] = true;
            }
            int nk = shape.length - dims.length;
            int[] kShape = new int[nk];
            int[][] kSt = {new int[nk], new int[nk]};
            int[] rShape = new int[dims.length];
            int[][] rSt = {new int[dims.length]};
            int a = 0;
            int b = 0;
            for (int d = 0; d < shape.length; d++) {
                if (red[d]) {
                    rShape[b] = shape[d];
                    rSt[0][b++] = xs[d];
                } else {
                    kShape[a] = shape[d];
                    kSt[0][a] = os[d];
                    kSt[1][a++] = xs[d];
                }
            }
            kept = Strided.raw(kShape, kSt, new int[] {out.offset(), x.offset()});
            reduced = Strided.raw(rShape, rSt, new int[] {0});
            outputs = kept.numel;
        }
    }

    /** Running state of one reduction. */
    private static final class Acc {
        final ReduceOp op;
        double d;
        long l;
        boolean seenNan;
        /** float chunks widened for the ops other than SUM; reused, as one Acc sees many chunks. */
        private double[] widened;

        Acc(ReduceOp op, boolean integral) {
            this.op = op;
            reset(integral);
        }

        void reset(boolean integral) {
            seenNan = false;
            switch (op) {
                case SUM: case ANY: d = 0; l = 0; break;
                case PROD: case ALL: d = 1; l = 1; break;
                case MAX: d = Double.NEGATIVE_INFINITY; l = Long.MIN_VALUE; break;
                default: d = Double.POSITIVE_INFINITY; l = Long.MAX_VALUE; break;
            }
        }

        void addD(double[] v, int n) {
            switch (op) {
                case SUM: {
                    double s0 = 0;
                    double s1 = 0;
                    double s2 = 0;
                    double s3 = 0;
                    int i = 0;
                    for (; i + 3 < n; i += 4) {
                        s0 += v[i];
                        s1 += v[i + 1];
                        s2 += v[i + 2];
                        s3 += v[i + 3];
                    }
                    for (; i < n; i++) {
                        s0 += v[i];
                    }
                    d += (s0 + s1) + (s2 + s3);
                    return;
                }
                case PROD: for (int i = 0; i < n; i++) { d *= v[i]; } return;
                case MAX:
                    for (int i = 0; i < n; i++) {
                        double x = v[i];
                        if (x != x) {
                            seenNan = true;
                        } else if (x > d) {
                            d = x;
                        }
                    }
                    return;
                case MIN:
                    for (int i = 0; i < n; i++) {
                        double x = v[i];
                        if (x != x) {
                            seenNan = true;
                        } else if (x < d) {
                            d = x;
                        }
                    }
                    return;
                case ALL: for (int i = 0; i < n; i++) { if (v[i] == 0) { d = 0; } } return;
                default: for (int i = 0; i < n; i++) { if (v[i] != 0) { d = 1; } }
            }
        }

        void addF(float[] v, int n) {
            if (op == ReduceOp.SUM) {
                // float partial sums over short runs keep the loop fast; runs are summed in double
                float s0 = 0;
                float s1 = 0;
                float s2 = 0;
                float s3 = 0;
                float s4 = 0;
                float s5 = 0;
                float s6 = 0;
                float s7 = 0;
                double total = 0;
                int i = 0;
                while (i < n) {
                    int end = Math.min(n, i + 256) & ~7;
                    if (end <= i) {
                        break;
                    }
                    for (; i < end; i += 8) {
                        s0 += v[i];
                        s1 += v[i + 1];
                        s2 += v[i + 2];
                        s3 += v[i + 3];
                        s4 += v[i + 4];
                        s5 += v[i + 5];
                        s6 += v[i + 6];
                        s7 += v[i + 7];
                    }
                    total += (double) ((s0 + s1) + (s2 + s3)) + (double) ((s4 + s5) + (s6 + s7));
                    s0 = s1 = s2 = s3 = s4 = s5 = s6 = s7 = 0;
                }
                for (; i < n; i++) {
                    total += v[i];
                }
                d += total;
                return;
            }
            if (widened == null || widened.length < n) {
                widened = new double[n];
            }
            double[] t = widened;
            for (int i = 0; i < n; i++) {
                t[i] = v[i];
            }
            addD(t, n);
        }

        void addL(long[] v, int n) {
            switch (op) {
                case SUM: for (int i = 0; i < n; i++) { l += v[i]; } return;
                case PROD: for (int i = 0; i < n; i++) { l *= v[i]; } return;
                case MAX: for (int i = 0; i < n; i++) { l = Math.max(l, v[i]); } return;
                case MIN: for (int i = 0; i < n; i++) { l = Math.min(l, v[i]); } return;
                case ALL: for (int i = 0; i < n; i++) { if (v[i] == 0) { l = 0; } } return;
                default: for (int i = 0; i < n; i++) { if (v[i] != 0) { l = 1; } }
            }
        }

        void merge(Acc o) {
            seenNan |= o.seenNan;
            switch (op) {
                case SUM: d += o.d; l += o.l; return;
                case PROD: d *= o.d; l *= o.l; return;
                case MAX: d = Math.max(d, o.d); l = Math.max(l, o.l); return;
                case MIN: d = Math.min(d, o.d); l = Math.min(l, o.l); return;
                case ALL: d = Math.min(d, o.d); l = Math.min(l, o.l); return;
                default: d = Math.max(d, o.d); l = Math.max(l, o.l);
            }
        }

        double resultD() {
            return seenNan ? Double.NaN : d;
        }
    }

    static void reduce(ReduceOp op, Tensor x, int[] dims, Tensor out) {
        if (CpuDnnl.reduce(op, x, dims, out)) {
            return;
        }
        Plan plan = new Plan(x, dims, out);
        CpuStorage sx = CpuElementwise.st(x);
        CpuStorage so = CpuElementwise.st(out);
        Access.Kind kind = (op == ReduceOp.ALL || op == ReduceOp.ANY) ? Access.kind(x.dtype()) : Access.kind(x.dtype());
        boolean integral = kind == Access.Kind.L;
        long redN = plan.reduced.numel;
        boolean boolOut = op == ReduceOp.ALL || op == ReduceOp.ANY;
        if (x.numel() == 0) {
            // empty reduced extent: the identity (sum 0, prod 1, all true, any false)
            Acc empty = new Acc(op, integral);
            CpuElementwise.fill(out, integral && !boolOut ? empty.l : empty.d);
            return;
        }
        int rs = plan.reduced.inner(0);
        if (plan.outputs >= Parallel.threads() || redN < Parallel.GRAIN) {
            Parallel.range(plan.outputs, Math.max(1, Parallel.GRAIN / Math.max(redN, 1)), (from, to) -> {
                Acc acc = new Acc(op, integral);
                Buffers buf = new Buffers(kind, plan.reduced.chunk);
                int ko = plan.kept.inner(0);
                int kx = plan.kept.inner(1);
                int[] rbase = new int[1];
                plan.kept.forEach(from, to, (off, len) -> {
                    for (int j = 0; j < len; j++) {
                        acc.reset(integral);
                        rbase[0] = off[1] + j * kx;
                        plan.reduced.forEach(rbase, 0, redN, (roff, rlen) -> buf.accumulate(sx, roff[0], rs, rlen, acc));
                        write(so, off[0] + j * ko, acc, integral, boolOut);
                    }
                });
            });
            return;
        }
        // few outputs, long reductions (e.g. a full sum): split each reduction across threads
        int ko = plan.kept.inner(0);
        int kx = plan.kept.inner(1);
        plan.kept.forEach(0, plan.outputs, (off, len) -> {
            for (int j = 0; j < len; j++) {
                int[] rbase = {off[1] + j * kx};
                int parts = Parallel.threads();
                Acc[] partial = new Acc[parts];
                Parallel.range(parts, 1, (pf, pt) -> {
                    for (long p = pf; p < pt; p++) {
                        Acc acc = new Acc(op, integral);
                        Buffers buf = new Buffers(kind, plan.reduced.chunk);
                        plan.reduced.forEach(rbase, Parallel.split(redN, parts, p), Parallel.split(redN, parts, p + 1),
                                (roff, rlen) -> buf.accumulate(sx, roff[0], rs, rlen, acc));
                        partial[(int) p] = acc;
                    }
                });
                Acc total = partial[0];
                for (int p = 1; p < parts; p++) {
                    total.merge(partial[p]);
                }
                write(so, off[0] + j * ko, total, integral, boolOut);
            }
        });
    }

    private static void write(CpuStorage so, int at, Acc acc, boolean integral, boolean boolOut) {
        if (integral) {
            Access.putLong(so, at, acc.l);
        } else {
            Access.putDouble(so, at, boolOut ? (acc.d != 0 ? 1 : 0) : acc.resultD());
        }
    }

    /** Per-thread chunk arrays of one kind. */
    private static final class Buffers {
        final Access.Kind kind;
        final float[] f;
        final double[] d;
        final long[] l;

        Buffers(Access.Kind kind, int n) {
            this.kind = kind;
            f = kind == Access.Kind.F ? new float[n] : null;
            d = kind == Access.Kind.D ? new double[n] : null;
            l = kind == Access.Kind.L ? new long[n] : null;
        }

        void accumulate(CpuStorage s, int off, int stride, int len, Acc acc) {
            switch (kind) {
                case F: Access.load(s, off, stride, f, len); acc.addF(f, len); return;
                case D: Access.load(s, off, stride, d, len); acc.addD(d, len); return;
                default: Access.load(s, off, stride, l, len); acc.addL(l, len);
            }
        }
    }

    /** Enumerates the lines along {@code dim}: a Strided over the other dims for the given operands. */
    static Strided lines(int dim, Tensor... ops) {
        int[] shape = ops[0].shape();
        int[] ls = new int[shape.length - 1];
        int[][] st = new int[ops.length][shape.length - 1];
        int[] base = new int[ops.length];
        for (int k = 0; k < ops.length; k++) {
            int[] s = ops[k].strides();
            base[k] = ops[k].offset();
            for (int d = 0, j = 0; d < shape.length; d++) {
                if (d != dim) {
                    st[k][j] = s[d];
                    if (k == 0) {
                        ls[j] = shape[d];
                    }
                    j++;
                }
            }
        }
        return Strided.raw(ls, st, base);
    }

    static void argReduce(boolean max, Tensor x, int dim, Tensor values, Tensor indices) {
        int rank = x.dim();
        int n = rank == 0 ? 1 : x.shape()[dim];
        int xs = rank == 0 ? 0 : x.strides()[dim];
        Tensor v = values;
        Tensor ix = indices;
        Strided it = rank == 0 ? Strided.of(x, v, ix) : lines(dim, x, v, ix);
        CpuStorage sx = CpuElementwise.st(x);
        CpuStorage sv = CpuElementwise.st(v);
        CpuStorage si = CpuElementwise.st(ix);
        boolean integral = Access.kind(x.dtype()) == Access.Kind.L;
        // along a broadcast dim (stride 0, expand) every element is the first: it is the answer
        int m = xs == 0 ? Math.min(n, 1) : n;
        Parallel.range(it.numel, Math.max(1, Parallel.GRAIN / m), (from, to) -> {
            double[] line = new double[m];
            long[] lline = integral ? new long[m] : null;
            it.forEach(from, to, (off, len) -> {
                for (int j = 0; j < len; j++) {
                    int base = off[0] + j * it.inner(0);
                    int best = 0;
                    if (integral) {
                        Access.load(sx, base, xs, lline, m);
                        long b = lline[0];
                        for (int i = 1; i < m; i++) {
                            if (max ? lline[i] > b : lline[i] < b) {
                                b = lline[i];
                                best = i;
                            }
                        }
                        Access.putLong(sv, off[1] + j * it.inner(1), b);
                    } else {
                        Access.load(sx, base, xs, line, m);
                        double b = line[0];
                        if (b == b) {
                            for (int i = 1; i < m; i++) {
                                double c = line[i];
                                if (c != c) {
                                    best = i;
                                    b = c;
                                    break;
                                }
                                if (max ? c > b : c < b) {
                                    b = c;
                                    best = i;
                                }
                            }
                        }
                        Access.putDouble(sv, off[1] + j * it.inner(1), b);
                    }
                    Access.putLong(si, off[2] + j * it.inner(2), best);
                }
            });
        });
    }

    static void cumsum(Tensor x, int dim, Tensor out) {
        int rank = x.dim();
        int n = rank == 0 ? 1 : x.shape()[dim];
        int xs = rank == 0 ? 0 : x.strides()[dim];
        int os = rank == 0 ? 0 : out.strides()[dim];
        Strided it = rank == 0 ? Strided.of(x, out) : lines(dim, x, out);
        CpuStorage sx = CpuElementwise.st(x);
        CpuStorage so = CpuElementwise.st(out);
        boolean integral = Access.kind(x.dtype()) == Access.Kind.L;
        Parallel.range(it.numel, Math.max(1, Parallel.GRAIN / Math.max(n, 1)), (from, to) -> {
            double[] line = new double[n];
            long[] lline = new long[n];
            it.forEach(from, to, (off, len) -> {
                for (int j = 0; j < len; j++) {
                    int bx = off[0] + j * it.inner(0);
                    int bo = off[1] + j * it.inner(1);
                    if (integral) {
                        Access.load(sx, bx, xs, lline, n);
                        for (int i = 1; i < n; i++) {
                            lline[i] += lline[i - 1];
                        }
                        Access.store(lline, n, so, bo, os);
                    } else {
                        Access.load(sx, bx, xs, line, n);
                        for (int i = 1; i < n; i++) {
                            line[i] += line[i - 1];
                        }
                        Access.store(line, n, so, bo, os);
                    }
                }
            });
        });
    }

    static void softmax(Tensor x, int dim, boolean log, Tensor out) {
        if (CpuDnnl.softmax(x, dim, log, out)) {
            return;
        }
        int rank = x.dim();
        int n = rank == 0 ? 1 : x.shape()[dim];
        if (n == 0 || x.numel() == 0) {
            return;
        }
        int xs = rank == 0 ? 0 : x.strides()[dim];
        int os = rank == 0 ? 0 : out.strides()[dim];
        Strided it = rank == 0 ? Strided.of(x, out) : lines(dim, x, out);
        CpuStorage sx = CpuElementwise.st(x);
        CpuStorage so = CpuElementwise.st(out);
        boolean f32 = Access.kind(x.dtype()) == Access.Kind.F;
        Parallel.range(it.numel, Math.max(1, Parallel.GRAIN / n), (from, to) -> {
            float[] fl = f32 ? new float[n] : null;
            double[] dl = f32 ? null : new double[n];
            it.forEach(from, to, (off, len) -> {
                for (int j = 0; j < len; j++) {
                    int bx = off[0] + j * it.inner(0);
                    int bo = off[1] + j * it.inner(1);
                    if (f32) {
                        Access.load(sx, bx, xs, fl, n);
                        softmaxLine(fl, n, log);
                        Access.store(fl, n, so, bo, os);
                    } else {
                        Access.load(sx, bx, xs, dl, n);
                        softmaxLine(dl, n, log);
                        Access.store(dl, n, so, bo, os);
                    }
                }
            });
        });
    }

    private static void softmaxLine(float[] v, int n, boolean log) {
        float m = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            m = Math.max(m, v[i]);
        }
        if (m == Float.NEGATIVE_INFINITY) {
            m = 0;
        }
        double sum = 0;
        if (log) {
            for (int i = 0; i < n; i++) {
                sum += Math.exp(v[i] - m);
            }
            float shift = (float) (m + Math.log(sum));
            for (int i = 0; i < n; i++) {
                v[i] -= shift;
            }
        } else {
            for (int i = 0; i < n; i++) {
                float e = (float) Math.exp(v[i] - m);
                v[i] = e;
                sum += e;
            }
            float inv = (float) (1 / sum);
            for (int i = 0; i < n; i++) {
                v[i] *= inv;
            }
        }
    }

    private static void softmaxLine(double[] v, int n, boolean log) {
        double m = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            m = Math.max(m, v[i]);
        }
        if (m == Double.NEGATIVE_INFINITY) {
            m = 0;
        }
        double sum = 0;
        if (log) {
            for (int i = 0; i < n; i++) {
                sum += Math.exp(v[i] - m);
            }
            double shift = m + Math.log(sum);
            for (int i = 0; i < n; i++) {
                v[i] -= shift;
            }
        } else {
            for (int i = 0; i < n; i++) {
                double e = Math.exp(v[i] - m);
                v[i] = e;
                sum += e;
            }
            for (int i = 0; i < n; i++) {
                v[i] /= sum;
            }
        }
    }

    static void softmaxBackward(Tensor y, Tensor gy, int dim, boolean log, Tensor gx) {
        if (CpuDnnl.softmaxBackward(y, gy, dim, log, gx)) {
            return;
        }
        int rank = y.dim();
        int n = rank == 0 ? 1 : y.shape()[dim];
        if (n == 0 || y.numel() == 0) {
            return;
        }
        int ys = rank == 0 ? 0 : y.strides()[dim];
        int gs = rank == 0 ? 0 : gy.strides()[dim];
        int xs = rank == 0 ? 0 : gx.strides()[dim];
        Strided it = rank == 0 ? Strided.of(y, gy, gx) : lines(dim, y, gy, gx);
        CpuStorage sy = CpuElementwise.st(y);
        CpuStorage sg = CpuElementwise.st(gy);
        CpuStorage sx = CpuElementwise.st(gx);
        Parallel.range(it.numel, Math.max(1, Parallel.GRAIN / n), (from, to) -> {
            double[] yl = new double[n];
            double[] gl = new double[n];
            it.forEach(from, to, (off, len) -> {
                for (int j = 0; j < len; j++) {
                    Access.load(sy, off[0] + j * it.inner(0), ys, yl, n);
                    Access.load(sg, off[1] + j * it.inner(1), gs, gl, n);
                    double s = 0;
                    if (log) {
                        for (int i = 0; i < n; i++) {
                            s += gl[i];
                        }
                        for (int i = 0; i < n; i++) {
                            gl[i] -= Math.exp(yl[i]) * s;
                        }
                    } else {
                        for (int i = 0; i < n; i++) {
                            s += gl[i] * yl[i];
                        }
                        for (int i = 0; i < n; i++) {
                            gl[i] = yl[i] * (gl[i] - s);
                        }
                    }
                    Access.store(gl, n, sx, off[2] + j * it.inner(2), xs);
                }
            });
        });
    }
}
