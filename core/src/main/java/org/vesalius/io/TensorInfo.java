package org.vesalius.io;

import java.util.Arrays;
import org.vesalius.tensor.DType;

/**
 * One tensor's entry in a safetensors header: its name, element type, shape and where its bytes lie,
 * read without reading the bytes themselves (see {@link SafetensorsFile#tensors()}).
 *
 * @param name             the tensor's key
 * @param safetensorsDtype the element type as safetensors names it ({@code "F32"}, {@code "BF16"},
 *                         {@code "I8"}, ...)
 * @param shape            the dimensions ({@code []} for a scalar); a copy is kept and handed out
 * @param begin            the offset of the first byte in the data section (after the header)
 * @param end              the offset one past the last byte in the data section
 */
public record TensorInfo(String name, String safetensorsDtype, int[] shape, long begin, long end) {

    public TensorInfo {
        shape = shape.clone();
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    /**
     * The Vesalius dtype, or null for a safetensors type Vesalius has none of (I8, I16, U16, U32, U64
     * and the 8-bit floats): such tensors are listed but cannot be loaded.
     */
    public DType dtype() {
        StDtype t = StDtype.parse(safetensorsDtype);
        return t == null ? null : t.dtype;
    }

    /** Number of elements (the product of the shape; 1 for a scalar). */
    public long numel() {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    /** Size of the tensor's data in bytes. */
    public long byteSize() {
        return end - begin;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && name.equals(t.name) && safetensorsDtype.equals(t.safetensorsDtype)
                && Arrays.equals(shape, t.shape) && begin == t.begin && end == t.end;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + ": " + safetensorsDtype + " " + Arrays.toString(shape) + " bytes [" + begin + ", " + end + ")";
    }
}
