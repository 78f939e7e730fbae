package org.vesalius.backend.cpu;

import org.vesalius.backend.BinaryOp;
import org.vesalius.backend.UnaryOp;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Tensor;

/**
 * Elementwise kernels over strided tensors: each thread walks its share of the elements in chunks,
 * loads each operand's chunk into a Java array (converting dtypes), computes with {@link ArrayMath}
 * and stores the result through the output's strides. Large float32 ops go to oneDNN first
 * ({@link CpuDnnl}), which declines what it cannot do as fast and as exactly.
 */
final class CpuElementwise {
    private CpuElementwise() {
    }

    static CpuStorage st(Tensor t) {
        return (CpuStorage) t.storage();
    }

    static void unary(UnaryOp op, Tensor x, Tensor out, double p1, double p2) {
        if (CpuDnnl.unary(op, x, out, p1, p2)) {
            return;
        }
        Strided it = Strided.of(out, x);
        CpuStorage so = st(out);
        CpuStorage sx = st(x);
        int so0 = it.inner(0);
        int sx0 = it.inner(1);
        switch (Access.kind(x.dtype())) {
            case F:
                it.parallel(() -> {
                    float[] a = new float[it.chunk];
                    float[] o = new float[it.chunk];
                    return (off, len) -> {
                        Access.load(sx, off[1], sx0, a, len);
                        ArrayMath.unary(op, a, o, len, p1, p2);
                        Access.store(o, len, so, off[0], so0);
                    };
                });
                return;
            case D:
                it.parallel(() -> {
                    double[] a = new double[it.chunk];
                    double[] o = new double[it.chunk];
                    return (off, len) -> {
                        Access.load(sx, off[1], sx0, a, len);
                        ArrayMath.unary(op, a, o, len, p1, p2);
                        Access.store(o, len, so, off[0], so0);
                    };
                });
                return;
            default:
                it.parallel(() -> {
                    long[] a = new long[it.chunk];
                    long[] o = new long[it.chunk];
                    return (off, len) -> {
                        Access.load(sx, off[1], sx0, a, len);
                        ArrayMath.unary(op, a, o, len, p1, p2);
                        Access.store(o, len, so, off[0], so0);
                    };
                });
        }
    }

    static void binary(BinaryOp op, Tensor a, Tensor b, Tensor out, double p1, double p2) {
        if (CpuDnnl.binary(op, a, b, out, p1, p2)) {
            return;
        }
        Strided it = Strided.of(out, a, b);
        CpuStorage so = st(out);
        CpuStorage sa = st(a);
        CpuStorage sb = st(b);
        int s0 = it.inner(0);
        int s1 = it.inner(1);
        int s2 = it.inner(2);
        switch (Access.kind(a.dtype())) {
            case F:
                it.parallel(() -> {
                    float[] x = new float[it.chunk];
                    float[] y = new float[it.chunk];
                    float[] o = new float[it.chunk];
                    return (off, len) -> {
                        Access.load(sa, off[1], s1, x, len);
                        Access.load(sb, off[2], s2, y, len);
                        ArrayMath.binary(op, x, y, o, len, p1, p2);
                        Access.store(o, len, so, off[0], s0);
                    };
                });
                return;
            case D:
                it.parallel(() -> {
                    double[] x = new double[it.chunk];
                    double[] y = new double[it.chunk];
                    double[] o = new double[it.chunk];
                    return (off, len) -> {
                        Access.load(sa, off[1], s1, x, len);
                        Access.load(sb, off[2], s2, y, len);
                        ArrayMath.binary(op, x, y, o, len, p1, p2);
                        Access.store(o, len, so, off[0], s0);
                    };
                });
                return;
            default:
                it.parallel(() -> {
                    long[] x = new long[it.chunk];
                    long[] y = new long[it.chunk];
                    long[] o = new long[it.chunk];
                    return (off, len) -> {
                        Access.load(sa, off[1], s1, x, len);
                        Access.load(sb, off[2], s2, y, len);
                        ArrayMath.binary(op, x, y, o, len);
                        Access.store(o, len, so, off[0], s0);
                    };
                });
        }
    }

