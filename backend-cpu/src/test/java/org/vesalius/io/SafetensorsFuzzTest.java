package org.vesalius.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/**
 * Damaged input never escapes as anything but an IOException, never hangs and never allocates by a
 * length it read: every truncation of a valid file, random bytes, random bytes behind a plausible
 * header length, and random edits of a valid file's bytes and of its JSON header.
 */
class SafetensorsFuzzTest {
    private static final Duration LIMIT = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    private byte[] validFile() throws IOException {
        try (Scope s = Scope.open()) {
            Map<String, Tensor> m = new LinkedHashMap<>();
            m.put("w", Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
            m.put("idx", Tensor.of(new long[] {7, 8}));
            m.put("h", Tensor.ones(DType.BFLOAT16, 3));
            m.put("mask", Tensor.of(new boolean[] {true, false, true}));
            m.put("s", Tensor.scalar(2.5));
            Path f = dir.resolve("valid.safetensors");
            Safetensors.save(m, Map.of("format", "pt"), f);
            return Files.readAllBytes(f);
        }
    }

    /** Loads {@code bytes} as a file; returns whether it loaded, fails on any exception but IOException. */
    private boolean loads(byte[] bytes, String what) {
        Path f = dir.resolve("fuzz.safetensors");
        try (Scope s = Scope.open()) {
            Files.write(f, bytes);
            Safetensors.load(f);
            try (SafetensorsFile sf = Safetensors.open(f)) {
                sf.metadata();
            }
            return true;
        } catch (IOException e) {
            if (e.getMessage() == null || !e.getMessage().contains(f.toString())) {
                fail(what + ": the IOException does not name the file: " + e);
            }
            return false;
        } catch (RuntimeException | Error e) {
            throw new AssertionError(what + ": " + e + " instead of an IOException for bytes "
                    + Arrays.toString(Arrays.copyOf(bytes, Math.min(bytes.length, 64))), e);
        }
    }

    @Test
    void everyTruncationIsAnIOException() throws IOException {
        byte[] valid = validFile();
        assertTimeoutPreemptively(LIMIT, () -> {
            for (int n = 0; n < valid.length; n++) {
                if (loads(Arrays.copyOf(valid, n), "truncated to " + n + " bytes")) {
                    fail("a file truncated to " + n + " of " + valid.length + " bytes loaded");
                }
            }
        });
        assertEquals(true, loads(valid, "the valid file"));
    }

    @Test
    void randomBytesAreAnIOException() {
        Random r = new Random(42);
        assertTimeoutPreemptively(LIMIT, () -> {
            for (int i = 0; i < 1000; i++) {
                byte[] b = new byte[r.nextInt(300)];
                r.nextBytes(b);
                if (i % 2 == 1 && b.length >= 8) { // a plausible header length, so the JSON parser sees the rest
                    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(r.nextInt(b.length - 7));
                    if (b.length > 8) {
                        b[8] = '{';
                    }
                }
                if (loads(b, "random bytes #" + i)) {
                    fail("random bytes #" + i + " loaded");
                }
            }
        });
    }

    @Test
    void randomEditsAreAnIOExceptionOrAValidFile() throws IOException {
        byte[] valid = validFile();
        int headerEnd = 8 + (int) ByteBuffer.wrap(valid).order(ByteOrder.LITTLE_ENDIAN).getLong();
        byte[] jsonChars = "{}[]\",:0123456789-+eE. _aF3IUBOLtrufalsn\\".getBytes(StandardCharsets.US_ASCII);
        Random r = new Random(7);
        assertTimeoutPreemptively(LIMIT, () -> {
            for (int i = 0; i < 3000; i++) {
                byte[] b = valid.clone();
                int edits = 1 + r.nextInt(3);
                for (int k = 0; k < edits; k++) {
                    if (i % 2 == 0) { // any byte, any value
                        b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                    } else {          // a character of the JSON header, into one JSON is made of
                        b[8 + r.nextInt(headerEnd - 8)] = jsonChars[r.nextInt(jsonChars.length)];
                    }
                }
                loads(b, "edit #" + i);
            }
        });
    }
}
