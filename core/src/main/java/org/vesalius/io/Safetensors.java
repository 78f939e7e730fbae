package org.vesalius.io;

import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.vesalius.nn.Module;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/**
 * Reads and writes <a href="https://github.com/huggingface/safetensors">safetensors</a> files, the
 * weights format of Hugging Face and of {@code safetensors.torch} for PyTorch: an 8-byte little-endian
 * header length, a JSON header mapping each tensor name to its {@code dtype}, {@code shape} and
 * {@code data_offsets} (plus an optional {@code "__metadata__"} object of strings), then the raw
 * little-endian row-major bytes. It cannot run code on load, unlike {@code torch.save}'s pickles.
 * <pre>{@code
 * Safetensors.saveStateDict(model, Path.of("model.safetensors"));
 * Safetensors.loadStateDict(model, Path.of("model.safetensors"), true);      // e.g. weights from PyTorch
 *
 * Map<String, Tensor> all = Safetensors.load(Path.of("embeddings.safetensors"));
 * }</pre>
 *
 * <p>Types: F64, F32, F16, BF16, I64, I32, U8 and BOOL (the Vesalius dtypes); files with other
 * safetensors types open, but those tensors cannot be loaded. Files are written as the reference
 * implementation writes them (tensors sorted by descending alignment and then by name, the header
 * padded with spaces to a multiple of 8 bytes, so every tensor is aligned), byte for byte, and
 * atomically (see {@link AtomicFile}): a failed write leaves the old file as it was. Reads check the
 * header completely before reading data (see {@link SafetensorsFile}) and report any problem as an
 * {@link IOException} naming the file and the tensor.
 */
public final class Safetensors {
    private Safetensors() {
    }

    // =====================================================================================
    // Writing

    /** {@link #save(Map, Map, Path)} without metadata. */
    public static void save(Map<String, Tensor> tensors, Path file) throws IOException {
        save(tensors, null, file);
    }

