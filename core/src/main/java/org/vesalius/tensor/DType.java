package org.vesalius.tensor;

/**
 * Element types of a {@link Tensor}, with PyTorch's names and promotion rules.
 *
 * <p>Floating types do the math; {@code FLOAT16} and {@code BFLOAT16} are storage types on the CPU
 * (computed in float32, as PyTorch does on CPUs without native half arithmetic). Integer types hold
 * indices and labels, {@code UINT8} images, {@code BOOL} masks.
 */
public enum DType {
    FLOAT32(4, true, "float32"),
    FLOAT64(8, true, "float64"),
    FLOAT16(2, true, "float16"),
    BFLOAT16(2, true, "bfloat16"),
    INT64(8, false, "int64"),
    INT32(4, false, "int32"),
    UINT8(1, false, "uint8"),
    BOOL(1, false, "bool");

    private final int byteSize;
    private final boolean floatingPoint;
    private final String pytorchName;

    DType(int byteSize, boolean floatingPoint, String pytorchName) {
        this.byteSize = byteSize;
        this.floatingPoint = floatingPoint;
        this.pytorchName = pytorchName;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** True for float32, float64, float16 and bfloat16. */
    public boolean isFloatingPoint() {
        return floatingPoint;
    }

    /** True for int64, int32 and uint8 (not bool). */
    public boolean isIntegral() {
        return !floatingPoint && this != BOOL;
    }

    /** The name PyTorch prints, e.g. {@code float32}. */
    public String pytorchName() {
        return pytorchName;
    }

    @Override
    public String toString() {
        return pytorchName;
    }

    /**
     * The dtype of a binary op's result, as {@code torch.promote_types}: floating beats integral beats
     * bool; among floats the wider wins (float16 with bfloat16 gives float32); among integers the wider.
     */
    public static DType promote(DType a, DType b) {
        if (a == b) {
            return a;
        }
        if (a.floatingPoint != b.floatingPoint) {
            return a.floatingPoint ? a : b;
        }
        if (a.floatingPoint) {
            if (a == FLOAT64 || b == FLOAT64) {
                return FLOAT64;
            }
            return FLOAT32; // the remaining mixes: f32 with a half type, or f16 with bf16
        }
        return rank(a) >= rank(b) ? a : b;
    }

    private static int rank(DType t) {
        switch (t) {
            case BOOL: return 0;
            case UINT8: return 1;
            case INT32: return 2;
            case INT64: return 3;
            default: return 4;
        }
    }
}
