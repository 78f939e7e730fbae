package org.vesalius.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Tensor;

class IdxTest {
    @TempDir
    Path dir;

    @Test
    void readsTheBundledMnistLabels() throws IOException, URISyntaxException {
        Tensor fromStream;
        try (InputStream in = IdxTest.class.getResourceAsStream("/mnist-10k/labels-idx1-ubyte.gz")) {
            fromStream = Idx.read(in);
        }
        assertEquals(DType.UINT8, fromStream.dtype());
        assertArrayEquals(new int[] {10000}, fromStream.shape());
        long[] labels = fromStream.toLongArray();
        // the classes are interleaved round-robin until the rarest (5) runs out at sample 8635
        for (int i = 0; i < 8635; i++) {
            assertEquals(i % 10, labels[i], "sample " + i);
        }
        int[] counts = new int[10];
        for (long l : labels) {
            counts[(int) l]++;
        }
        assertArrayEquals(new int[] {1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978}, counts);
        Path file = Path.of(IdxTest.class.getResource("/mnist-10k/labels-idx1-ubyte.gz").toURI());
        assertTrue(Idx.read(file).equal(fromStream));
    }

    @Test
    void writesTheDocumentedLayout() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Idx.write(Tensor.of(new byte[] {1, 2, 3, 4, 5, (byte) 255}, 2, 3), out);
        assertArrayEquals(new byte[] {0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, (byte) 255}, out.toByteArray());
        out.reset();
        Idx.write(Tensor.of(new float[] {1.5f}, 1), out);
        // 1.5f = 0x3FC00000, big-endian
        assertArrayEquals(new byte[] {0, 0, 0x0D, 1, 0, 0, 0, 1, 0x3F, (byte) 0xC0, 0, 0}, out.toByteArray());
    }

    @Test
    void roundTripsEveryWritableDtypePlainAndGzipped() throws IOException {
        Tensor[] tensors = {
            Tensor.of(new byte[] {0, 7, (byte) 200, (byte) 255, 1, 2}, 3, 2),
            Tensor.of(new int[] {-5, 0, Integer.MAX_VALUE, Integer.MIN_VALUE}, 2, 2),
            Tensor.of(new float[] {1.25f, -0f, Float.NaN, 3e-39f, 7}, 5),
            Tensor.of(new double[] {Math.PI, -1e300, 0.1, 2, 3, 4, 5, 6}, 2, 2, 2),
        };
        for (Tensor t : tensors) {
            for (String name : new String[] {"t.idx", "t.idx.gz"}) {
                Path p = dir.resolve(t.dtype() + name);
                Idx.write(t, p);
                Tensor back = Idx.read(p);
                assertEquals(t.dtype(), back.dtype());
                assertArrayEquals(t.shape(), back.shape());
                assertArrayEquals(t.toDoubleArray(), back.toDoubleArray(), 0, t.dtype() + " " + name);
                assertEquals(name.endsWith(".gz"), (Files.readAllBytes(p)[0] & 0xff) == 0x1f);
            }
        }
        Path p = dir.resolve("labels.idx");
        Idx.write(Tensor.of(new long[] {3, -1, 9}), p);
        Tensor back = Idx.read(p);
        assertEquals(DType.INT32, back.dtype(), "int64 is stored as IDX int");
        assertArrayEquals(new long[] {3, -1, 9}, back.toLongArray());
    }

    @Test
    void readsSignedBytesAndShortsAsInt32() throws IOException {
        byte[] sbyte = {0, 0, 0x09, 1, 0, 0, 0, 3, -1, 127, -128};
        Tensor a = Idx.read(new ByteArrayInputStream(sbyte));
        assertEquals(DType.INT32, a.dtype());
        assertArrayEquals(new long[] {-1, 127, -128}, a.toLongArray());
        byte[] shorts = {0, 0, 0x0B, 2, 0, 0, 0, 1, 0, 0, 0, 2, (byte) 0xFF, (byte) 0xFE, 0x01, 0x00};
        Tensor b = Idx.read(new ByteArrayInputStream(shorts));
        assertArrayEquals(new int[] {1, 2}, b.shape());
        assertArrayEquals(new long[] {-2, 256}, b.toLongArray());
    }

    @Test
    void truncatedFilesNameExpectedAndActualByteCounts() throws IOException {
        Path p = dir.resolve("img.idx");
        Idx.write(Tensor.zeros(DType.UINT8, 10, 28, 28), p);
        byte[] full = Files.readAllBytes(p);
        Files.write(p, Arrays.copyOf(full, full.length - 100));
        IOException e = assertThrows(IOException.class, () -> Idx.read(p));
        assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains("expected 7840 bytes")
                && e.getMessage().contains("only 7740"), e.getMessage());
        assertTrue(e.getMessage().contains(p.toString()), "names the file: " + e.getMessage());

        // a gzip stream cut short
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
            z.write(full);
        }
        byte[] cut = Arrays.copyOf(gz.toByteArray(), gz.size() / 2);
        e = assertThrows(IOException.class, () -> Idx.read(new ByteArrayInputStream(cut)));
        assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains("expected"), e.getMessage());

        e = assertThrows(IOException.class, () -> Idx.read(new ByteArrayInputStream(new byte[] {0, 0, 8, 3, 0, 0})));
        assertTrue(e.getMessage().contains("expected 12 bytes") && e.getMessage().contains("only 2"), e.getMessage());
    }

    @Test
    void garbageIsRejectedWithTheReason() {
        IOException e = assertThrows(IOException.class,
                () -> Idx.read(new ByteArrayInputStream("hello, world".getBytes())));
        assertTrue(e.getMessage().contains("not an IDX file"), e.getMessage());
        e = assertThrows(IOException.class, () -> Idx.read(new ByteArrayInputStream(new byte[] {0, 0, 0x0A, 1, 0, 0, 0, 1, 5})));
        assertTrue(e.getMessage().contains("0x0a"), e.getMessage());
        e = assertThrows(IOException.class, () -> Idx.read(new ByteArrayInputStream(new byte[] {0, 0, 8, 1, 0, 0, 0, 1, 5, 6, 7})));
        assertTrue(e.getMessage().contains("2 bytes follow"), e.getMessage());
        e = assertThrows(IOException.class, () -> Idx.read(new ByteArrayInputStream(new byte[] {0, 0, 8, 1, -1, 0, 0, 0})));
        assertTrue(e.getMessage().contains("negative size"), e.getMessage());
    }

    @Test
    void failedWritesLeaveExistingFilesAlone() throws IOException {
        Path p = dir.resolve("keep.idx");
        Files.write(p, new byte[] {42});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Idx.write(Tensor.of(new long[] {1, 1L << 40}), p));
        assertTrue(e.getMessage().contains("1099511627776"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Idx.write(Tensor.of(new boolean[] {true}), p));
        assertTrue(e.getMessage().contains("bool") && e.getMessage().contains("uint8"), e.getMessage());
        assertArrayEquals(new byte[] {42}, Files.readAllBytes(p));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file is left behind");
        }
        assertFalse(Files.exists(dir.resolve("other.idx")));
    }
}
