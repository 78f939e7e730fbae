package org.vesalius.backend.cpu;

import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import org.vesalius.tensor.DType;

/**
 * Moves runs of elements between storage (any dtype, any stride) and the Java arrays kernels compute
 * on: float[] for float32 and the 16-bit floats, double[] for float64, long[] for integers and bool.
 * Contiguous runs of the matching type are bulk copies; everything else converts element by element.
 *
 * <p>Element offsets are ints (a storage holds at most 2^31-1 elements). A storage of more than
 * 2^31-1 bytes is a segmented {@link NativeBlock}: each entry point checks that once per run and
 * then cuts the run into pieces that each lie in one segment (a strided run too: its elements up to
 * the next boundary), so the per-element loops below are the same for both kinds of block.
 */
final class Access {
    private Access() {
    }

    /** Which Java array type a dtype computes in. */
    enum Kind { F, D, L }

    static Kind kind(DType t) {
        switch (t) {
            case FLOAT32: case FLOAT16: case BFLOAT16: return Kind.F;
            case FLOAT64: return Kind.D;
            default: return Kind.L;
        }
    }

    // ------------------------------------------------------------------ segments

    /** log2 of the elements of type {@code t} per segment. */
    private static int segmentShift(DType t) {
        return NativeBlock.SEGMENT_SHIFT - Integer.numberOfTrailingZeros(t.byteSize());
    }

    /** Receives one piece of a run: the segment, the piece's first element in it, and its place in the run. */
    @FunctionalInterface
    interface Piece {
        void run(NativeBlock segment, int offset, int at, int len);
    }

    /**
     * Cuts the run of {@code len} elements from {@code off} by {@code stride} into pieces that each lie
     * in one block: the whole run at once for an unsegmented block.
     */
    static void pieces(CpuStorage s, int off, int stride, int len, Piece fn) {
        NativeBlock b = s.block;
        if (!b.segmented()) {
            fn.run(b, off, 0, len);
            return;
        }
        int shift = segmentShift(s.dtype);
        int mask = (1 << shift) - 1;
        for (int at = 0; at < len; ) {
            int p = off + at * stride;
            int local = p & mask;
            long room;
            if (stride > 0) {
                room = ((long) mask - local) / stride + 1; // elements left before the segment ends
            } else if (stride < 0) {
                room = (long) local / -stride + 1;
            } else {
                room = len;
            }
            int n = (int) Math.min(room, len - at);
            fn.run(b.segments[p >>> shift], local, at, n);
            at += n;
        }
    }

    // ------------------------------------------------------------------ float[]

    static void load(CpuStorage s, int off, int stride, float[] dst, int len) {
        if (stride == 0 && len > 1) {
            // a broadcast run (expand): one element converted once
            load(s, off, 1, dst, 1);
            java.util.Arrays.fill(dst, 1, len, dst[0]);
            return;
        }
        DType t = s.dtype;
        if (!s.block.segmented()) {
            load(s.block, t, off, stride, dst, 0, len);
            return;
        }
        pieces(s, off, stride, len, (b, o, at, n) -> load(b, t, o, stride, dst, at, n));
    }

    private static void load(NativeBlock b, DType t, int off, int stride, float[] dst, int at, int len) {
        int end = at + len;
        switch (t) {
            case FLOAT32: {
                FloatBuffer f = b.floats();
                if (stride == 1) {
                    f.get(off, dst, at, len);
                } else {
                    for (int i = at, p = off; i < end; i++, p += stride) {
                        dst[i] = f.get(p);
                    }
                }
                return;
            }
            case FLOAT16: {
                ShortBuffer h = b.shorts();
                for (int i = at, p = off; i < end; i++, p += stride) {
                    dst[i] = Half.f16ToFloat(h.get(p));
                }
                return;
            }
            case BFLOAT16: {
                ShortBuffer h = b.shorts();
                for (int i = at, p = off; i < end; i++, p += stride) {
                    dst[i] = Half.bf16ToFloat(h.get(p));
                }
                return;
            }
            case FLOAT64: {
                DoubleBuffer d = b.doubles();
                for (int i = at, p = off; i < end; i++, p += stride) {
                    dst[i] = (float) d.get(p);
                }
                return;
            }
            default: {
                for (int i = at, p = off; i < end; i++, p += stride) {
                    dst[i] = (float) getLong(b, t, p);
                }
            }
        }
    }

