package org.vesalius.backend.cpu;

import org.vesalius.tensor.DType;
import org.vesalius.tensor.Tensor;

/** Index selection, gather and scatter, with bounds checked before any write. */
final class CpuIndexing {
    private CpuIndexing() {
    }

    private static long[] indices(String op, Tensor index) {
        index.checkedNumel(op + " (index)"); // a large expanded index is refused by name, before any copy
        return index.contiguous().toLongArray();
    }

    private static void checkBounds(String op, long[] idx, int size, int dim) {
        for (long i : idx) {
            if (i < -size || i >= size) {
                throw new IllegalArgumentException(op + ": index " + i + " is out of bounds for dimension " + dim
                        + " with size " + size);
            }
        }
    }

    /** A Strided over {@code shape} without {@code dim}, for the given operands' strides. */
    private static Strided without(int dim, int[] shape, Tensor... ops) {
        int r = shape.length;
        int[] s = new int[Math.max(r - 1, 0)];
        int[][] st = new int[ops.length][s.length];
        for (int d = 0, j = 0; d < r; d++) {
            if (d != dim) {
                s[j] = shape[d];
                for (int k = 0; k < ops.length; k++) {
                    st[k][j] = ops[k].strides()[d];
                }
                j++;
            }
        }
        return Strided.raw(s, st, new int[ops.length]);
    }

    /** Copies (or adds) the slab of {@code src} at {@code srcBase} into {@code dst} at {@code dstBase}. */
    private static void moveSlab(Strided it, CpuStorage sd, int dstBase, CpuStorage ss, int srcBase, boolean add,
                                 Access.Kind kind, Object bufA, Object bufB) {
        int sdI = it.inner(0);
        int ssI = it.inner(1);
        int[] base = {dstBase, srcBase};
        it.forEach(base, 0, it.numel, (off, len) -> {
            switch (kind) {
                case F: {
                    float[] a = (float[]) bufA;
                    Access.load(ss, off[1], ssI, a, len);
                    if (add) {
                        float[] b = (float[]) bufB;
                        Access.load(sd, off[0], sdI, b, len);
                        for (int i = 0; i < len; i++) {
                            a[i] += b[i];
                        }
                    }
                    Access.store(a, len, sd, off[0], sdI);
                    return;
                }
                case D: {
                    double[] a = (double[]) bufA;
                    Access.load(ss, off[1], ssI, a, len);
                    if (add) {
                        double[] b = (double[]) bufB;
                        Access.load(sd, off[0], sdI, b, len);
                        for (int i = 0; i < len; i++) {
                            a[i] += b[i];
                        }
                    }
                    Access.store(a, len, sd, off[0], sdI);
                    return;
                }
                default: {
                    long[] a = (long[]) bufA;
                    Access.load(ss, off[1], ssI, a, len);
                    if (add) {
                        long[] b = (long[]) bufB;
                        Access.load(sd, off[0], sdI, b, len);
                        for (int i = 0; i < len; i++) {
                            a[i] += b[i];
                        }
                    }
                    Access.store(a, len, sd, off[0], sdI);
                }
            }
        });
    }

    private static Object buffer(Access.Kind kind, int n) {
        switch (kind) {
            case F: return new float[n];
            case D: return new double[n];
            default: return new long[n];
        }
    }

    static void indexSelect(Tensor x, int dim, Tensor index, Tensor out) {
        long[] idx = indices("indexSelect", index);
        int rank = x.dim();
        int size = rank == 0 ? 1 : x.shape()[dim];
        checkBounds("indexSelect", idx, size, dim);
        if (rank == 0) {
            CpuElementwise.copy(x, out);
            return;
        }
        Strided it = without(dim, out.shape(), out, x);
        CpuStorage so = CpuElementwise.st(out);
        CpuStorage sx = CpuElementwise.st(x);
        int os = out.strides()[dim];
        int xs = x.strides()[dim];
        Access.Kind kind = Access.kind(x.dtype());
        Parallel.range(idx.length, Math.max(1, Parallel.GRAIN / Math.max(it.numel, 1)), (from, to) -> {
            Object buf = buffer(kind, it.chunk);
            for (long i = from; i < to; i++) {
                long j = idx[(int) i] < 0 ? idx[(int) i] + size : idx[(int) i];
                moveSlab(it, so, out.offset() + (int) i * os, sx, x.offset() + (int) j * xs, false, kind, buf, null);
            }
        });
    }

    static void indexAdd(Tensor out, int dim, Tensor index, Tensor src) {
        long[] idx = indices("indexAdd", index);
        int rank = out.dim();
        int size = rank == 0 ? 1 : out.shape()[dim];
        checkBounds("indexAdd", idx, size, dim);
        Access.Kind kind = Access.kind(out.dtype());
        CpuStorage so = CpuElementwise.st(out);
        CpuStorage ss = CpuElementwise.st(src);
        if (rank == 0) {
            Strided it = Strided.of(out, src);
            moveSlab(it, so, out.offset(), ss, src.offset(), true, kind, buffer(kind, 1), buffer(kind, 1));
            return;
        }
        Strided it = without(dim, src.shape(), out, src);
        int os = out.strides()[dim];
        int ss0 = src.strides()[dim];
        // repeated indices add into the same slab, so slabs are visited in order on one thread
        Object a = buffer(kind, it.chunk);
        Object b = buffer(kind, it.chunk);
        for (int i = 0; i < idx.length; i++) {
            long j = idx[i] < 0 ? idx[i] + size : idx[i];
            moveSlab(it, so, out.offset() + (int) j * os, ss, src.offset() + i * ss0, true, kind, a, b);
        }
    }

