package org.vesalius.io;


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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;
import org.vesalius.testing.ReaderFuzz;
import org.vesalius.testing.ReaderFuzz.Field;
import org.vesalius.testing.ReaderFuzz.Seed;

/**
 * Damaged safetensors files (the project's two PyTorch-written files and one of every Vesalius dtype)
 * load as tensors or an IOException naming the file, within the per-case time limit and a heap bound of
 * {@code 2 x decoded + 8 x input + 1 MiB} allocated per case: the header and its parse, and one chunk
 * buffer per tensor no larger than the tensor — never a size from the header before the layout has been
 * checked against the file's length. Mutations: truncations, byte edits (half of them JSON characters),
 * the 8-byte header length, and every number of the JSON header (shapes, offsets).
 */
class SafetensorsFuzzTest {
    static final String BOUND = "2 x decoded + 8 x input + 1 MiB";
    private static final byte[] JSON = "{}[]\",:0123456789-+eE. _aF3IUBOLtrufalsn\\".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    private byte[] everyDtype() throws IOException {
        try (Scope s = Scope.open()) {
            Map<String, Tensor> m = new LinkedHashMap<>();
            m.put("w", Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
            m.put("idx", Tensor.of(new long[] {7, 8}));
            m.put("h", Tensor.ones(DType.BFLOAT16, 3));
            m.put("mask", Tensor.of(new boolean[] {true, false, true}));
            m.put("s", Tensor.scalar(2.5));
            m.put("empty", Tensor.zeros(0, 4));
            Path f = dir.resolve("valid.safetensors");
            Safetensors.save(m, Map.of("format", "pt"), f);
            return Files.readAllBytes(f);
        }
    }

    /** The 8-byte header length, and each number in the JSON header as text. */
    static List<Field> fields(byte[] b) {
        List<Field> f = new ArrayList<>();
        f.add(Field.integer("header length", 0, 8, false));
        int n = (int) ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        Matcher m = Pattern.compile("\\d+").matcher(new String(b, 8, n, StandardCharsets.ISO_8859_1));
        while (m.find()) {
            f.add(Field.text("number at header byte " + m.start(), 8 + m.start(), m.end() - m.start()));
        }
        return f;
    }

    ReaderFuzz<Map<String, Tensor>> fuzz(long seed) throws IOException {
        Path file = ReaderFuzz.memoryDirectory(dir).resolve("fuzz.safetensors");
        ReaderFuzz<Map<String, Tensor>> fuzz = ReaderFuzz.of("safetensors", seed, (input, name) -> {
            Files.write(file, input);
            try {
                return Safetensors.load(file);
            } catch (IOException e) {
                if (e.getMessage() == null || !e.getMessage().contains(file.toString())) {
                    throw new IllegalStateException("the IOException does not name the file: " + e, e);
                }
                throw e;
            }
        }, m -> ReaderFuzz.describeTensors(m.values()))
                .heapBound(BOUND, (input, plain, decoded) -> 2 * decoded + 8 * input + (1 << 20)).alphabet(JSON)
                .texts("18446744073709551615", "9223372036854775807", "9223372036854775808", "4294967296", "0.5", "-0");
        List<byte[]> files = List.of(Files.readAllBytes(IoFixtures.resource("all_dtypes.safetensors")),
                Files.readAllBytes(IoFixtures.resource("torch_model.safetensors")),
                everyDtype());
        String[] names = {"all_dtypes.safetensors", "torch_model.safetensors", "every Vesalius dtype"};
        for (int i = 0; i < files.size(); i++) {
            byte[] b = files.get(i);
            fuzz.seed(new Seed(names[i], b, fields(b)));
        }
        return fuzz.headerBytes(1024);
    }

    @Test
    void damagedFilesLoadOrFailCleanly() throws IOException {
        fuzz(7L).run(1000);
    }

    @Test
    void everyTruncationFails() throws IOException {
        fuzz(8L).headerBytes(256).truncations(150);
    }
}
