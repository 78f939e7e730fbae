package org.vesalius.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/**
 * Safetensors files: every dtype and layout round-trips exactly, files are byte for byte what the
 * reference implementation writes, headers can be read without the data, a failed write leaves the old
 * file, and every kind of damaged or foreign file gives an IOException that says what is wrong.
 */
class SafetensorsTest {
    @TempDir
    Path dir;

    /** A tensor of the 16-bit float dtype {@code dtype} holding the raw bits {@code bits}. */
    static Tensor halfBits(DType dtype, short[] bits, int... shape) {
        Tensor t = Tensor.empty(dtype, shape);
        t.backend().write(bits, t);
        return t;
    }

    /** The raw bits of a contiguous 16-bit float tensor. */
    static short[] bitsOf16(Tensor t) {
        Tensor c = t.contiguous();
        short[] s = new short[c.checkedNumel("bitsOf16")];
        c.backend().read(c, s);
        return s;
    }

    /** Asserts {@code b} has {@code a}'s dtype, shape and elements, bit for bit. */
    static void assertSameTensor(Tensor a, Tensor b, String name) {
        assertEquals(a.dtype(), b.dtype(), name);
        assertArrayEquals(a.shape(), b.shape(), name);
        switch (a.dtype()) {
            case FLOAT32: {
                float[] x = a.toFloatArray();
                float[] y = b.toFloatArray();
                for (int i = 0; i < x.length; i++) {
                    assertEquals(Float.floatToRawIntBits(x[i]), Float.floatToRawIntBits(y[i]), name + "[" + i + "]");
                }
                break;
            }
            case FLOAT64: {
                double[] x = a.toDoubleArray();
                double[] y = b.toDoubleArray();
                for (int i = 0; i < x.length; i++) {
                    assertEquals(Double.doubleToRawLongBits(x[i]), Double.doubleToRawLongBits(y[i]), name + "[" + i + "]");
                }
                break;
            }
            case FLOAT16: case BFLOAT16:
                assertArrayEquals(bitsOf16(a), bitsOf16(b), name);
                break;
            case BOOL:
                assertArrayEquals(a.toBooleanArray(), b.toBooleanArray(), name);
                break;
            default:
                assertArrayEquals(a.toLongArray(), b.toLongArray(), name);
        }
    }

