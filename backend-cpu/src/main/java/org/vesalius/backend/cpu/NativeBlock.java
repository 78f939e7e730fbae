package org.vesalius.backend.cpu;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import org.bytedeco.javacpp.Pointer;

/**
 * One 64-byte aligned block of native memory, with the direct ByteBuffer the Java kernels read and
 * write through. Native libraries receive {@link #address()}.
 */
final class NativeBlock {
    static final int ALIGNMENT = 64;

    final Pointer raw;
    final long address;
    final long capacity;
    final ByteBuffer bytes;

    private NativeBlock(Pointer raw, long address, long capacity, ByteBuffer bytes) {
        this.raw = raw;
        this.address = address;
        this.capacity = capacity;
        this.bytes = bytes;
    }

    /** Allocates {@code capacity} bytes (at least 1), aligned for AVX-512 loads. */
    static NativeBlock allocate(long capacity) {
        if (capacity > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("CPU tensors are limited to 2^31-1 bytes (Java buffer indexing); "
                    + "requested " + capacity + " bytes");
        }
        long size = Math.max(capacity, 1);
        Pointer raw = Pointer.malloc(size + ALIGNMENT);
        if (raw == null || raw.isNull()) {
            throw new OutOfMemoryError("native allocation of " + size + " bytes failed");
        }
        long base = raw.address();
        long aligned = (base + ALIGNMENT - 1) & -ALIGNMENT;
        ByteBuffer bb = new Address(aligned, size).asByteBuffer().order(ByteOrder.nativeOrder());
        return new NativeBlock(raw, aligned, size, bb);
    }

    private FloatBuffer floats;
    private DoubleBuffer doubles;
    private LongBuffer longs;
    private IntBuffer ints;
    private ShortBuffer shorts;

    // Views are created once per block; blocks are reused through the allocator's cache.
    FloatBuffer floats() {
        FloatBuffer f = floats;
        return f != null ? f : (floats = bytes.asFloatBuffer());
    }

    DoubleBuffer doubles() {
        DoubleBuffer d = doubles;
        return d != null ? d : (doubles = bytes.asDoubleBuffer());
    }

    LongBuffer longs() {
        LongBuffer l = longs;
        return l != null ? l : (longs = bytes.asLongBuffer());
    }

    IntBuffer ints() {
        IntBuffer i = ints;
        return i != null ? i : (ints = bytes.asIntBuffer());
    }

    ShortBuffer shorts() {
        ShortBuffer s = shorts;
        return s != null ? s : (shorts = bytes.asShortBuffer());
    }

    long address() {
        return address;
    }

    void free() {
        Pointer.free(raw);
    }

    /** A pointer at a fixed address, for handing to JavaCPP without ownership. */
    static final class Address extends Pointer {
        Address(long address, long bytes) {
            this.address = address;
            this.limit = bytes;
            this.capacity = bytes;
        }
    }
}