    /** Calls {@code fn(indexElementOffset, coords)} for every element of {@code index}, in order. */
    private interface ElementVisitor {
        void visit(int[] coord);
    }

    private static void forEachCoord(int[] shape, ElementVisitor v) {
        long n = 1;
        for (int s : shape) {
            n *= s;
        }
        if (n == 0) {
            return;
        }
        int[] c = new int[shape.length];
        for (long e = 0; e < n; e++) {
            v.visit(c);
            for (int d = shape.length - 1; d >= 0; d--) {
                if (++c[d] < shape[d]) {
                    break;
                }
                c[d] = 0;
            }
        }
    }

    private static int offset(Tensor t, int[] coord, int dim, long at) {
        int[] s = t.strides();
        long o = t.offset();
        for (int d = 0; d < coord.length; d++) {
            o += (long) (d == dim ? at : coord[d]) * s[d];
        }
        return (int) o;
    }

    static void gather(Tensor x, int dim, Tensor index, Tensor out) {
        int rank = x.dim();
        int size = rank == 0 ? 1 : x.shape()[dim];
        long[] idx = indices("gather", index);
        checkBounds("gather", idx, size, dim);
        CpuStorage sx = CpuElementwise.st(x);
        CpuStorage so = CpuElementwise.st(out);
        boolean integral = Access.kind(x.dtype()) == Access.Kind.L;
        int[] k = {0};
        forEachCoord(index.shape(), c -> {
            long j = idx[k[0]++];
            j = j < 0 ? j + size : j;
            int from = offset(x, c, rank == 0 ? -1 : dim, j);
            int to = offset(out, c, -1, 0);
            if (integral) {
                Access.putLong(so, to, Access.getLong(sx, from));
            } else {
                Access.putDouble(so, to, Access.getDouble(sx, from));
            }
        });
    }

    static void scatter(Tensor out, int dim, Tensor index, Tensor src, boolean accumulate) {
        int rank = out.dim();
        int size = rank == 0 ? 1 : out.shape()[dim];
        String op = accumulate ? "scatterAdd" : "scatter";
        long[] idx = indices(op, index);
        checkBounds(op, idx, size, dim);
        CpuStorage so = CpuElementwise.st(out);
        CpuStorage ss = CpuElementwise.st(src);
        boolean integral = Access.kind(out.dtype()) == Access.Kind.L;
        int[] k = {0};
        boolean srcScalar = src.dim() == 0;
        forEachCoord(index.shape(), c -> {
            long j = idx[k[0]++];
            j = j < 0 ? j + size : j;
            int to = offset(out, c, rank == 0 ? -1 : dim, j);
            int from = srcScalar ? src.offset() : offset(src, c, -1, 0);
            if (integral) {
                long v = Access.getLong(ss, from);
                Access.putLong(so, to, accumulate ? Access.getLong(so, to) + v : v);
            } else {
                double v = Access.getDouble(ss, from);
                Access.putDouble(so, to, accumulate ? Access.getDouble(so, to) + v : v);
            }
        });
    }

    static Tensor nonzero(Tensor x) {
        int rank = x.dim();
        int[] shape = x.shape();
        CpuStorage sx = CpuElementwise.st(x);
        // grown as needed: x may be a view far larger than its count of nonzeros (an expanded mask)
        long[][] coords = {new long[(int) Math.min(Math.max(1, x.numel() * Math.max(rank, 1)), 1 << 16)]};
        int[] count = {0};
        forEachCoord(shape, c -> {
            int o = offset(x, c, -1, 0);
            boolean nz = x.dtype().isFloatingPoint() ? Access.getDouble(sx, o) != 0 : Access.getLong(sx, o) != 0;
            if (nz) {
                long end = (long) (count[0] + 1) * rank;
                if (end > coords[0].length) {
                    if (end > Integer.MAX_VALUE - 8) {
                        throw new IllegalArgumentException("nonzero: more than " + count[0] + " nonzero elements in a "
                                + "tensor of shape " + java.util.Arrays.toString(shape) + " (" + rank + " coordinates "
                                + "each): the result would hold more than 2^31-1 values");
                    }
                    coords[0] = java.util.Arrays.copyOf(coords[0], (int) Math.min(Integer.MAX_VALUE - 8, 2 * end));
                }
                for (int d = 0; d < rank; d++) {
                    coords[0][count[0] * rank + d] = c[d];
                }
                count[0]++;
            }
        });
        Tensor out = Tensor.empty(DType.INT64, count[0], rank);
        if (count[0] * rank > 0) {
            out.backend().write(java.util.Arrays.copyOf(coords[0], count[0] * rank), out);
        }
        return out;
    }
}
