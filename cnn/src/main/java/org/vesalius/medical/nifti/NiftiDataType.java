package org.vesalius.medical.nifti;

import java.io.IOException;
import org.vesalius.medical.StoredType;

/** NIfTI datatype codes this package reads and writes, with their stored element type. */
public enum NiftiDataType {
    UINT8(2, "uint8", StoredType.U1, 1),
    INT16(4, "int16", StoredType.I2, 1),
    INT32(8, "int32", StoredType.I4, 1),
    FLOAT32(16, "float32", StoredType.F4, 1),
    FLOAT64(64, "float64", StoredType.F8, 1),
    RGB24(128, "RGB", StoredType.U1, 3),
    INT8(256, "int8", StoredType.I1, 1),
    UINT16(512, "uint16", StoredType.U2, 1),
    UINT32(768, "uint32", StoredType.U4, 1),
    INT64(1024, "int64", StoredType.I8, 1),
    UINT64(1280, "uint64", StoredType.U8, 1),
    RGBA32(2304, "RGBA", StoredType.U1, 4);

    private final int code;
    private final String nibabelName;
    private final StoredType stored;
    private final int components;

    NiftiDataType(int code, String nibabelName, StoredType stored, int components) {
        this.code = code;
        this.nibabelName = nibabelName;
        this.stored = stored;
        this.components = components;
    }

    public int code() {
        return code;
    }

    /** nibabel's name for the code, e.g. {@code int16}. */
    public String nibabelName() {
        return nibabelName;
    }

    /** Element type of one component. */
    public StoredType stored() {
        return stored;
    }

    /** Components per voxel: 3 for RGB24, 4 for RGBA32, else 1. */
    public int components() {
        return components;
    }

    /** Bits per voxel (NIfTI's bitpix). */
    public int bitpix() {
        return stored.byteSize() * 8 * components;
    }

    /** The type of a datatype code. @throws IOException for complex, float128 and unknown codes */
    public static NiftiDataType of(int code) throws IOException {
        for (NiftiDataType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        String what = code == 32 || code == 1792 || code == 2048 ? "complex" : code == 1536 ? "float128" : "unknown";
        throw new IOException("NIfTI datatype " + code + " (" + what + ") is not supported; supported: uint8/16/32/64, "
                + "int8/16/32/64, float32, float64, RGB24, RGBA32");
    }
}
