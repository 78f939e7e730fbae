package org.vesalius.medical;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Decoded voxel values exactly as stored in a file, before any rescale: little-endian bytes of one
 * {@link StoredType}, row-major over {@link #shape()}.
 *
 * <p>DICOM decoders return shape {@code [frames, rows, columns, samples]} (samples interleaved, YBR not
 * converted, 1-bit data unpacked to one {@code u1} per pixel); NIfTI returns the file's order reversed,
 * {@code [t, k, j, i]}, so that the bytes are in file order (i fastest). This is the array whose
 * SHA-256 reference corpora publish; images are made from it by {@code DicomImages} or {@code Nifti}.
 */
public final class StoredArray {
    private final StoredType type;
    private final int[] shape;
    private final byte[] bytes;

    /** Wraps {@code bytes} (not copied): {@code product(shape) * type.byteSize()} little-endian bytes. */
    public StoredArray(StoredType type, int[] shape, byte[] bytes) {
        long n = 1;
        for (int s : shape) {
            if (s < 0) {
                throw new IllegalArgumentException("negative size in shape " + Arrays.toString(shape));
            }
            n *= s;
        }
        if (n * type.byteSize() != bytes.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " of " + type + " needs "
                    + n * type.byteSize() + " bytes, got " + bytes.length);
        }
        this.type = type;
        this.shape = shape.clone();
        this.bytes = bytes;
    }

    public StoredType type() {
        return type;
    }

    public int[] shape() {
        return shape.clone();
    }

    /** Number of values. */
    public int size() {
        return bytes.length / type.byteSize();
    }

    /** The little-endian bytes (not a copy: do not modify). */
    public byte[] bytes() {
        return bytes;
    }

    /** Value {@code index} (row-major) as a double; u8/i8 beyond 2^53 lose precision. */
    public double get(int index) {
        int p = index * type.byteSize();
        switch (type) {
            case U1: return bytes[p] & 0xFF;
            case I1: return bytes[p];
            case U2: return (bytes[p] & 0xFF) | (bytes[p + 1] & 0xFF) << 8;
            case I2: return (short) ((bytes[p] & 0xFF) | (bytes[p + 1] & 0xFF) << 8);
            case U4: return int32(p) & 0xFFFFFFFFL;
            case I4: return int32(p);
            case I8: return int64(p);
            case U8: {
                long v = int64(p);
                return v >= 0 ? v : (double) (v >>> 1) * 2.0 + (v & 1);
            }
            case F4: return Float.intBitsToFloat(int32(p));
            default: return Double.longBitsToDouble(int64(p));
        }
    }

    /** Value {@code index} as a long (integer types only; u8 above 2^63 wraps). */
    public long getLong(int index) {
        int p = index * type.byteSize();
        switch (type) {
            case U4: return int32(p) & 0xFFFFFFFFL;
            case I8: case U8: return int64(p);
            case F4: case F8: throw new IllegalStateException("getLong on floating type " + type);
            default: return (long) get(index);
        }
    }

    private int int32(int p) {
        return (bytes[p] & 0xFF) | (bytes[p + 1] & 0xFF) << 8 | (bytes[p + 2] & 0xFF) << 16 | (bytes[p + 3] & 0xFF) << 24;
    }

    private long int64(int p) {
        return (int32(p) & 0xFFFFFFFFL) | (long) int32(p + 4) << 32;
    }

    /** SHA-256 of {@link #bytes()} as lower-case hex: the {@code stored_sha256} of reference manifests. */
    public String sha256() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    @Override
    public String toString() {
        return "StoredArray(" + type + ", shape=" + Arrays.toString(shape) + ")";
    }
}
