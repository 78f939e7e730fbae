package org.vesalius.backend.cpu;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.vesalius.backend.cpu.dnnl.DnnlMatmul;
import org.vesalius.backend.cpu.dnnl.StridedView;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Tensor;

/**
 * Matrix products on OpenBLAS. Each operand's last two dims are handed to cblas as they lie in
 * memory: row-major, or transposed (a permuted view) without a copy; only layouts BLAS cannot
 * describe (both strides non-unit) are copied first.
 *
 * <p>float32 products of up to {@link #DNNL_MAX_MACS} multiply-adds go to oneDNN's matmul instead
 * ({@link DnnlMatmul}), where it has a JIT kernel for the operands' layouts: OpenBLAS's threads spin
 * for about 0.1 s after each threaded call, which on a small machine takes the cores from the ops
 * that follow (a LeNet training step used twice the CPU time it needed). Large products stay on
 * OpenBLAS, whose kernels are the faster there. {@code -Dvesalius.matmul.dnnlMaxMacs=0} turns the
 * route off.
 */
final class CpuMatmul {
    /** Products with at most this many multiply-adds ({@code batch * m * n * k}) try oneDNN first. */
    static final long DNNL_MAX_MACS = Long.getLong("vesalius.matmul.dnnlMaxMacs", 1L << 27);

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

    /**
     * The product on oneDNN when it is small enough and every operand has each element at its own
     * address (oneDNN descriptors take no zero strides); false when it was not computed.
     */
    private static boolean viaDnnl(Tensor a, Tensor b, Tensor out, long macsPerMatrix) {
        long batch = 1;
        for (int i = 0; i < out.dim() - 2; i++) {
            batch *= out.shape()[i];
        }
        if (batch * macsPerMatrix > DNNL_MAX_MACS || hasZeroStride(a) || hasZeroStride(b) || hasZeroStride(out)) {
            return false;
        }
        return DnnlMatmul.run(view(a), view(b), null, view(out));
    }

    private static boolean hasZeroStride(Tensor t) {
        int[] shape = t.shape();
        int[] strides = t.strides();
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] > 1 && strides[i] == 0) {
                return true;
            }
        }
        return false;
    }

    private static StridedView view(Tensor t) {
        return StridedView.of(CpuDnnl.address(t), t.shape(), t.strides());
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
        if (a.dtype() == DType.FLOAT32 && viaDnnl(a, b, out, (long) m * n * k)) {
            return;
        }
        int[] as = a.strides();
        int[] bs = b.strides();
        int[] la = layout(m, k, as[r - 2], as[r - 1]);
        int[] lb = layout(k, n, bs[r - 2], bs[r - 1]);
        if (la == null || lb == null || !(os[r - 1] == 1 || n == 1) || (m > 1 && os[r - 2] < n)) {
            // copy awkward layouts into contiguous temporaries (rare: e.g. a strided slice of a matrix)
            Tensor ac = la == null ? temporary(a) : a;
            Tensor bc = lb == null ? temporary(b) : b;
            if (la == null) {
                CpuElementwise.copy(a, ac);
            }
            if (lb == null) {
                CpuElementwise.copy(b, bc);
            }
            boolean outOk = (os[r - 1] == 1 || n == 1) && (m == 1 || os[r - 2] >= n);
            Tensor oc = outOk ? out : temporary(out);
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

    /** A contiguous temporary of t's shape; an operand too large to copy (a big expand) is refused by name. */
    private static Tensor temporary(Tensor t) {
        t.checkedNumel("matmul");
        return Tensor.empty(t.dtype(), t.shape());
    }
}
