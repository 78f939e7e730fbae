package org.vesalius.backend.cpu;

import java.util.Arrays;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;

/**
 * One blocked attention call as the kernels ({@code AttentionKernelsF32/F64}) see it: sizes, block
 * sizes, how many batch entries a step takes, where each batch entry's rows start in the storages,
 * how the mask is laid out, and the dropout stream. Built and checked by {@link CpuAttention}.
 *
 * <p>Block sizes follow PyTorch 2's CPU flash-attention kernel: query blocks of 256 rows from 768
 * queries up, 64 from 192, else 32; key/value blocks of 512. A thread's score block (query block x
 * key block) is then at most 512 KiB of float32, which stays in a core's L2 cache.
 */
final class AttentionGeometry {
    static final int KV_BLOCK = 512;
    /** Elements of one score block over all batch entries of a step: 8 MiB of float32. */
    static final int STEP_SCORES = 1 << 21;

    final int batch;
    final int l;
    final int s;
    final int e;
    final int ev;
    final int qBlock;
    final int kvBlock;
    final double scale;
    final boolean causal;
    /** Batch entries per step: as many as keep the step's score block within {@link #STEP_SCORES}. */
    final int chunk;
    final Tensor qT;
    final Tensor kT;
    final Tensor vT;
    final CpuStorage out;
    final CpuStorage lse;
    final int outOff;
    final int lseOff;
    /** The mask's storage, or null for none. */
    final CpuStorage mask;
    final boolean maskBool;
    /** Where each batch entry's mask plane starts; the mask's row and column strides. */
    final int[] maskBase;
    final int maskRowStride;
    final int maskColStride;
    final double dropoutP;
    final long seed;
    final long offset;

    private AttentionGeometry(int batch, int l, int s, int e, int ev, double scale, boolean causal, Tensor q, Tensor k,
                              Tensor v, Tensor mask, double dropoutP, long seed, long offset, Tensor out, Tensor lse) {
        this.batch = batch;
        this.l = l;
        this.s = s;
        this.e = e;
        this.ev = ev;
        this.qBlock = queryBlock(l);
        this.kvBlock = Math.max(1, Math.min(KV_BLOCK, s));
        this.scale = scale;
        this.causal = causal;
        this.chunk = Math.max(1, Math.min(batch, STEP_SCORES / (qBlock * kvBlock)));
        this.qT = q;
        this.kT = k;
        this.vT = v;
        this.out = NnTensors.storage(out);
        this.lse = NnTensors.storage(lse);
        this.outOff = out.offset();
        this.lseOff = lse.offset();
        this.dropoutP = dropoutP;
        this.seed = seed;
        this.offset = offset;
        if (mask == null) {
            this.mask = null;
            this.maskBool = false;
            this.maskBase = null;
            this.maskRowStride = 0;
            this.maskColStride = 0;
        } else {
            this.mask = NnTensors.storage(mask);
            this.maskBool = mask.dtype() == DType.BOOL;
            int r = mask.dim();
            int[] shape = mask.shape();
            int[] strides = mask.strides();
            this.maskRowStride = strides[r - 2];
            this.maskColStride = strides[r - 1];
            this.maskBase = new int[batch];
            // the batch dims in row-major order, each entry's offset from the mask's strides
            for (int b = 0; b < batch; b++) {
                long off = mask.offset();
                int rest = b;
                for (int d = r - 3; d >= 0; d--) {
                    off += (long) (rest % shape[d]) * strides[d];
                    rest /= shape[d];
                }
                maskBase[b] = (int) off;
            }
        }
    }

    /** PyTorch's query split: 256 rows from 768 queries, 64 from 192, else 32 (never more than L). */
    static int queryBlock(int l) {
        int b = l >= 768 ? 256 : l >= 192 ? 64 : 32;
        return Math.max(1, Math.min(b, l));
    }

