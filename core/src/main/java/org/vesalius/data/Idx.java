package org.vesalius.data;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.vesalius.io.AtomicFile;
import org.vesalius.io.BoundedInput;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Tensor;

/**
 * Reads and writes IDX files, the format of MNIST and its relatives: a 4-byte magic number (two
 * zero bytes, the element type, the number of dimensions), one big-endian int per dimension, then
 * the elements in row-major order, big-endian.
 *
 * <p>Element types and the dtypes they read as: {@code 0x08} unsigned byte → uint8, {@code 0x09}
 * signed byte → int32, {@code 0x0B} short → int32, {@code 0x0C} int → int32, {@code 0x0D} float →
 * float32, {@code 0x0E} double → float64 (Vesalius has no int8 or int16, so those widen to int32).
 * Gzip-compressed files are recognised by their first two bytes, whatever their name.
 */
public final class Idx {
    private static final int GZIP_MAGIC = 0x1f8b;
    /** Trailing bytes are counted up to this many, then reported as "more than" it. */
    private static final long TRAILING_COUNTED = 1 << 16;

    private Idx() {
    }

    /** Reads an IDX file (plain or gzip); MNIST's {@code train-images-idx3-ubyte} gives uint8 {@code [60000, 28, 28]}. */
    public static Tensor read(Path path) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            return read(in, path.toString(), Files.size(path));
        }
    }

    /** Reads one IDX file from {@code in} (plain or gzip), to its end; does not close the stream. */
    public static Tensor read(InputStream in) throws IOException {
        return read(in, "IDX stream", -1);
    }

    /**
     * Reads from {@code raw}, whose length is {@code size} bytes when known (-1 otherwise). The data's
     * size, from the header's dimensions, is checked against a plain file's length before it is read;
     * from a stream (or gzip) it is read as it arrives, so a header that lies costs only the bytes that
     * are there.
     */
    private static Tensor read(InputStream raw, String name, long size) throws IOException {
        try {
            return readChecked(raw, name, size);
        } catch (EOFException | java.util.zip.ZipException e) {
            // a gzip stream cut short or corrupt, found where no length was expected (its header or trailer)
            throw new IOException(name + ": the gzip stream is truncated or corrupt (" + e + ")", e);
        }
    }

    private static Tensor readChecked(InputStream raw, String name, long size) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(raw, 1 << 16);
        buffered.mark(2);
        int b0 = buffered.read();
        int b1 = buffered.read();
        buffered.reset();
        boolean gzip = ((b0 << 8) | b1) == GZIP_MAGIC;
        InputStream in = gzip ? new GZIPInputStream(buffered, 1 << 16) : buffered;

        byte[] magic = readExactly(in, 4, name, "the 4-byte magic number");
        if (magic[0] != 0 || magic[1] != 0) {
            throw new IOException(String.format("%s is not an IDX file: it must start with two zero bytes, got 0x%02x 0x%02x",
                    name, magic[0] & 0xff, magic[1] & 0xff));
        }
        int type = magic[2] & 0xff;
        int elementSize = elementSize(type);
        if (elementSize == 0) {
            throw new IOException(String.format("%s: unknown IDX element type 0x%02x; expected 0x08 (ubyte), 0x09 (byte), "
                    + "0x0B (short), 0x0C (int), 0x0D (float) or 0x0E (double)", name, type));
        }
        int rank = magic[3] & 0xff;
        if (rank == 0) {
            throw new IOException(name + ": the IDX header declares 0 dimensions; expected at least 1");
        }
        ByteBuffer dims = ByteBuffer.wrap(readExactly(in, 4 * rank, name, "the sizes of " + rank + " dimensions"));
        int[] shape = new int[rank];
        long count = 1;
        for (int i = 0; i < rank; i++) {
            shape[i] = dims.getInt();
            if (shape[i] < 0) {
                throw new IOException(name + ": the IDX header declares a negative size " + shape[i] + " for dimension " + i);
            }
            count *= shape[i];
            if (count * elementSize > Integer.MAX_VALUE - 8) {
                throw new IOException(name + ": the IDX header declares shape " + Arrays.toString(shape)
                        + " (so far), more than one tensor can hold (2 GiB)");
            }
        }
        int bytes = (int) (count * elementSize);
        String what = "the data of shape " + Arrays.toString(shape) + " (" + count + " elements of " + elementSize + " bytes)";
        long header = 4 + 4L * rank;
        if (!gzip && size >= 0 && header + bytes > size) {
            throw new IOException(name + " is truncated: expected " + bytes + " bytes for " + what + ", but the file has only "
                    + (size - header) + " bytes after its " + header + "-byte header");
        }
        if (!gzip && size >= 0 && header + bytes < size) {
            throw trailing(name, Long.toString(size - header - bytes), bytes, shape);
        }
        byte[] data = readExactly(in, bytes, name, what);
        long extra = countRest(in);
        if (extra > 0) {
            throw trailing(name, extra > TRAILING_COUNTED ? "more than " + TRAILING_COUNTED : Long.toString(extra), bytes, shape);
        }
        return toTensor(type, data, (int) count, shape);
    }

    private static int elementSize(int type) {
        switch (type) {
            case 0x08: case 0x09: return 1;
            case 0x0B: return 2;
            case 0x0C: case 0x0D: return 4;
            case 0x0E: return 8;
            default: return 0;
        }
    }

    private static Tensor toTensor(int type, byte[] data, int n, int[] shape) {
        ByteBuffer buf = ByteBuffer.wrap(data); // big-endian, as IDX is
        switch (type) {
            case 0x08:
                return Tensor.of(data, shape);
            case 0x09: {
                int[] v = new int[n];
                for (int i = 0; i < n; i++) {
                    v[i] = data[i];
                }
                return Tensor.of(v, shape);
            }
            case 0x0B: {
                int[] v = new int[n];
                for (int i = 0; i < n; i++) {
                    v[i] = buf.getShort();
                }
                return Tensor.of(v, shape);
            }
            case 0x0C: {
                int[] v = new int[n];
                buf.asIntBuffer().get(v);
                return Tensor.of(v, shape);
            }
            case 0x0D: {
                float[] v = new float[n];
                buf.asFloatBuffer().get(v);
                return Tensor.of(v, shape);
            }
            default: {
                double[] v = new double[n];
                buf.asDoubleBuffer().get(v);
                return Tensor.of(v, shape);
            }
        }
    }

    /** Reads exactly {@code n} bytes, allocating only as they arrive, or says how many of how many were there. */
    private static byte[] readExactly(InputStream in, int n, String name, String what) throws IOException {
        byte[] b;
        try {
            b = BoundedInput.readUpTo(in, n);
        } catch (EOFException e) {
            // a gzip stream cut short ends with EOFException rather than -1
            throw truncated(name, what, n, -1, e);
        }
        if (b.length < n) {
            throw truncated(name, what, n, b.length, null);
        }
        return b;
    }

    private static IOException truncated(String name, String what, int expected, int actual, Exception cause) {
        return new IOException(name + " is truncated: expected " + expected + " bytes for " + what + ", but "
                + (actual >= 0 ? "only " + actual + " bytes were left" : "fewer were left")
                + (cause != null ? " (the gzip stream ends early: " + cause.getMessage() + ")" : ""), cause);
    }

    private static IOException trailing(String name, String extra, int bytes, int[] shape) {
        return new IOException(name + ": " + extra + " bytes follow the " + bytes + " data bytes the header declares for shape "
                + Arrays.toString(shape) + "; the file is corrupt or not one IDX file");
    }

    /**
     * Bytes left in {@code in}, counted up to just past {@link #TRAILING_COUNTED}: reading on makes a gzip
     * stream check its CRC, and stopping there keeps a gzip bomb from being inflated to its end.
     */
    private static long countRest(InputStream in) throws IOException {
        long n = 0;
        byte[] sink = new byte[8192];
        for (int r; n <= TRAILING_COUNTED && (r = in.read(sink)) > 0; ) {
            n += r;
        }
        return n;
    }

    /**
     * Writes {@code t} as an IDX file, gzip-compressed when the name ends in {@code .gz}; atomically
     * (a temporary file in the same folder, then renamed), so a failure leaves no partial file. Uint8
     * is written as {@code 0x08}, int32 as {@code 0x0C}, float32 as {@code 0x0D}, float64 as
     * {@code 0x0E}; int64 as {@code 0x0C} when every value fits in 32 bits. Written with
     * {@link AtomicFile}.
     */
    public static void write(Tensor t, Path path) throws IOException {
        checkWritable(t);
        boolean gzip = path.getFileName().toString().endsWith(".gz");
        AtomicFile.write(path, channel -> {
            // AtomicFile syncs and closes the channel itself, so the streams on it must not close it
            OutputStream file = new FilterOutputStream(Channels.newOutputStream(channel)) {
                // FilterOutputStream would pass arrays on one byte (one channel write) at a time
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    flush();
                }
            };
            try (OutputStream out = gzip ? new GZIPOutputStream(file, 1 << 16) : file) {
                write(t, out);
            }
        });
    }

    /** Writes {@code t} as IDX (uncompressed) to {@code out}, which stays open; see {@link #write(Tensor, Path)}. */
    public static void write(Tensor t, OutputStream out) throws IOException {
        int type = checkWritable(t);
        int[] shape = t.shape();
        // the elements first: a value that does not fit must fail before anything is written
        ByteBuffer data = ByteBuffer.allocate(t.checkedNumel("Idx.write") * elementSize(type));
        switch (type) {
            case 0x08:
                data.put(t.toByteArray());
                break;
            case 0x0C:
                data.asIntBuffer().put(toInts(t));
                break;
            case 0x0D:
                data.asFloatBuffer().put(t.toFloatArray());
                break;
            default:
                data.asDoubleBuffer().put(t.toDoubleArray());
                break;
        }
        ByteBuffer header = ByteBuffer.allocate(4 + 4 * shape.length);
        header.put((byte) 0).put((byte) 0).put((byte) type).put((byte) shape.length);
        for (int s : shape) {
            header.putInt(s);
        }
        BufferedOutputStream o = new BufferedOutputStream(out, 1 << 16);
        o.write(header.array());
        o.write(data.array());
        o.flush();
    }

    private static int[] toInts(Tensor t) {
        if (t.dtype() == DType.INT32) {
            return t.toIntArray();
        }
        long[] v = t.toLongArray();
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            if (v[i] != (int) v[i]) {
                throw new IllegalArgumentException("Idx.write: int64 value " + v[i] + " at flat index " + i
                        + " does not fit in IDX's 32-bit int");
            }
            out[i] = (int) v[i];
        }
        return out;
    }

    private static int checkWritable(Tensor t) {
        if (t == null) {
            throw new IllegalArgumentException("Idx.write: tensor is null");
        }
        if (t.dim() == 0 || t.dim() > 255) {
            throw new IllegalArgumentException("Idx.write: IDX holds 1 to 255 dimensions, got shape " + Arrays.toString(t.shape()));
        }
        if (t.numel() > (Integer.MAX_VALUE - 8) / t.dtype().byteSize()) {
            throw new IllegalArgumentException("Idx.write: a tensor of shape " + Arrays.toString(t.shape())
                    + " is too large for one IDX file written from Java arrays (2 GiB at most)");
        }
        switch (t.dtype()) {
            case UINT8: return 0x08;
            case INT32: case INT64: return 0x0C;
            case FLOAT32: return 0x0D;
            case FLOAT64: return 0x0E;
            default:
                throw new IllegalArgumentException("Idx.write: IDX has no " + t.dtype() + " elements; accepted dtypes are "
                        + "uint8, int32, int64 (values within 32 bits), float32 and float64");
        }
    }
}