    /**
     * Writes tensors (any shape, dtype, layout or device; views and non-contiguous tensors are written
     * as their row-major values) and optional metadata to {@code file}, replacing it atomically.
     *
     * @param tensors  name to tensor; names are any strings except {@code "__metadata__"}
     * @param metadata strings stored under {@code "__metadata__"} (e.g. {@code {"format": "pt"}}, which
     *                 the transformers library expects), or null for none
     * @param file     the target; its directory must exist
     * @throws IllegalArgumentException for a null or reserved name, a null tensor or metadata entry, or a
     *                                  tensor whose data cannot be read (such as a closed one); the file is
     *                                  then unchanged
     * @throws IOException              if writing fails; the file is then unchanged
     */
    public static void save(Map<String, Tensor> tensors, Map<String, String> metadata, Path file) throws IOException {
        List<Map.Entry<String, Tensor>> order = fileOrder(tensors);
        byte[] header = header(order, metadata);
        AtomicFile.write(file, ch -> {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).flip();
            writeFully(ch, len);
            writeFully(ch, ByteBuffer.wrap(header));
            for (Map.Entry<String, Tensor> e : order) {
                try {
                    TensorBytes.write(e.getValue(), ch);
                } catch (RuntimeException ex) {
                    throw new IllegalArgumentException("Safetensors.save: cannot write tensor '" + e.getKey() + "' to "
                            + file + " (the file was left as it was): " + ex.getMessage(), ex);
                }
            }
        });
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    /**
     * The order tensors take in a file, the reference implementation's: descending alignment (by its
     * dtype enum order, in which element sizes never grow), then names by code point (the byte order of
     * their UTF-8, which is how the reference compares them).
     */
    private static List<Map.Entry<String, Tensor>> fileOrder(Map<String, Tensor> tensors) {
        List<Map.Entry<String, Tensor>> order = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            if (e.getKey() == null || e.getKey().equals("__metadata__")) {
                throw new IllegalArgumentException("Safetensors.save: tensor name " + (e.getKey() == null ? "null"
                        : "'__metadata__'") + " is not allowed (the header uses __metadata__ for the metadata)");
            }
            if (e.getValue() == null) {
                throw new IllegalArgumentException("Safetensors.save: tensor '" + e.getKey() + "' is null");
            }
            order.add(e);
        }
        Comparator<Map.Entry<String, Tensor>> byAlignment =
                Comparator.comparing(e -> StDtype.of(e.getValue().dtype()), Comparator.reverseOrder());
        order.sort(byAlignment.thenComparing(Map.Entry::getKey, Safetensors::compareCodePoints));
        return order;
    }

    private static int compareCodePoints(String a, String b) {
        return Arrays.compare(a.codePoints().toArray(), b.codePoints().toArray());
    }

    /** The JSON header, compact and padded with spaces to a multiple of 8 bytes. */
    private static byte[] header(List<Map.Entry<String, Tensor>> order, Map<String, String> metadata) {
        StringWriter sw = new StringWriter();
        try (JsonWriter w = new JsonWriter(sw)) {
            w.beginObject();
            if (metadata != null) {
                w.name("__metadata__").beginObject();
                for (Map.Entry<String, String> m : metadata.entrySet()) {
                    if (m.getKey() == null || m.getValue() == null) {
                        throw new IllegalArgumentException("Safetensors.save: metadata keys and values must not be null, got "
                                + m.getKey() + " = " + m.getValue());
                    }
                    w.name(m.getKey()).value(m.getValue());
                }
                w.endObject();
            }
            long offset = 0;
            for (Map.Entry<String, Tensor> e : order) {
                Tensor t = e.getValue();
                long bytes = (long) t.numel() * t.dtype().byteSize();
                w.name(e.getKey()).beginObject();
                w.name("dtype").value(StDtype.of(t.dtype()).name());
                w.name("shape").beginArray();
                for (int d : t.shape()) {
                    w.value(d);
                }
                w.endArray();
                w.name("data_offsets").beginArray().value(offset).value(offset + bytes).endArray();
                w.endObject();
                offset += bytes;
            }
            w.endObject();
        } catch (IOException e) {
            throw new IllegalStateException("writing to a string failed", e);
        }
        byte[] json = sw.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] out = Arrays.copyOf(json, padded);
        Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }

    // =====================================================================================
    // Reading

    /**
     * Opens a file and checks its header, without reading tensor data: for its metadata, its tensors'
     * names, dtypes and shapes, or to load only some tensors. Close the result.
     *
     * @throws IOException naming what is wrong with the file (see {@link SafetensorsFile})
     */
    public static SafetensorsFile open(Path file) throws IOException {
        return SafetensorsFile.open(file);
    }

    /**
     * Reads every tensor of a file into new CPU tensors (in the current scope, if any), in the order
     * they lie in the file.
     *
     * @return a {@link java.util.LinkedHashMap} of name to tensor
     * @throws IOException naming what is wrong with the file; no tensors are left allocated then
     */
    public static Map<String, Tensor> load(Path file) throws IOException {
        try (SafetensorsFile f = open(file)) {
            return f.loadAll();
        }
    }

    /** The {@code __metadata__} strings of a file (empty when it has none), read without its data. */
    public static Map<String, String> readMetadata(Path file) throws IOException {
        try (SafetensorsFile f = open(file)) {
            return f.metadata();
        }
    }

    // =====================================================================================
    // Modules

    /** Saves {@code model.stateDict()} (PyTorch's keys, so PyTorch loads it) to {@code file}. */
    public static void saveStateDict(Module model, Path file) throws IOException {
        saveStateDict(model, null, file);
    }

    /** Saves {@code model.stateDict()} with metadata strings (see {@link #save(Map, Map, Path)}). */
    public static void saveStateDict(Module model, Map<String, String> metadata, Path file) throws IOException {
        try (Scope s = Scope.open()) {
            save(model.stateDict(), metadata, file);
        }
    }

    /**
     * Loads a state dict saved by {@link #saveStateDict} or by PyTorch
     * ({@code safetensors.torch.save_file(model.state_dict(), path)}) into {@code model}, converting each
     * tensor to the dtype of the parameter or buffer it fills. Nothing is copied unless everything
     * fits.
     *
     * @param strict whether the file's keys must be exactly the model's
     * @return the keys that did not match (both empty after a strict load)
     * @throws IOException              naming what is wrong with the file
     * @throws IllegalArgumentException naming the file and every key that is missing, unexpected (when
     *                                  strict) or of the wrong shape (with both shapes)
     */
    public static Module.LoadResult loadStateDict(Module model, Path file, boolean strict) throws IOException {
        try (Scope s = Scope.open()) {
            Map<String, Tensor> state = load(file);
            try {
                return model.loadStateDict(state, strict);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
            }
        }
    }
}
