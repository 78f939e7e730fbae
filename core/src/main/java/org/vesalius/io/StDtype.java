package org.vesalius.io;

import org.vesalius.tensor.DType;

/**
 * The element types safetensors names, in the order of the reference implementation's {@code Dtype}
 * enum. That order is what the writer sorts by (descending, so every tensor starts at a multiple of
 * its element size), which is why types Vesalius cannot hold are listed too: they must be
 * recognised in a header so a file that has them can still be opened and its other tensors read.
 */
enum StDtype {
    BOOL(1, DType.BOOL),
    U8(1, DType.UINT8),
    I8(1, null),
    F8_E5M2(1, null),
    F8_E4M3(1, null),
    I16(2, null),
    U16(2, null),
    F16(2, DType.FLOAT16),
    BF16(2, DType.BFLOAT16),
    I32(4, DType.INT32),
    U32(4, null),
    F32(4, DType.FLOAT32),
    F64(8, DType.FLOAT64),
    I64(8, DType.INT64),
    U64(8, null);

    /** The names of the safetensors types that map to a Vesalius dtype, for error messages. */
    static final String SUPPORTED = "F64, F32, F16, BF16, I64, I32, U8, BOOL";

    final int size;
    /** The Vesalius dtype, or null when Vesalius has none. */
    final DType dtype;

    StDtype(int size, DType dtype) {
        this.size = size;
        this.dtype = dtype;
    }

    /** The safetensors type of a Vesalius dtype (every Vesalius dtype has one). */
    static StDtype of(DType dtype) {
        for (StDtype t : values()) {
            if (t.dtype == dtype) {
                return t;
            }
        }
        throw new IllegalStateException("no safetensors type for " + dtype);
    }

    /** The type named {@code name} in a header, or null for a name safetensors does not define. */
    static StDtype parse(String name) {
        for (StDtype t : values()) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        return null;
    }
}
