package org.vesalius.backend.cpu;

import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import org.vesalius.tensor.DType;

/**
 * Moves runs of elements between storage (any dtype, any stride) and the Java arrays kernels compute
 * on: float[] for float32 and the 16-bit floats, double[] for float64, long[] for integers and bool.
 * Contiguous runs of the matching type are bulk copies; everything else converts element by element.
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

    // ------------------------------------------------------------------ float[]

    static void load(CpuStorage s, int off, int stride, float[] dst, int len) {
        if (stride == 0 && len > 1) {
            // a broadcast run (expand): one element converted once
            load(s, off, 1, dst, 1);
            java.util.Arrays.fill(dst, 1, len, dst[0]);
            return;
        }
        NativeBlock b = s.block;
        switch (s.dtype) {
            case FLOAT32: {
                FloatBuffer f = b.floats();
                if (stride == 1) {
                    f.get(off, dst, 0, len);
                } else {
                    for (int i = 0, p = off; i < len; i++, p += stride) {
                        dst[i] = f.get(p);
                    }
                }
                return;
            }
            case FLOAT16: {
                ShortBuffer h = b.shorts();
                for (int i = 0, p = off; i < len; i++, p += stride) {
                    dst[i] = Half.f16ToFloat(h.get(p));
                }
                return;
            }
            case BFLOAT16: {
                ShortBuffer h = b.shorts();
                for (int i = 0, p = off; i < len; i++, p += stride) {
                    dst[i] = Half.bf16ToFloat(h.get(p));
                }
                return;
            }
            case FLOAT64: {
                DoubleBuffer d = b.doubles();
                for (int i = 0, p = off; i < len; i++, p += stride) {
                    dst[i] = (float) d.get(p);
                }
                return;
            }
            default: {
                for (int i = 0, p = off; i < len; i++, p += stride) {
                    dst[i] = (float) getLong(s, p);
                }
            }
        }
    }

    static void store(float[] src, int len, CpuStorage s, int off, int stride) {
        NativeBlock b = s.block;
        switch (s.dtype) {
            case FLOAT32: {
                FloatBuffer f = b.floats();
                if (stride == 1) {
                    f.put(off, src, 0, len);
                } else {
                    for (int i = 0, p = off; i < len; i++, p += stride) {
                        f.put(p, src[i]);
                    }
                }
                return;
            }
            case FLOAT16: {
                ShortBuffer h = b.shorts();
                for (int i = 0, p = off; i < len; i++, p += stride) {
                    h.put(p, Half.floatToF16(src[i]));
                }
                return;
            }
            case BFLOAT16: {
                ShortBuffer h = b.shorts();
                for (int i = 0, p = off; i < len; i++, p += stride) {
                    h.put(p, Half.floatToBf16(src[i]));
                }
                return;
            }
            case FLOAT64: {
                DoubleBuffer d = b.doubles();
                for (int i = 0, p = off; i < len; i++, p += stride) {
                    d.put(p, src[i]);
                }
                return;
            }
            default: {
                for (int i = 0, p = off; i < len; i++, p += stride) {
                    putDouble(s, p, src[i]);
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
        NativeBlock b = s.block;
        switch (s.dtype) {
            case FLOAT64: {
                DoubleBuffer d = b.doubles();
                if (stride == 1) {
                    d.get(off, dst, 0, len);
                } else {
                    for (int i = 0, p = off; i < len; i++, p += stride) {
                        dst[i] = d.get(p);
                    }
                }
                return;
            }
            case FLOAT32: {
                FloatBuffer f = b.floats();
                for (int i = 0, p = off; i < len; i++, p += stride) {
                    dst[i] = f.get(p);
                }
                return;
            }
            case FLOAT16:
            case BFLOAT16: {
                ShortBuffer h = b.shorts();
                boolean bf = s.dtype == DType.BFLOAT16;
                for (int i = 0, p = off; i < len; i++, p += stride) {
                    dst[i] = bf ? Half.bf16ToFloat(h.get(p)) : Half.f16ToFloat(h.get(p));
                }
                return;
            }
            default: {
                for (int i = 0, p = off; i < len; i++, p += stride) {
                    dst[i] = getLong(s, p);
                }
            }
        }
    }

    static void store(double[] src, int len, CpuStorage s, int off, int stride) {
        NativeBlock b = s.block;
        switch (s.dtype) {
            case FLOAT64: {
                DoubleBuffer d = b.doubles();
                if (stride == 1) {
                    d.put(off, src, 0, len);
                } else {
                    for (int i = 0, p = off; i < len; i++, p += stride) {
                        d.put(p, src[i]);
                    }
                }
                return;
            }
            case FLOAT32: {
                FloatBuffer f = b.floats();
                for (int i = 0, p = off; i < len; i++, p += stride) {
                    f.put(p, (float) src[i]);
                }
                return;
            }
            case FLOAT16:
            case BFLOAT16: {
                ShortBuffer h = b.shorts();
                boolean bf = s.dtype == DType.BFLOAT16;
                for (int i = 0, p = off; i < len; i++, p += stride) {
                    float v = (float) src[i];
                    h.put(p, bf ? Half.floatToBf16(v) : Half.floatToF16(v));
                }
                return;
            }
            default: {
                for (int i = 0, p = off; i < len; i++, p += stride) {
                    putDouble(s, p, src[i]);
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
        if (s.dtype == DType.INT64) {
            LongBuffer l = s.block.longs();
            if (stride == 1) {
                l.get(off, dst, 0, len);
            } else {
                for (int i = 0, p = off; i < len; i++, p += stride) {
                    dst[i] = l.get(p);
                }
            }
            return;
        }
        if (s.dtype.isFloatingPoint()) {
            for (int i = 0, p = off; i < len; i++, p += stride) {
                dst[i] = (long) getDouble(s, p);
            }
            return;
        }
        for (int i = 0, p = off; i < len; i++, p += stride) {
            dst[i] = getLong(s, p);
        }
    }

    static void store(long[] src, int len, CpuStorage s, int off, int stride) {
        if (s.dtype == DType.INT64) {
            LongBuffer l = s.block.longs();
            if (stride == 1) {
                l.put(off, src, 0, len);
            } else {
                for (int i = 0, p = off; i < len; i++, p += stride) {
                    l.put(p, src[i]);
                }
            }
            return;
        }
        for (int i = 0, p = off; i < len; i++, p += stride) {
            putLong(s, p, src[i]);
        }
    }

    // ------------------------------------------------------------------ single elements

    static long getLong(CpuStorage s, int p) {
        NativeBlock b = s.block;
        switch (s.dtype) {
            case INT64: return b.longs().get(p);
            case INT32: return b.ints().get(p);
            case UINT8: return b.bytes.get(p) & 0xff;
            case BOOL: return b.bytes.get(p) != 0 ? 1 : 0;
            default: return (long) getDouble(s, p);
        }
    }

    static double getDouble(CpuStorage s, int p) {
        NativeBlock b = s.block;
        switch (s.dtype) {
            case FLOAT32: return b.floats().get(p);
            case FLOAT64: return b.doubles().get(p);
            case FLOAT16: return Half.f16ToFloat(b.shorts().get(p));
            case BFLOAT16: return Half.bf16ToFloat(b.shorts().get(p));
            default: return getLong(s, p);
        }
    }

    static void putLong(CpuStorage s, int p, long v) {
        NativeBlock b = s.block;
        switch (s.dtype) {
            case INT64: b.longs().put(p, v); return;
            case INT32: b.ints().put(p, (int) v); return;
            case UINT8: b.bytes.put(p, (byte) v); return;
            case BOOL: b.bytes.put(p, (byte) (v != 0 ? 1 : 0)); return;
            default: putDouble(s, p, v);
        }
    }

    static void putDouble(CpuStorage s, int p, double v) {
        NativeBlock b = s.block;
        switch (s.dtype) {
            case FLOAT32: b.floats().put(p, (float) v); return;
            case FLOAT64: b.doubles().put(p, v); return;
            case FLOAT16: b.shorts().put(p, Half.floatToF16((float) v)); return;
            case BFLOAT16: b.shorts().put(p, Half.floatToBf16((float) v)); return;
            case BOOL: b.bytes.put(p, (byte) (v != 0 ? 1 : 0)); return;
            case UINT8: b.bytes.put(p, (byte) (long) v); return;
            case INT32: b.ints().put(p, (int) (long) v); return;
            default: b.longs().put(p, (long) v);
        }
    }

    static ByteBuffer bytes(CpuStorage s) {
        return s.block.bytes;
    }

    static IntBuffer ints(CpuStorage s) {
        return s.block.ints();
    }
}