    static void store(float[] src, int len, CpuStorage s, int off, int stride) {
        DType t = s.dtype;
        if (!s.block.segmented()) {
            store(src, 0, len, s.block, t, off, stride);
            return;
        }
        pieces(s, off, stride, len, (b, o, at, n) -> store(src, at, n, b, t, o, stride));
    }

    private static void store(float[] src, int at, int len, NativeBlock b, DType t, int off, int stride) {
        int end = at + len;
        switch (t) {
            case FLOAT32: {
                FloatBuffer f = b.floats();
                if (stride == 1) {
                    f.put(off, src, at, len);
                } else {
                    for (int i = at, p = off; i < end; i++, p += stride) {
                        f.put(p, src[i]);
                    }
                }
                return;
            }
            case FLOAT16: {
                ShortBuffer h = b.shorts();
                for (int i = at, p = off; i < end; i++, p += stride) {
                    h.put(p, Half.floatToF16(src[i]));
                }
                return;
            }
            case BFLOAT16: {
                ShortBuffer h = b.shorts();
                for (int i = at, p = off; i < end; i++, p += stride) {
                    h.put(p, Half.floatToBf16(src[i]));
                }
                return;
            }
            case FLOAT64: {
                DoubleBuffer d = b.doubles();
                for (int i = at, p = off; i < end; i++, p += stride) {
                    d.put(p, src[i]);
                }
                return;
            }
            default: {
                for (int i = at, p = off; i < end; i++, p += stride) {
                    putDouble(b, t, p, src[i]);
                }
            }
        }
    }

    // ------------------------------------------------------------------ double[]

    static void load(CpuStorage s, int off, int stride, double[] dst, int len) {
        if (stride == 0 && len > 1) {
            load(s, off, 1, dst, 1);
            java.util.Arrays.fill(dst, 1, len, dst[0]);
            return;
        }
        DType t = s.dtype;
        if (!s.block.segmented()) {
            load(s.block, t, off, stride, dst, 0, len);
            return;
        }
        pieces(s, off, stride, len, (b, o, at, n) -> load(b, t, o, stride, dst, at, n));
    }

    private static void load(NativeBlock b, DType t, int off, int stride, double[] dst, int at, int len) {
        int end = at + len;
        switch (t) {
            case FLOAT64: {
                DoubleBuffer d = b.doubles();
                if (stride == 1) {
                    d.get(off, dst, at, len);
                } else {
                    for (int i = at, p = off; i < end; i++, p += stride) {
                        dst[i] = d.get(p);
                    }
                }
                return;
            }
            case FLOAT32: {
                FloatBuffer f = b.floats();
                for (int i = at, p = off; i < end; i++, p += stride) {
                    dst[i] = f.get(p);
                }
                return;
            }
            case FLOAT16:
            case BFLOAT16: {
                ShortBuffer h = b.shorts();
                boolean bf = t == DType.BFLOAT16;
                for (int i = at, p = off; i < end; i++, p += stride) {
                    dst[i] = bf ? Half.bf16ToFloat(h.get(p)) : Half.f16ToFloat(h.get(p));
                }
                return;
            }
            default: {
                for (int i = at, p = off; i < end; i++, p += stride) {
                    dst[i] = getLong(b, t, p);
                }
            }
        }
    }

    static void store(double[] src, int len, CpuStorage s, int off, int stride) {
        DType t = s.dtype;
        if (!s.block.segmented()) {
            store(src, 0, len, s.block, t, off, stride);
            return;
        }
        pieces(s, off, stride, len, (b, o, at, n) -> store(src, at, n, b, t, o, stride));
    }