    /** One tensor of every dtype with edge values, a scalar and an empty tensor. */
    static Map<String, Tensor> everyDtype() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("f32", Tensor.of(new float[] {0f, -0f, 1.5f, Float.MIN_VALUE, Float.MAX_VALUE, Float.NaN,
            Float.NEGATIVE_INFINITY, 3e-39f}, 2, 4));
        m.put("f64", Tensor.of(new double[] {1.0 / 3, -1e300, Double.MIN_VALUE, Double.POSITIVE_INFINITY, -0.0, Double.NaN},
                3, 2));
        m.put("f16", halfBits(DType.FLOAT16, new short[] {0x3C00, (short) 0xC100, 0x7BFF, 0x0001, 0x7C00, 0x7E00}, 6));
        m.put("bf16", halfBits(DType.BFLOAT16, new short[] {0x3F80, (short) 0xC020, 0x7F7F, 0x000B}, 2, 2));
        m.put("i64", Tensor.of(new long[] {0, -1, Long.MIN_VALUE, Long.MAX_VALUE}, 4));
        m.put("i32", Tensor.of(new int[] {0, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, 7, 8}, 1, 2, 3));
        m.put("u8", Tensor.of(new byte[] {0, 1, 127, (byte) 128, (byte) 255}, 5));
        m.put("bool", Tensor.of(new boolean[] {true, false, false, true, true, false}, 3, 2));
        m.put("scalar", Tensor.scalar(7.5));
        m.put("empty", Tensor.zeros(DType.INT64, 0, 3));
        return m;
    }

    @Test
    void everyDtypeRoundTripsBitForBit() throws IOException {
        try (Scope s = Scope.open()) {
            Map<String, Tensor> in = everyDtype();
            Path f = dir.resolve("all.safetensors");
            Safetensors.save(in, f);
            Map<String, Tensor> out = Safetensors.load(f);
            assertEquals(in.keySet(), out.keySet());
            for (String k : in.keySet()) {
                assertSameTensor(in.get(k), out.get(k), k);
            }
        }
    }

    @Test
    void nonContiguousTensorsAreWrittenAsTheirValues() throws IOException {
        try (Scope s = Scope.open()) {
            Tensor base = Tensor.arange(0, 24, 1, DType.FLOAT32).reshape(2, 3, 4);
            Map<String, Tensor> in = new LinkedHashMap<>();
            in.put("transposed", base.select(0, 1).t());                       // [4, 3], strides (1, 4)
            in.put("permuted", base.permute(2, 0, 1));                          // [4, 2, 3]
            in.put("expanded", Tensor.of(new float[] {1, 2, 3}).expand(4, 3)); // stride 0
            in.put("stepped", base.slice(2, 1, 4, 2));                          // every other column
            in.put("narrowed", base.narrow(1, 1, 2).to(DType.FLOAT16));
            Tensor leaf = Tensor.ones(2, 2).requiresGrad_(true);
            in.put("graph", leaf.mul(3.0));                                     // part of an autograd graph
            Path f = dir.resolve("views.safetensors");
            Safetensors.save(in, f);
            Map<String, Tensor> out = Safetensors.load(f);
            for (Map.Entry<String, Tensor> e : in.entrySet()) {
                assertSameTensor(e.getValue().detach().contiguous(), out.get(e.getKey()), e.getKey());
            }
            assertArrayEquals(new float[] {13, 17, 21, 14, 18, 22, 15, 19, 23, 16, 20, 24},
                    out.get("transposed").add(1).toFloatArray());
        }
    }

    /** The byte vectors of the reference implementation's serialization tests (safetensors/src/tensor.rs). */
    @Test
    void writesWhatTheReferenceImplementationWrites() throws IOException {
        try (Scope s = Scope.open()) {
            float[] values = {0, 1, 2, 3, 4, 5};
            byte[] data = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putFloat(0).putFloat(1).putFloat(2)
                    .putFloat(3).putFloat(4).putFloat(5).array();
            Path f = dir.resolve("a.safetensors");

            Safetensors.save(Map.of("attn.0", Tensor.of(values, 1, 2, 3)), f);
            assertArrayEquals(file(64, "{\"attn.0\":{\"dtype\":\"F32\",\"shape\":[1,2,3],\"data_offsets\":[0,24]}}",
                    data), Files.readAllBytes(f));

            // a 65-byte JSON is padded with 7 spaces, so the data starts 8-byte aligned
            Safetensors.save(Map.of("attn0", Tensor.of(values, 1, 1, 2, 3)), f);
            assertArrayEquals(file(72, "{\"attn0\":{\"dtype\":\"F32\",\"shape\":[1,1,2,3],\"data_offsets\":[0,24]}}",
                    data), Files.readAllBytes(f));

            Safetensors.save(Map.of(), f);
            assertArrayEquals(file(8, "{}", new byte[0]), Files.readAllBytes(f));

            Safetensors.save(Map.of(), Map.of("framework", "pt"), f);
            assertArrayEquals(file(40, "{\"__metadata__\":{\"framework\":\"pt\"}}", new byte[0]), Files.readAllBytes(f));
        }
    }

    /** Header length, JSON padded with spaces to that length, data. */
    private static byte[] file(int headerLength, String json, byte[] data) {
        byte[] j = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + headerLength + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(headerLength).put(j);
        for (int i = j.length; i < headerLength; i++) {
            b.put((byte) ' ');
        }
        return b.put(data).array();
    }

    @Test
    void tensorsAreSortedByAlignmentThenNameAndAligned() throws IOException {
        try (Scope s = Scope.open()) {
            Map<String, Tensor> in = new LinkedHashMap<>();
            in.put("b", Tensor.of(new boolean[] {true, false, true}));
            in.put("z", Tensor.of(new float[] {1, 2, 3}));
            in.put("a", Tensor.of(new byte[] {1}));
            in.put("h", Tensor.ones(DType.FLOAT16, 3));
            in.put("y", Tensor.of(new double[] {1}));
            in.put("x", Tensor.of(new long[] {1, 2}));
            in.put("\u00e9", Tensor.of(new float[] {1})); // after "z" by code point
            in.put("A", Tensor.of(new float[] {1}));
            Path f = dir.resolve("order.safetensors");
            Safetensors.save(in, f);
            try (SafetensorsFile sf = Safetensors.open(f)) {
                assertEquals(List.of("x", "y", "A", "z", "\u00e9", "h", "a", "b"), sf.names());
                long headerLength = ByteBuffer.wrap(Files.readAllBytes(f), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
                assertEquals(0, headerLength % 8);
                for (TensorInfo t : sf.tensors().values()) {
                    assertEquals(0, (8 + headerLength + t.begin()) % t.dtype().byteSize(), t.name() + " is aligned");
                }
            }
            assertEquals(List.of("x", "y", "A", "z", "\u00e9", "h", "a", "b"), new ArrayList<>(Safetensors.load(f).keySet()));
        }
    }

    @Test
    void openReadsTheHeaderAndSingleTensors() throws IOException {
        try (Scope s = Scope.open()) {
            Path f = dir.resolve("m.safetensors");
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("format", "pt");
            meta.put("epoch", "3");
            Safetensors.save(everyDtype(), meta, f);
            assertEquals(meta, Safetensors.readMetadata(f));
            try (SafetensorsFile sf = Safetensors.open(f)) {
                assertEquals(meta, sf.metadata());
                TensorInfo i32 = sf.info("i32");
                assertEquals("I32", i32.safetensorsDtype());
                assertEquals(DType.INT32, i32.dtype());
                assertArrayEquals(new int[] {1, 2, 3}, i32.shape());
                assertEquals(24, i32.byteSize());
                assertEquals(6, i32.numel());
                assertArrayEquals(new int[0], sf.info("scalar").shape());
                assertArrayEquals(new long[] {0, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, 7, 8},
                        sf.load("i32").toLongArray());
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sf.load("nope"));
                assertTrue(e.getMessage().contains("no tensor named 'nope'"), e.getMessage());
            }
            Safetensors.save(Map.of("t", Tensor.ones(1)), f);
            assertEquals(Map.of(), Safetensors.readMetadata(f));
        }
    }

    @Test
    void badNamesAreRejectedBeforeWriting() throws IOException {
        try (Scope s = Scope.open()) {
            Path f = dir.resolve("x.safetensors");
            Map<String, Tensor> reserved = Map.of("__metadata__", Tensor.ones(1));
            assertThrows(IllegalArgumentException.class, () -> Safetensors.save(reserved, f));
            Map<String, Tensor> nullTensor = new LinkedHashMap<>();
            nullTensor.put("a", null);
            assertThrows(IllegalArgumentException.class, () -> Safetensors.save(nullTensor, f));
            IOException e = assertThrows(IOException.class,
                    () -> Safetensors.save(Map.of("a", Tensor.ones(1)), dir.resolve("missing/x.safetensors")));
            assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
            IoFixtures.assertFiles(dir);
        }
    }

    @Test
    void aWriteThatFailsMidwayLeavesTheOldFileAndNoTemporaryFile() throws IOException {
        try (Scope s = Scope.open()) {
            Path f = dir.resolve("w.safetensors");
            Safetensors.save(Map.of("w", Tensor.ones(1000)), f);
            byte[] before = Files.readAllBytes(f);

            Map<String, Tensor> in = new LinkedHashMap<>();
            in.put("a", Tensor.zeros(100_000)); // written before the failure (1 << 22 bytes and more)
            Tensor closed = Tensor.ones(10);
            closed.close();
            in.put("z", closed);                 // sorted last: its data is read after "a" was written
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Safetensors.save(in, f));
            assertTrue(e.getMessage().contains("tensor 'z'") && e.getMessage().contains("closed"), e.getMessage());
            assertArrayEquals(before, Files.readAllBytes(f));
            IoFixtures.assertFiles(dir, "w.safetensors");

            AtomicFile.Writer failing = ch -> {
                ch.write(ByteBuffer.wrap(new byte[4096]));
                throw new IOException("disk full (simulated)");
            };
            IOException io = assertThrows(IOException.class, () -> AtomicFile.write(f, failing));
            assertEquals("disk full (simulated)", io.getMessage());
            assertArrayEquals(before, Files.readAllBytes(f));
            IoFixtures.assertFiles(dir, "w.safetensors");
        }
    }

    // =====================================================================================
    // Damaged and foreign files

    /** Writes a file of an 8-byte length, the header text as given (no padding) and the data bytes. */
    private Path craft(String header, byte[] data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(data);
        Path f = dir.resolve("bad.safetensors");
        Files.write(f, b.array());
        return f;
    }

    /** Asserts that loading {@code f} fails with an IOException that names the file and contains each part. */
    private static IOException assertBad(Path f, String... parts) {
        IOException e = assertThrows(IOException.class, () -> Safetensors.load(f));
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "expected '" + p + "' in: " + e.getMessage());
        }
        return e;
    }

    private static String entry(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin + ","
                + end + "]}";
    }

    @Test
    void damagedHeadersAreReported() throws IOException {
        byte[] d16 = new byte[16];
        assertBad(craft("{" + entry("w", "F32", "[4]", 0, 16) + "}", new byte[10]), "tensor 'w'", "truncated");
        assertBad(craft("{" + entry("w", "F32", "[4]", 0, 16), d16), "not valid safetensors JSON");
        assertBad(craft("{" + entry("w", "F32", "[4]", 0, 16) + ",}", d16), "not valid safetensors JSON");
        assertBad(craft("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}} x", d16), "not valid");
        assertBad(craft("{" + entry("w", "F32", "[2,3]", 0, 20) + "}", new byte[20]), "tensor 'w'", "needs 24 bytes",
                "span 20");
        assertBad(craft("{" + entry("a", "F32", "[4]", 0, 16) + "," + entry("b", "F32", "[2]", 8, 16) + "}", d16),
                "overlaps");
        assertBad(craft("{" + entry("a", "F32", "[2]", 0, 8) + "," + entry("b", "F32", "[1]", 12, 16) + "}", d16),
                "[8, 12) belong to no tensor");
        assertBad(craft("{" + entry("a", "F32", "[2]", 0, 8) + "}", d16), "8 bytes at the end belong to no tensor");
        assertBad(craft("{" + entry("a", "F32", "[2]", 8, 0) + "}", new byte[8]), "end before they begin");
        assertBad(craft("{" + entry("a", "F7", "[4]", 0, 16) + "}", d16), "tensor 'a'", "unknown dtype 'F7'");
        assertBad(craft("{" + entry("a", "F32", "[-4]", 0, 16) + "}", d16), "non-negative");
        assertBad(craft("{" + entry("a", "F32", "[4.5]", 0, 16) + "}", d16), "integers");
        assertBad(craft("{" + entry("a", "F32", "[4]", 0, 16) + "," + entry("a", "F32", "[4]", 0, 16) + "}", d16),
                "appears twice");
        assertBad(craft("{\"a\":{\"dtype\":\"F32\",\"shape\":[4]}}", d16), "lacks data_offsets");
        assertBad(craft("{\"__metadata__\":{\"epoch\":3}}", new byte[0]), "'epoch' must be a string");
        assertBad(craft("{" + entry("a", "F32", "[2147483647,2147483647,2147483647]", 0, 16) + "}", d16), "overflows");
        assertBad(craft("[]", new byte[0]), "does not start with '{'");
        assertBad(craft("{\"a\":\"\u00ff\"}".replace('\u00ff', '\ufffd'), new byte[0]), "header entry must be an object");
        Path f = craft("{" + entry("a", "I8", "[4]", 0, 4) + "}", new byte[4]);
        try (SafetensorsFile sf = Safetensors.open(f)) {           // types Vesalius lacks are listed ...
            assertEquals(null, sf.info("a").dtype());
        }
        assertBad(f, "tensor 'a' has dtype I8", "no dtype");  // ... but not loaded
        assertBad(craft("{" + entry("b", "BOOL", "[2]", 0, 2) + "}", new byte[] {1, 2}), "BOOL", "must be 0 or 1");
    }

    @Test
    void badHeaderLengthsAreReportedWithoutAllocating() throws IOException {
        Path f = dir.resolve("len.safetensors");
        Files.write(f, ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 62).array());
        assertBad(f, "header length is 4611686018427387904 bytes", "more than the 100000000");
        Files.write(f, ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putLong(-1).array());
        assertBad(f, "18446744073709551615");
        Files.write(f, ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putLong(50_000_000).array());
        assertBad(f, "header length is 50000000 bytes, but the file has only 24 bytes", "truncated");
        Files.write(f, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0).array());
        assertBad(f, "too short for a JSON object");
        Files.write(f, new byte[] {1, 2, 3});
        assertBad(f, "has 3 bytes, too few");
        Files.write(f, new byte[0]);
        assertBad(f, "has 0 bytes");
    }

    @Test
    void foreignFilesAreRecognised() throws IOException {
        Path f = dir.resolve("model.pt");
        // the start of what torch.save writes: a zip archive
        Files.write(f, new byte[] {'P', 'K', 3, 4, 0, 0, 8, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 'a', 'r', 'c'});
        assertBad(f, "zip archive", "torch.save", "save_file");
        Files.write(f, new byte[] {(byte) 0x80, 2, (byte) 0x8a, 10, 0x6c, (byte) 0xfc, (byte) 0x9c, 0x46, (byte) 0xf9});
        assertBad(f, "pickle", "save_file");
        Files.write(f, "\u0093NUMPY\u0001\u0000v\u0000{'descr': '<f4'}".getBytes(StandardCharsets.ISO_8859_1));
        assertBad(f, "NumPy");
        Files.write(f, "{\"weights\": [1, 2, 3]}".getBytes(StandardCharsets.UTF_8));
        assertBad(f, "JSON text");
    }
}
