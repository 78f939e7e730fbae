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
 * write through. Native libraries receive {@link #address()}, which has no size limit.
 *
 * <p>NIO buffers are int-indexed, so one ByteBuffer covers at most 2^31-1 bytes. A larger block (a
 * float32 tensor of more than 2^29 elements: up to 8 GiB, 16 GiB in float64, for the 2^31-1
 * elements a tensor may own) is <em>segmented</em>: {@link #segments} holds consecutive
 * non-owning blocks of {@link #SEGMENT_BYTES} each (the last one shorter), each with its own
 * buffers. Segments are a multiple of every element size, so no element straddles two. Blocks up
 * to 2^31-1 bytes keep a single buffer and no segments, and their typed views are the fast path
 * the kernels use; {@link Access} splits runs of elements at segment boundaries for the rest.
 */
final class NativeBlock {
    static final int ALIGNMENT = 64;
    /** log2 of {@link #SEGMENT_BYTES}. */
    static final int SEGMENT_SHIFT = 30;
    /** Bytes per segment of a segmented block: 1 GiB. */
    static final long SEGMENT_BYTES = 1L << SEGMENT_SHIFT;
    /** The most bytes a block may have: 2^31-1 elements of 8 bytes, rounded up to whole segments (16 GiB). */
    static final long MAX_BYTES = 1L << 34;

    /** The malloc'd pointer this block frees; null for a segment, which belongs to its parent. */
    final Pointer raw;
    final long address;
    final long capacity;
    /** The whole block as one buffer; null when segmented. */
    private final ByteBuffer bytes;
    /** Null for a block of at most 2^31-1 bytes; else its consecutive segments. */
    final NativeBlock[] segments;

    private NativeBlock(Pointer raw, long address, long capacity, ByteBuffer bytes, NativeBlock[] segments) {
        this.raw = raw;
        this.address = address;
        this.capacity = capacity;
        this.bytes = bytes;
        this.segments = segments;
    }

    /** Allocates {@code capacity} bytes (at least 1), aligned for AVX-512 loads. */
    static NativeBlock allocate(long capacity) {
        if (capacity > MAX_BYTES) {
            throw new IllegalArgumentException("CPU storage is limited to " + MAX_BYTES + " bytes (2^31-1 elements of "
                    + "8 bytes); requested " + capacity + " bytes");
        }
        long size = Math.max(capacity, 1);
        Pointer raw = Pointer.malloc(size + ALIGNMENT);
        if (raw == null || raw.isNull()) {
            throw new OutOfMemoryError("native allocation of " + size + " bytes failed");
        }
        long base = raw.address();
        long aligned = (base + ALIGNMENT - 1) & -ALIGNMENT;
        if (size <= Integer.MAX_VALUE) {
            return new NativeBlock(raw, aligned, size, buffer(aligned, size), null);
        }
        NativeBlock[] segments = new NativeBlock[(int) ((size + SEGMENT_BYTES - 1) >>> SEGMENT_SHIFT)];
        for (int k = 0; k < segments.length; k++) {
            long at = aligned + ((long) k << SEGMENT_SHIFT);
            long len = Math.min(SEGMENT_BYTES, size - ((long) k << SEGMENT_SHIFT));
            segments[k] = new NativeBlock(null, at, len, buffer(at, len), null);
        }
        return new NativeBlock(raw, aligned, size, null, segments);
    }

    private static ByteBuffer buffer(long address, long size) {
        return new Address(address, size).asByteBuffer().order(ByteOrder.nativeOrder());
    }

    private FloatBuffer floats;
    private DoubleBuffer doubles;
    private LongBuffer longs;
    private IntBuffer ints;
    private ShortBuffer shorts;

    /** Whether this block is held as segments (more than 2^31-1 bytes). */
    boolean segmented() {
        return segments != null;
    }

    /** The whole block as bytes; refused for a segmented block. */
    ByteBuffer bytes() {
        ByteBuffer b = bytes;
        if (b == null) {
            throw unsegmentedOnly();
        }
        return b;
    }

    // Views are created once per block; blocks are reused through the allocator's cache.
    FloatBuffer floats() {
        FloatBuffer f = floats;
        return f != null ? f : (floats = bytes().asFloatBuffer());
    }

    DoubleBuffer doubles() {
        DoubleBuffer d = doubles;
        return d != null ? d : (doubles = bytes().asDoubleBuffer());
    }

    LongBuffer longs() {
        LongBuffer l = longs;
        return l != null ? l : (longs = bytes().asLongBuffer());
    }

    IntBuffer ints() {
        IntBuffer i = ints;
        return i != null ? i : (ints = bytes().asIntBuffer());
    }

    ShortBuffer shorts() {
        ShortBuffer s = shorts;
        return s != null ? s : (shorts = bytes().asShortBuffer());
    }

    private IllegalStateException unsegmentedOnly() {
        return new IllegalStateException("a native block of " + capacity + " bytes is segmented (more than 2^31-1 "
                + "bytes, which one NIO buffer can index): read and write it through Access, which splits runs at "
                + "segment boundaries, or through its native address");
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