    private static void store(double[] src, int at, int len, NativeBlock b, DType t, int off, int stride) {
        int end = at + len;
        switch (t) {
            case FLOAT64: {
                DoubleBuffer d = b.doubles();
                if (stride == 1) {
                    d.put(off, src, at, len);
                } else {
                    for (int i = at, p = off; i < end; i++, p += stride) {
                        d.put(p, src[i]);
                    }
                }
                return;
            }
            case FLOAT32: {
                FloatBuffer f = b.floats();
                for (int i = at, p = off; i < end; i++, p += stride) {
                    f.put(p, (float) src[i]);
                }
                return;
            }
            case FLOAT16:
            case BFLOAT16: {
                ShortBuffer h = b.shorts();
                boolean bf = t == DType.BFLOAT16;
                for (int i = at, p = off; i < end; i++, p += stride) {
                    float v = (float) src[i];
                    h.put(p, bf ? Half.floatToBf16(v) : Half.floatToF16(v));
                }
                return;
            }
            default: {
                for (int i = at, p = off; i < end; i++, p += stride) {
                    putDouble(b, t, p, src[i]);
                }
            }
        }
    }

    // ------------------------------------------------------------------ long[]

    static void load(CpuStorage s, int off, int stride, long[] dst, int len) {
        if (stride == 0 && len > 1) {
            load(s, off, 1, dst, 1);
            java.util.Arrays.fill(dst, 1, len, dst[0]);
            return;
        }
        DType t = s.dtype;
        if (!s.block.segmented()) {
            load(s.block, t, off, stride, dst, 0, len);
            return;
        }
        pieces(s, off, stride, len, (b, o, at, n) -> load(b, t, o, stride, dst, at, n));
    }

    private static void load(NativeBlock b, DType t, int off, int stride, long[] dst, int at, int len) {
        int end = at + len;
        if (t == DType.INT64) {
            LongBuffer l = b.longs();
            if (stride == 1) {
                l.get(off, dst, at, len);
            } else {
                for (int i = at, p = off; i < end; i++, p += stride) {
                    dst[i] = l.get(p);
                }
            }
            return;
        }
        if (t.isFloatingPoint()) {
            for (int i = at, p = off; i < end; i++, p += stride) {
                dst[i] = (long) getDouble(b, t, p);
            }
            return;
        }
        for (int i = at, p = off; i < end; i++, p += stride) {
            dst[i] = getLong(b, t, p);
        }
    }

    static void store(long[] src, int len, CpuStorage s, int off, int stride) {
        DType t = s.dtype;
        if (!s.block.segmented()) {
            store(src, 0, len, s.block, t, off, stride);
            return;
        }
        pieces(s, off, stride, len, (b, o, at, n) -> store(src, at, n, b, t, o, stride));
    }

    private static void store(long[] src, int at, int len, NativeBlock b, DType t, int off, int stride) {
        int end = at + len;
        if (t == DType.INT64) {
            LongBuffer l = b.longs();
            if (stride == 1) {
                l.put(off, src, at, len);
            } else {
                for (int i = at, p = off; i < end; i++, p += stride) {
                    l.put(p, src[i]);
                }
            }
            return;
        }
        for (int i = at, p = off; i < end; i++, p += stride) {
            putLong(b, t, p, src[i]);
        }
    }

    // ------------------------------------------------------------------ Java arrays of the storage's type

    /**
     * Copies {@code n} elements of {@code array} (float[], double[], long[], int[], short[], byte[] or
     * boolean[], matching the storage's element size, as the caller checked) into elements
     * {@code [off, off + n)}.
     */
    static void write(Object array, CpuStorage s, int off, int n) {
        pieces(s, off, 1, n, (b, o, at, len) -> {
            if (array instanceof float[]) {
                b.floats().put(o, (float[]) array, at, len);
            } else if (array instanceof double[]) {
                b.doubles().put(o, (double[]) array, at, len);
            } else if (array instanceof long[]) {
                b.longs().put(o, (long[]) array, at, len);
            } else if (array instanceof int[]) {
                b.ints().put(o, (int[]) array, at, len);
            } else if (array instanceof short[]) {
                b.shorts().put(o, (short[]) array, at, len);
            } else if (array instanceof byte[]) {
                b.bytes().put(o, (byte[]) array, at, len);
            } else {
                boolean[] v = (boolean[]) array;
                ByteBuffer bb = b.bytes();
                for (int i = 0; i < len; i++) {
                    bb.put(o + i, (byte) (v[at + i] ? 1 : 0));
                }
            }
        });
    }