    static void where(Tensor cond, Tensor a, Tensor b, Tensor out) {
        Strided it = Strided.of(out, cond, a, b);
        CpuStorage so = st(out);
        CpuStorage sc = st(cond);
        CpuStorage sa = st(a);
        CpuStorage sb = st(b);
        int s0 = it.inner(0);
        int s1 = it.inner(1);
        int s2 = it.inner(2);
        int s3 = it.inner(3);
        switch (Access.kind(out.dtype())) {
            case F:
                it.parallel(() -> {
                    long[] c = new long[it.chunk];
                    float[] x = new float[it.chunk];
                    float[] y = new float[it.chunk];
                    return (off, len) -> {
                        Access.load(sc, off[1], s1, c, len);
                        Access.load(sa, off[2], s2, x, len);
                        Access.load(sb, off[3], s3, y, len);
                        for (int i = 0; i < len; i++) {
                            x[i] = c[i] != 0 ? x[i] : y[i];
                        }
                        Access.store(x, len, so, off[0], s0);
                    };
                });
                return;
            case D:
                it.parallel(() -> {
                    long[] c = new long[it.chunk];
                    double[] x = new double[it.chunk];
                    double[] y = new double[it.chunk];
                    return (off, len) -> {
                        Access.load(sc, off[1], s1, c, len);
                        Access.load(sa, off[2], s2, x, len);
                        Access.load(sb, off[3], s3, y, len);
                        for (int i = 0; i < len; i++) {
                            x[i] = c[i] != 0 ? x[i] : y[i];
                        }
                        Access.store(x, len, so, off[0], s0);
                    };
                });
                return;
            default:
                it.parallel(() -> {
                    long[] c = new long[it.chunk];
                    long[] x = new long[it.chunk];
                    long[] y = new long[it.chunk];
                    return (off, len) -> {
                        Access.load(sc, off[1], s1, c, len);
                        Access.load(sa, off[2], s2, x, len);
                        Access.load(sb, off[3], s3, y, len);
                        for (int i = 0; i < len; i++) {
                            x[i] = c[i] != 0 ? x[i] : y[i];
                        }
                        Access.store(x, len, so, off[0], s0);
                    };
                });
        }
    }

    static void copy(Tensor src, Tensor dst) {
        if (CpuDnnl.copy(src, dst)) {
            return;
        }
        Strided it = Strided.of(dst, src);
        CpuStorage sd = st(dst);
        CpuStorage ss = st(src);
        int s0 = it.inner(0);
        int s1 = it.inner(1);
        Access.Kind ks = Access.kind(src.dtype());
        Access.Kind kd = Access.kind(dst.dtype());
        Access.Kind k = ks == kd ? ks : Access.Kind.D;
        if (ks == Access.Kind.L && kd == Access.Kind.L) {
            k = Access.Kind.L;
        }
        if (src.dtype() == dst.dtype() && src.dtype().byteSize() == 1 && !ss.block.segmented()
                && !sd.block.segmented()) {
            // bytes (uint8, bool): a raw byte copy keeps bool values canonical and is fastest (past 2^31-1
            // bytes the long[] path below splits runs at segment boundaries, and canonicalizes bool too)
            it.parallel(() -> (off, len) -> {
                java.nio.ByteBuffer from = ss.block.bytes();
                java.nio.ByteBuffer to = sd.block.bytes();
                if (s0 == 1 && s1 == 1) {
                    to.put(off[0], from, off[1], len);
                } else {
                    for (int i = 0; i < len; i++) {
                        to.put(off[0] + i * s0, from.get(off[1] + i * s1));
                    }
                }
            });
            return;
        }
        switch (k) {
            case F:
                it.parallel(() -> {
                    float[] a = new float[it.chunk];
                    return (off, len) -> {
                        Access.load(ss, off[1], s1, a, len);
                        Access.store(a, len, sd, off[0], s0);
                    };
                });
                return;
            case D:
                it.parallel(() -> {
                    double[] a = new double[it.chunk];
                    return (off, len) -> {
                        Access.load(ss, off[1], s1, a, len);
                        Access.store(a, len, sd, off[0], s0);
                    };
                });
                return;
            default:
                it.parallel(() -> {
                    long[] a = new long[it.chunk];
                    return (off, len) -> {
                        Access.load(ss, off[1], s1, a, len);
                        Access.store(a, len, sd, off[0], s0);
                    };
                });
        }
    }

    static void fill(Tensor dst, double value) {
        Strided it = Strided.of(dst);
        CpuStorage sd = st(dst);
        int s0 = it.inner(0);
        DType dt = dst.dtype();
        switch (Access.kind(dt)) {
            case F:
                it.parallel(() -> {
                    float[] a = new float[it.chunk];
                    java.util.Arrays.fill(a, (float) value);
                    return (off, len) -> Access.store(a, len, sd, off[0], s0);
                });
                return;
            case D:
                it.parallel(() -> {
                    double[] a = new double[it.chunk];
                    java.util.Arrays.fill(a, value);
                    return (off, len) -> Access.store(a, len, sd, off[0], s0);
                });
                return;
            default:
                long v = dt == DType.BOOL ? (value != 0 ? 1 : 0) : (long) value;
                it.parallel(() -> {
                    long[] a = new long[it.chunk];
                    java.util.Arrays.fill(a, v);
                    return (off, len) -> Access.store(a, len, sd, off[0], s0);
                });
        }
    }
}
