package org.vesalius.data;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vesalius.tensor.Tensor;
import org.vesalius.testing.ReaderFuzz;
import org.vesalius.testing.ReaderFuzz.Field;
import org.vesalius.testing.ReaderFuzz.Seed;

/**
 * Damaged IDX files (every element type, plain and gzipped) read as a tensor or an IOException with a
 * message, within the per-case time limit and a heap bound of {@code 3 x decoded + 3 x plain + 1 MiB}
 * allocated per case: the data bytes as read (twice at most: pieces, then joined), the typed array and
 * the fixed buffers — never the size a header claims before the bytes are there.
 */
class IdxFuzzTest {
    static final String BOUND = "3 x decoded + 3 x plain + 1 MiB";

    @TempDir
    Path dir;

    static byte[] labels() throws IOException {
        try (InputStream in = new GZIPInputStream(IdxFuzzTest.class.getResourceAsStream("/mnist-10k/labels-idx1-ubyte.gz"))) {
            return in.readAllBytes();
        }
    }

    /** An IDX file of element type {@code type} holding {@code values} as {@code [rows, cols]}. */
    static byte[] idx(int type, int width, long[] values, int rows, int cols) {
        ByteBuffer b = ByteBuffer.allocate(12 + values.length * width); // big-endian, as IDX is
        b.put((byte) 0).put((byte) 0).put((byte) type).put((byte) 2).putInt(rows).putInt(cols);
        for (long v : values) {
            switch (type) {
                case 0x08: case 0x09: b.put((byte) v); break;
                case 0x0B: b.putShort((short) (v * 1000 - 4000)); break;
                case 0x0C: b.putInt((int) (v * 100000 - 400000)); break;
                case 0x0D: b.putFloat(v * 0.25f); break;
                default: b.putDouble(v / 3.0);
            }
        }
        return b.array();
    }

    static List<Field> fields(byte[] b) {
        List<Field> f = new ArrayList<>();
        f.add(Field.integer("magic zeros", 0, 2, true));
        f.add(Field.integer("element type", 2, 1, true));
        f.add(Field.integer("rank", 3, 1, true));
        for (int i = 0; i < (b[3] & 0xFF); i++) {
            f.add(Field.integer("dim[" + i + "]", 4 + 4 * i, 4, true));
        }
        return f;
    }

    static List<Seed> seeds() throws IOException {
        byte[] labels = labels();
        List<Seed> seeds = new ArrayList<>();
        seeds.add(new Seed("labels-idx1-ubyte.gz", labels, fields(labels), ReaderFuzz::gzip));
        long[] first = new long[48];
        for (int i = 0; i < first.length; i++) {
            first[i] = labels[8 + i];
        }
        int[][] types = {{0x08, 1}, {0x09, 1}, {0x0B, 2}, {0x0C, 4}, {0x0D, 4}, {0x0E, 8}};
        for (int[] t : types) {
            byte[] b = idx(t[0], t[1], first, 6, 8);
            seeds.add(new Seed(String.format("labels as type 0x%02X [6, 8]", t[0]), b, fields(b)));
        }
        return seeds;
    }

    static ReaderFuzz<Tensor> fuzz(long seed) throws IOException {
        ReaderFuzz<Tensor> fuzz = ReaderFuzz.of("IDX", seed, (input, name) -> Idx.read(new ByteArrayInputStream(input)),
                t -> ReaderFuzz.describeTensors(List.of(t)))
                .heapBound(BOUND, (input, plain, decoded) -> 3 * decoded + 3 * plain + (1 << 20)).headerBytes(64);
        seeds().forEach(fuzz::seed);
        return fuzz;
    }

    @Test
    void damagedFilesReadOrFailCleanly() throws IOException {
        fuzz(60000L).run(1000);
    }

    @Test
    void everyTruncationFails() throws IOException {
        fuzz(4L).truncations(100);
    }

    /** Regression: the data's size came from the header and was allocated at once (up to 2 GiB). */
    @Test
    void aHeaderClaimingAGigabyteInATwentyByteFileAllocatesNothingLikeIt() throws IOException {
        byte[] b = {0, 0, 0x08, 2, 0, 0, (byte) 0x80, 0, 0, 0, (byte) 0x80, 0, 1, 2, 3, 4, 5, 6, 7, 8}; // 32768 x 32768
        ReaderFuzz.Measured m = ReaderFuzz.measure(() -> Idx.read(new ByteArrayInputStream(b)));
        IOException e = assertInstanceOf(IOException.class, m.thrown());
        assertTrue(e.getMessage().contains("expected 1073741824 bytes") && e.getMessage().contains("only 8 bytes were left"),
                e.getMessage());
        assertTrue(m.bytes() < 1 << 20, m.bytes() + " bytes allocated");
        m = ReaderFuzz.measure(() -> Idx.read(new ByteArrayInputStream(ReaderFuzz.gzip(b))));
        assertInstanceOf(IOException.class, m.thrown());
        assertTrue(m.bytes() < 1 << 20, m.bytes() + " bytes allocated (gzip)");
        Path p = dir.resolve("lying.idx");
        Files.write(p, b);
        m = ReaderFuzz.measure(() -> Idx.read(p));
        e = assertInstanceOf(IOException.class, m.thrown());
        assertTrue(e.getMessage().contains("but the file has only 8 bytes after its 12-byte header"), e.getMessage());
        assertTrue(m.bytes() < 1 << 20, m.bytes() + " bytes allocated");
    }

    /** Regression: bytes after the data were counted to the end of the stream, inflating a gzip bomb whole. */
    @Test
    void aGzipBombAfterTheDataIsStoppedEarly() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(new byte[] {0, 0, 0x08, 1, 0, 0, 0, 2, 7, 9});
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 64; i++) { // 64 MiB of zeros, about 64 KiB compressed
                gz.write(zeros);
            }
        }
        IOException e = assertInstanceOf(IOException.class,
                ReaderFuzz.measure(() -> Idx.read(new ByteArrayInputStream(out.toByteArray()))).thrown());
        assertTrue(e.getMessage().contains("more than 65536 bytes follow the 2 data bytes"), e.getMessage());
    }

    /** Regression (found by the fuzz test): a gzip trailer cut short was an EOFException without a message. */
    @Test
    void aGzipStreamCutInItsTrailerIsAnIOExceptionWithAMessage() throws IOException {
        byte[] gz = ReaderFuzz.gzip(labels());
        byte[] cut = java.util.Arrays.copyOf(gz, gz.length - 3);
        IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                () -> Idx.read(new ByteArrayInputStream(cut)));
        assertTrue(e.getMessage() != null && e.getMessage().startsWith("IDX stream: the gzip stream is truncated or corrupt"),
                String.valueOf(e.getMessage()));
    }
}
