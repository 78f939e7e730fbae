package org.vesalius.medical;

import org.vesalius.tensor.DType;

/**
 * Element type of voxel values exactly as a file stores them (before any rescale), named like NumPy's
 * dtype codes ({@code u1}, {@code i2}, {@code f4}, ...). {@link StoredArray} holds values of this type;
 * {@link #tensorDType()} is the smallest tensor dtype that holds every value exactly.
 */
public enum StoredType {
    U1(1, false, false, "u1"),
    I1(1, true, false, "i1"),
    U2(2, false, false, "u2"),
    I2(2, true, false, "i2"),
    U4(4, false, false, "u4"),
    I4(4, true, false, "i4"),
    U8(8, false, false, "u8"),
    I8(8, true, false, "i8"),
    F4(4, true, true, "f4"),
    F8(8, true, true, "f8");

    private final int byteSize;
    private final boolean signed;
    private final boolean floatingPoint;
    private final String code;

    StoredType(int byteSize, boolean signed, boolean floatingPoint, String code) {
        this.byteSize = byteSize;
        this.signed = signed;
        this.floatingPoint = floatingPoint;
        this.code = code;
    }

    public int byteSize() {
        return byteSize;
    }

    public boolean isSigned() {
        return signed;
    }

    public boolean isFloatingPoint() {
        return floatingPoint;
    }

    /** NumPy's code, e.g. {@code i2}. */
    public String code() {
        return code;
    }

    /** The integer type of the given width (1, 2, 4 or 8 bytes) and signedness. */
    public static StoredType integer(int bytes, boolean signed) {
        switch (bytes) {
            case 1: return signed ? I1 : U1;
            case 2: return signed ? I2 : U2;
            case 4: return signed ? I4 : U4;
            case 8: return signed ? I8 : U8;
            default: throw new IllegalArgumentException("no integer type of " + bytes + " bytes; accepted: 1, 2, 4, 8");
        }
    }

    /**
     * The tensor dtype that holds every value of this type exactly: uint8 for {@code u1}, int32 for
     * {@code i1/u2/i2}, int64 for {@code u4/i4/i8/u8} (u8 above 2^63 wraps), float32/float64 for floats.
     */
    public DType tensorDType() {
        switch (this) {
            case U1: return DType.UINT8;
            case I1: case U2: case I2: return DType.INT32;
            case U4: case I4: case I8: case U8: return DType.INT64;
            case F4: return DType.FLOAT32;
            default: return DType.FLOAT64;
        }
    }

    @Override
    public String toString() {
        return code;
    }
}