    /** Checks the layout the kernels assume and gathers what they need. */
    static AttentionGeometry of(String op, Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal, double scale,
                                double dropoutP, long seed, long offset, Tensor out, Tensor lse) {
        NnTensors.floatType(op, q);
        NnTensors.requireContiguous(op, q, k, v, out, lse);
        int r = q.dim();
        if (r < 2 || k.dim() != r || v.dim() != r || out.dim() != r || lse.dim() != r - 1) {
            throw new IllegalArgumentException(op + ": expected q [*batch, L, E], k [*batch, S, E], v [*batch, S, Ev], "
                    + "out [*batch, L, Ev] and lse [*batch, L], got " + shapes(q, k, v, out, lse));
        }
        int[] batchShape = Arrays.copyOf(q.shape(), r - 2);
        int l = q.size(r - 2);
        int e = q.size(r - 1);
        int s = k.size(r - 2);
        int ev = v.size(r - 1);
        if (!Arrays.equals(Arrays.copyOf(k.shape(), r - 2), batchShape)
                || !Arrays.equals(Arrays.copyOf(v.shape(), r - 2), batchShape)
                || !Arrays.equals(Arrays.copyOf(out.shape(), r - 2), batchShape)
                || !Arrays.equals(Arrays.copyOf(lse.shape(), r - 2), batchShape)
                || k.size(r - 1) != e || v.size(r - 2) != s || out.size(r - 2) != l || out.size(r - 1) != ev
                || lse.size(r - 2) != l) {
            throw new IllegalArgumentException(op + ": inconsistent shapes " + shapes(q, k, v, out, lse));
        }
        if (mask != null) {
            int[] want = Arrays.copyOf(batchShape, r);
            want[r - 2] = l;
            want[r - 1] = s;
            if (!Arrays.equals(mask.shape(), want)) {
                throw new IllegalArgumentException(op + ": the mask must be (a view of shape) " + Arrays.toString(want)
                        + ", got " + Arrays.toString(mask.shape()));
            }
            if (mask.dtype() != DType.BOOL && mask.dtype() != q.dtype()) {
                throw new IllegalArgumentException(op + ": the mask must be bool or " + q.dtype() + ", got "
                        + mask.dtype());
            }
        }
        if (!(dropoutP >= 0 && dropoutP <= 1)) {
            throw new IllegalArgumentException(op + ": dropoutP must be in [0, 1], got " + dropoutP);
        }
        q.checkedNumel(op);
        k.checkedNumel(op);
        v.checkedNumel(op);
        out.checkedNumel(op);
        int batch = 1;
        for (int d : batchShape) {
            batch *= d;
        }
        return new AttentionGeometry(batch, l, s, e, ev, scale, causal, q, k, v, mask, dropoutP, seed, offset, out, lse);
    }

    private static String shapes(Tensor... ts) {
        StringBuilder sb = new StringBuilder();
        for (Tensor t : ts) {
            sb.append(sb.length() == 0 ? "" : ", ").append(Arrays.toString(t.shape()));
        }
        return sb.toString();
    }

    /** Storage offset of out's row i of batch entry b. */
    int outRow(int b, int i) {
        return outOff + (b * l + i) * ev;
    }

    int lseAt(int b, int i) {
        return lseOff + b * l + i;
    }

    int maskAt(int b, int i, int j) {
        return maskBase[b] + i * maskRowStride + j * maskColStride;
    }

    /** The counter of the dropout number for score (b, i, j): its place in a row-major [batch, L, S]. */
    long dropCounter(int b, int i, int j) {
        return offset + ((long) b * l + i) * s + j;
    }

    /** The number {@code Tensor.rand} puts at a counter in float32: 24 random bits. */
    static float uniformF32(long seed, long counter) {
        return (Generator.mix(seed, counter) >>> 40) * 0x1.0p-24f;
    }

    /** The number {@code Tensor.rand} puts at a counter in float64: 53 random bits. */
    static double uniformF64(long seed, long counter) {
        return (Generator.mix(seed, counter) >>> 11) * 0x1.0p-53;
    }
}
