package org.vesalius.medical.nifti;

import java.util.ArrayList;
import java.util.List;
import org.vesalius.medical.StoredType;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/**
 * Turns stored voxel bytes, fed in file order in pieces of any size, into the image tensor
 * {@code [C, Z, Y, X]} (C = the product of dimensions 4 to 7, times the components of RGB/RGBA), with
 * {@code scl_slope}/{@code scl_inter} applied. Values are kept in chunks of 2^16 that are allocated as the
 * bytes for them arrive, so a header that claims more voxels than the file holds costs no more than the
 * bytes that are there; the tensor is allocated only once every value has arrived. The peak is the
 * decoded image twice (chunks, tensor), plus one chunk while converting for dtypes without a Java array.
 */
final class NiftiVoxels {
    private static final int CHUNK_BITS = 16;
    private static final int CHUNK = 1 << CHUNK_BITS;

    /** The Java array type values are kept in before the tensor is made. */
    private enum Work { FLOAT, DOUBLE, LONG }

    private final StoredType stored;
    private final boolean bigEndian;
    private final int width;
    private final int comps;
    private final long spatial;
    private final long total;
    private final boolean scale;
    private final double slope;
    private final double inter;
    private final DType dtype;
    private final Work work;
    private final String name;
    private final List<Object> chunks = new ArrayList<>();
    private final byte[] partial = new byte[8];
    private int partialLength;
    /** Values decoded so far, in file order. */
    private long next;

    /**
     * @param bigEndian byte order of the bytes that will be fed
     * @param spatial   voxels per 3-D volume (X * Y * Z)
     * @param total     values in the file (voxels times components)
     * @param scale     whether to apply {@code slope} and {@code inter}
     */
    NiftiVoxels(StoredType stored, boolean bigEndian, int comps, long spatial, long total, boolean scale, double slope,
                double inter, DType dtype, String name) {
        this.stored = stored;
        this.bigEndian = bigEndian;
        this.width = stored.byteSize();
        this.comps = comps;
        this.spatial = spatial;
        this.total = total;
        this.scale = scale;
        this.slope = slope;
        this.inter = inter;
        this.dtype = dtype;
        this.name = name;
        this.work = dtype == DType.FLOAT32 ? Work.FLOAT : dtype.isFloatingPoint() ? Work.DOUBLE : Work.LONG;
    }

    /** Stored bytes a full image takes. */
    long bytesNeeded() {
        return total * width;
    }

    /**
     * Decodes {@code len} more bytes.
     * @throws IllegalArgumentException when an integer {@code dtype} meets a value that is not a whole number
     */
    void accept(byte[] b, int off, int len) {
        int p = off;
        int end = off + len;
        while (partialLength > 0 && p < end) {
            partial[partialLength++] = b[p++];
            if (partialLength == width) {
                put(raw(partial, 0));
                partialLength = 0;
            }
        }
        for (; p + width <= end; p += width) {
            put(raw(b, p));
        }
        while (p < end) {
            partial[partialLength++] = b[p++];
        }
        if (next > total) {
            throw new IllegalStateException(name + ": fed " + next + " values, the image has " + total);
        }
    }

    /** The stored value at {@code p} as raw bits (sign- or zero-extension comes in {@link #put}). */
    private long raw(byte[] b, int p) {
        long v = 0;
        if (bigEndian) {
            for (int k = 0; k < width; k++) {
                v = v << 8 | b[p + k] & 0xFF;
            }
        } else {
            for (int k = width - 1; k >= 0; k--) {
                v = v << 8 | b[p + k] & 0xFF;
            }
        }
        return v;
    }

    private void put(long bits) {
        long o = outputIndex(next++);
        int c = (int) (o >>> CHUNK_BITS);
        while (chunks.size() <= c) {
            chunks.add(null);
        }
        Object chunk = chunks.get(c);
        if (chunk == null) {
            int n = (int) Math.min(CHUNK, total - ((long) c << CHUNK_BITS));
            chunk = work == Work.FLOAT ? new float[n] : work == Work.DOUBLE ? new double[n] : new long[n];
            chunks.set(c, chunk);
        }
        int i = (int) (o & (CHUNK - 1));
        if (work == Work.LONG && !scale && !stored.isFloatingPoint()) {
            ((long[]) chunk)[i] = integer(bits); // exact, also beyond 2^53
            return;
        }
        double x = value(bits);
        if (scale) {
            x = x * slope + inter;
        }
        switch (work) {
            case FLOAT:
                ((float[]) chunk)[i] = (float) x;
                break;
            case DOUBLE:
                ((double[]) chunk)[i] = x;
                break;
            default:
                if (x != Math.rint(x)) {
                    throw new IllegalArgumentException(name + ": values are not integers (e.g. " + x
                            + "); read as float32 or float64 instead of " + dtype);
                }
                ((long[]) chunk)[i] = (long) x;
        }
    }

    /** File order is (component, i, j, k, t...) fastest first; the tensor keeps the components with the other channels. */
    private long outputIndex(long v) {
        if (comps == 1) {
            return v;
        }
        long c = v % comps;
        long p = v / comps % spatial;
        long t = v / comps / spatial;
        return (t * comps + c) * spatial + p;
    }

    private long integer(long bits) {
        switch (stored) {
            case U1: return bits & 0xFF;
            case I1: return (byte) bits;
            case U2: return bits & 0xFFFF;
            case I2: return (short) bits;
            case U4: return bits & 0xFFFFFFFFL;
            case I4: return (int) bits;
            default: return bits; // i8, and u8 wrapping above 2^63
        }
    }

    private double value(long bits) {
        switch (stored) {
            case F4: return Float.intBitsToFloat((int) bits);
            case F8: return Double.longBitsToDouble(bits);
            case U8: return bits >= 0 ? bits : (double) (bits >>> 1) * 2.0 + (bits & 1);
            default: return integer(bits);
        }
    }

    /**
     * The tensor of {@code shape} (whose product is the number of values) holding every value.
     * @throws IllegalStateException if fewer values were fed than the image has (the caller checks first)
     */
    Tensor finish(int... shape) {
        if (next != total || partialLength != 0) {
            throw new IllegalStateException(name + ": " + next + " of " + total + " values decoded");
        }
        Tensor out = Tensor.empty(dtype, shape);
        try (Scope s = Scope.open()) {
            Tensor flat = out.reshape((int) total);
            for (int c = 0; c < chunks.size(); c++) {
                Object chunk = chunks.get(c);
                chunks.set(c, null); // each chunk can go as soon as it is in the tensor
                int n = java.lang.reflect.Array.getLength(chunk);
                Tensor part = flat.narrow(0, c << CHUNK_BITS, n);
                if (work == Work.FLOAT || work == Work.DOUBLE && dtype == DType.FLOAT64 || dtype == DType.INT64) {
                    part.backend().write(chunk, part);
                } else {
                    Tensor values = work == Work.DOUBLE ? Tensor.of((double[]) chunk, n) : Tensor.of((long[]) chunk, n);
                    part.copy_(values.to(dtype));
                }
            }
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
        return out;
    }
}
