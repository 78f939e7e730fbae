package org.vesalius.io;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import org.vesalius.autograd.NoGrad;
import org.vesalius.backend.Backend;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/**
 * Moves tensor elements between files (little-endian, row-major) and tensor memory in chunks, so a
 * tensor of any size passes through a few megabytes of heap rather than a byte array of its size.
 */
final class TensorBytes {
    /** Bytes per chunk: large enough that the per-chunk calls do not show, small enough for any heap. */
    static final int CHUNK_BYTES = 1 << 22;

    private TensorBytes() {
    }

    /** The buffers one tensor's transfer reuses for each chunk: bytes and a Java array of its storage type. */
    private static final class Chunks {
        final int size;
        final ByteBuffer buffer;
        final Object array;

        Chunks(DType dtype, int numel) {
            size = Math.min(numel, CHUNK_BYTES / dtype.byteSize());
            buffer = ByteBuffer.allocate(size * dtype.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
            array = Backend.newArray(dtype, size);
        }
    }

    /**
     * Writes {@code t}'s elements row-major and little-endian to {@code out}, whatever its layout and
     * device; gradients are not followed.
     */
    static void write(Tensor t, WritableByteChannel out) throws IOException {
        int n = t.checkedNumel("write");
        if (n == 0) {
            return;
        }
        Chunks c = new Chunks(t.dtype(), n);
        ByteBuffer buf = c.buffer;
        try (NoGrad ng = NoGrad.open(); Scope s = Scope.open()) {
            Tensor flat = t.detach().cpu().contiguous().reshape(n);
            for (int start = 0; start < n; start += c.size) {
                int len = Math.min(c.size, n - start);
                Tensor part = flat.narrow(0, start, len);
                part.backend().read(part, c.array);
                part.close();
                buf.clear();
                encode(c.array, len, buf);
                buf.flip();
                while (buf.hasRemaining()) {
                    out.write(buf);
                }
            }
        }
    }

    /**
     * Fills the contiguous CPU tensor {@code dst} from the bytes at {@code position} of {@code in}.
     *
     * @param where how errors name the tensor ({@code "file: tensor 'name'"})
     * @throws IOException when the file ends early or a BOOL byte is neither 0 nor 1
     */
    static void read(FileChannel in, long position, Tensor dst, String where) throws IOException {
        int n = dst.checkedNumel("read");
        if (n == 0) {
            return;
        }
        Chunks c = new Chunks(dst.dtype(), n);
        ByteBuffer buf = c.buffer;
        int es = dst.dtype().byteSize();
        try (Scope s = Scope.open()) {
            Tensor flat = dst.reshape(n);
            for (int start = 0; start < n; start += c.size) {
                int len = Math.min(c.size, n - start);
                buf.clear().limit(len * es);
                long at = position + (long) start * es;
                while (buf.hasRemaining()) {
                    if (in.read(buf, at + buf.position()) < 0) {
                        throw new EOFException(where + ": the file ended while reading its data (was it truncated "
                                + "while being read?)");
                    }
                }
                buf.flip();
                decode(buf, len, c.array, where, start);
                Tensor part = flat.narrow(0, start, len);
                part.backend().write(c.array, part);
                part.close();
            }
        }
        dst.storage().bumpVersion();
    }

    private static void encode(Object array, int len, ByteBuffer buf) {
        if (array instanceof float[]) {
            buf.asFloatBuffer().put((float[]) array, 0, len);
            buf.position(len * 4);
        } else if (array instanceof double[]) {
            buf.asDoubleBuffer().put((double[]) array, 0, len);
            buf.position(len * 8);
        } else if (array instanceof long[]) {
            buf.asLongBuffer().put((long[]) array, 0, len);
            buf.position(len * 8);
        } else if (array instanceof int[]) {
            buf.asIntBuffer().put((int[]) array, 0, len);
            buf.position(len * 4);
        } else if (array instanceof short[]) {
            buf.asShortBuffer().put((short[]) array, 0, len);
            buf.position(len * 2);
        } else if (array instanceof byte[]) {
            buf.put((byte[]) array, 0, len);
        } else {
            boolean[] b = (boolean[]) array;
            for (int i = 0; i < len; i++) {
                buf.put((byte) (b[i] ? 1 : 0));
            }
        }
    }

    private static void decode(ByteBuffer buf, int len, Object array, String where, int first) throws IOException {
        if (array instanceof float[]) {
            buf.asFloatBuffer().get((float[]) array, 0, len);
        } else if (array instanceof double[]) {
            buf.asDoubleBuffer().get((double[]) array, 0, len);
        } else if (array instanceof long[]) {
            buf.asLongBuffer().get((long[]) array, 0, len);
        } else if (array instanceof int[]) {
            buf.asIntBuffer().get((int[]) array, 0, len);
        } else if (array instanceof short[]) {
            buf.asShortBuffer().get((short[]) array, 0, len);
        } else if (array instanceof byte[]) {
            buf.get((byte[]) array, 0, len);
        } else {
            boolean[] b = (boolean[]) array;
            for (int i = 0; i < len; i++) {
                byte v = buf.get(i);
                if (v != 0 && v != 1) {
                    throw new IOException(where + ": element " + (first + i) + " of the BOOL tensor is the byte "
                            + (v & 0xFF) + ", but a BOOL byte must be 0 or 1");
                }
                b[i] = v == 1;
            }
        }
    }
}
