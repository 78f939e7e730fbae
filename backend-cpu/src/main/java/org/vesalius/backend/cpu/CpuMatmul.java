package org.vesalius.backend.cpu;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Tensor;

/**
 * Matrix products on OpenBLAS. Each operand's last two dims are handed to cblas as they lie in
 * memory: row-major, or transposed (a permuted view) without a copy; only layouts BLAS cannot
 * describe (both strides non-unit) are copied first.
 */
final class CpuMatmul {
    private static final int ROW_MAJOR = 101;
    private static final int NO_TRANS = 111;
    private static final int TRANS = 112;

    private CpuMatmul() {
    }

    static void init(int threads) {
        openblas_nolapack.blas_set_num_threads(threads);
    }

    static String config() {
        return openblas.OPENBLAS_CHAR_CORENAME;
    }

    /** How one operand's matrices lie in memory, or null if BLAS cannot describe them. */
    private static int[] layout(int rows, int cols, int sRow, int sCol) {
        // returns {trans, ld}
        if ((cols == 1 || sCol == 1) && (rows == 1 || sRow >= Math.max(cols, 1))) {
            return new int[] {NO_TRANS, rows == 1 ? Math.max(cols, 1) : sRow};
        }
        if ((rows == 1 || sRow == 1) && (cols == 1 || sCol >= Math.max(rows, 1))) {
            return new int[] {TRANS, cols == 1 ? Math.max(rows, 1) : sCol};
        }
        return null;
    }

    static void matmul(Tensor a, Tensor b, Tensor out) {
        int r = out.dim();
        int[] os = out.strides();
        int m = out.shape()[r - 2];
        int n = out.shape()[r - 1];
        int k = a.shape()[r - 1];
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            CpuElementwise.fill(out, 0);
            return;
        }
        int[] as = a.strides();
        int[] bs = b.strides();
        int[] la = layout(m, k, as[r - 2], as[r - 1]);
        int[] lb = layout(k, n, bs[r - 2], bs[r - 1]);
        if (la == null || lb == null || !(os[r - 1] == 1 || n == 1) || (m > 1 && os[r - 2] < n)) {
            // copy awkward layouts into contiguous temporaries (rare: e.g. a strided slice of a matrix)
            Tensor ac = la == null ? Tensor.empty(a.dtype(), a.shape()) : a;
            Tensor bc = lb == null ? Tensor.empty(b.dtype(), b.shape()) : b;
            if (la == null) {
                CpuElementwise.copy(a, ac);
            }
            if (lb == null) {
                CpuElementwise.copy(b, bc);
            }
            boolean outOk = (os[r - 1] == 1 || n == 1) && (m == 1 || os[r - 2] >= n);
            Tensor oc = outOk ? out : Tensor.empty(out.dtype(), out.shape());
            matmul(ac, bc, oc);
            if (!outOk) {
                CpuElementwise.copy(oc, out);
                oc.close();
            }
            if (ac != a) {
                ac.close();
            }
            if (bc != b) {
                bc.close();
            }
            return;
        }
        int ldc = m == 1 ? n : os[r - 2];
        int[] batchShape = java.util.Arrays.copyOf(out.shape(), r - 2);
        int[][] batchStrides = {
            java.util.Arrays.copyOf(os, r - 2), java.util.Arrays.copyOf(as, r - 2), java.util.Arrays.copyOf(bs, r - 2)};
        Strided batches = Strided.raw(batchShape, batchStrides, new int[] {out.offset(), a.offset(), b.offset()});
        CpuStorage so = CpuElementwise.st(out);
        CpuStorage sa = CpuElementwise.st(a);
        CpuStorage sb = CpuElementwise.st(b);
        boolean f64 = a.dtype() == DType.FLOAT64;
        int esz = f64 ? 8 : 4;
        if (a.dtype() != DType.FLOAT64 && a.dtype() != DType.FLOAT32) {
            throw new IllegalArgumentException("matmul: the CPU backend multiplies float32 and float64, got " + a.dtype());
        }
        batches.forEach(0, batches.numel, (off, len) -> {
            for (int j = 0; j < len; j++) {
                long pc = so.address() + (long) (off[0] + j * batches.inner(0)) * esz;
                long pa = sa.address() + (long) (off[1] + j * batches.inner(1)) * esz;
                long pb = sb.address() + (long) (off[2] + j * batches.inner(2)) * esz;
                if (f64) {
                    openblas.cblas_dgemm(ROW_MAJOR, la[0], lb[0], m, n, k, 1.0,
                            new DoublePointer(new NativeBlock.Address(pa, 0)), la[1],
                            new DoublePointer(new NativeBlock.Address(pb, 0)), lb[1], 0.0,
                            new DoublePointer(new NativeBlock.Address(pc, 0)), ldc);
                } else {
                    openblas.cblas_sgemm(ROW_MAJOR, la[0], lb[0], m, n, k, 1f,
                            new FloatPointer(new NativeBlock.Address(pa, 0)), la[1],
                            new FloatPointer(new NativeBlock.Address(pb, 0)), lb[1], 0f,
                            new FloatPointer(new NativeBlock.Address(pc, 0)), ldc);
                }
            }
        });
    }
}