    /** Copies elements {@code [off, off + n)} into {@code array}, as {@link #write} the other way. */
    static void read(CpuStorage s, int off, Object array, int n) {
        pieces(s, off, 1, n, (b, o, at, len) -> {
            if (array instanceof float[]) {
                b.floats().get(o, (float[]) array, at, len);
            } else if (array instanceof double[]) {
                b.doubles().get(o, (double[]) array, at, len);
            } else if (array instanceof long[]) {
                b.longs().get(o, (long[]) array, at, len);
            } else if (array instanceof int[]) {
                b.ints().get(o, (int[]) array, at, len);
            } else if (array instanceof short[]) {
                b.shorts().get(o, (short[]) array, at, len);
            } else if (array instanceof byte[]) {
                b.bytes().get(o, (byte[]) array, at, len);
            } else {
                boolean[] v = (boolean[]) array;
                ByteBuffer bb = b.bytes();
                for (int i = 0; i < len; i++) {
                    v[at + i] = bb.get(o + i) != 0;
                }
            }
        });
    }

    // ------------------------------------------------------------------ single elements

    static long getLong(CpuStorage s, int p) {
        NativeBlock b = s.block;
        if (!b.segmented()) {
            return getLong(b, s.dtype, p);
        }
        int shift = segmentShift(s.dtype);
        return getLong(b.segments[p >>> shift], s.dtype, p & ((1 << shift) - 1));
    }

    static double getDouble(CpuStorage s, int p) {
        NativeBlock b = s.block;
        if (!b.segmented()) {
            return getDouble(b, s.dtype, p);
        }
        int shift = segmentShift(s.dtype);
        return getDouble(b.segments[p >>> shift], s.dtype, p & ((1 << shift) - 1));
    }

    static void putLong(CpuStorage s, int p, long v) {
        NativeBlock b = s.block;
        if (!b.segmented()) {
            putLong(b, s.dtype, p, v);
            return;
        }
        int shift = segmentShift(s.dtype);
        putLong(b.segments[p >>> shift], s.dtype, p & ((1 << shift) - 1), v);
    }

    static void putDouble(CpuStorage s, int p, double v) {
        NativeBlock b = s.block;
        if (!b.segmented()) {
            putDouble(b, s.dtype, p, v);
            return;
        }
        int shift = segmentShift(s.dtype);
        putDouble(b.segments[p >>> shift], s.dtype, p & ((1 << shift) - 1), v);
    }

    private static long getLong(NativeBlock b, DType t, int p) {
        switch (t) {
            case INT64: return b.longs().get(p);
            case INT32: return b.ints().get(p);
            case UINT8: return b.bytes().get(p) & 0xff;
            case BOOL: return b.bytes().get(p) != 0 ? 1 : 0;
            default: return (long) getDouble(b, t, p);
        }
    }

    private static double getDouble(NativeBlock b, DType t, int p) {
        switch (t) {
            case FLOAT32: return b.floats().get(p);
            case FLOAT64: return b.doubles().get(p);
            case FLOAT16: return Half.f16ToFloat(b.shorts().get(p));
            case BFLOAT16: return Half.bf16ToFloat(b.shorts().get(p));
            default: return getLong(b, t, p);
        }
    }

    private static void putLong(NativeBlock b, DType t, int p, long v) {
        switch (t) {
            case INT64: b.longs().put(p, v); return;
            case INT32: b.ints().put(p, (int) v); return;
            case UINT8: b.bytes().put(p, (byte) v); return;
            case BOOL: b.bytes().put(p, (byte) (v != 0 ? 1 : 0)); return;
            default: putDouble(b, t, p, v);
        }
    }

    private static void putDouble(NativeBlock b, DType t, int p, double v) {
        switch (t) {
            case FLOAT32: b.floats().put(p, (float) v); return;
            case FLOAT64: b.doubles().put(p, v); return;
            case FLOAT16: b.shorts().put(p, Half.floatToF16((float) v)); return;
            case BFLOAT16: b.shorts().put(p, Half.floatToBf16((float) v)); return;
            case BOOL: b.bytes().put(p, (byte) (v != 0 ? 1 : 0)); return;
            case UINT8: b.bytes().put(p, (byte) (long) v); return;
            case INT32: b.ints().put(p, (int) (long) v); return;
            default: b.longs().put(p, (long) v);
        }
    }
}
