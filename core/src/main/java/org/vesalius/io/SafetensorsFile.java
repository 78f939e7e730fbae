package org.vesalius.io;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vesalius.tensor.Tensor;

/**
 * An open safetensors file whose header has been read and checked: the tensors' names, dtypes, shapes
 * and byte ranges and the {@code __metadata__} strings are available at once, and tensors are read
 * one at a time on request. Get one with {@link Safetensors#open}; close it to release the file.
 * <pre>{@code
 * try (SafetensorsFile f = Safetensors.open(Path.of("model.safetensors"))) {
 *     System.out.println(f.metadata());                 // {format=pt}
 *     for (TensorInfo t : f.tensors().values()) { ... } // name, dtype, shape, byte range
 *     Tensor w = f.load("fc.weight");
 * }
 * }</pre>
 *
 * <p>Opening checks everything that can be checked without reading the data: the header length
 * against the file size, the JSON, each entry's dtype, shape and offsets, and that the entries tile
 * the data section exactly (no overlap, no gap, no bytes past the last tensor, none missing). Every
 * problem is an {@link IOException} naming the file, the tensor and what was wrong. Not thread-safe.
 */
public final class SafetensorsFile implements AutoCloseable {
    /** The largest header accepted; the reference implementation's limit. */
    static final int MAX_HEADER_BYTES = 100_000_000;

    private final Path path;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, String> metadata;
    private final Map<String, TensorInfo> tensors;

    private SafetensorsFile(Path path, FileChannel channel, long dataStart, Map<String, String> metadata,
                            Map<String, TensorInfo> tensors) {
        this.path = path;
        this.channel = channel;
        this.dataStart = dataStart;
        this.metadata = metadata;
        this.tensors = tensors;
    }

    /** Opens {@code path} and checks its header (see the class documentation). */
    static SafetensorsFile open(Path path) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
        try {
            return parse(path, ch);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private static SafetensorsFile parse(Path path, FileChannel ch) throws IOException {
        long size = ch.size();
        byte[] head = readBytes(ch, 0, (int) Math.min(size, 16));
        if (head.length < 9 || head[8] != '{') {
            String foreign = ForeignFormats.describe(head);
            if (foreign != null) {
                throw new IOException(path + ": " + foreign);
            }
        }
        if (size < 8) {
            throw new IOException(path + ": the file has " + size + " bytes, too few for a safetensors file "
                    + "(an 8-byte header length, a JSON header, then the data): truncated or not safetensors");
        }
        long n = ByteBuffer.wrap(head, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (n < 0 || n > MAX_HEADER_BYTES) {
            throw new IOException(path + ": the header length is " + Long.toUnsignedString(n) + " bytes, more than the "
                    + MAX_HEADER_BYTES + " safetensors allows: not a safetensors file (it starts with "
                    + ForeignFormats.preview(head) + ") or a corrupt one");
        }
        if (n < 2) {
            throw new IOException(path + ": the header length is " + n + " bytes, too short for a JSON object: "
                    + "not a safetensors file or a corrupt one");
        }
        if (8 + n > size) {
            throw new IOException(path + ": the header length is " + n + " bytes, but the file has only " + size
                    + " bytes: the file is truncated, or not a safetensors file (it starts with "
                    + ForeignFormats.preview(head) + ")");
        }
        byte[] headerBytes = readBytes(ch, 8, (int) n);
        if (headerBytes[0] != '{') {
            throw new IOException(path + ": the header does not start with '{' (it starts with "
                    + ForeignFormats.preview(headerBytes) + "): not a safetensors file or a corrupt one");
        }
        String json;
        try {
            json = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(headerBytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IOException(path + ": the header is not valid UTF-8 text: a corrupt safetensors file", e);
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        List<TensorInfo> entries = new ArrayList<>();
        try {
            readHeader(path, json, metadata, entries);
        } catch (IOException | IllegalStateException | NumberFormatException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(path.toString())) {
                throw e instanceof IOException ? (IOException) e : new IOException(e.getMessage(), e);
            }
            throw new IOException(path + ": the header is not valid safetensors JSON: " + e.getMessage(), e);
        }
        long dataSize = size - 8 - n;
        Map<String, TensorInfo> tensors = checkLayout(path, entries, dataSize);
        return new SafetensorsFile(path, ch, 8 + n, Collections.unmodifiableMap(metadata),
                Collections.unmodifiableMap(tensors));
    }

    private static void readHeader(Path path, String json, Map<String, String> metadata, List<TensorInfo> entries)
            throws IOException {
        JsonReader r = new JsonReader(new StringReader(json));
        r.setStrictness(Strictness.STRICT);
        boolean sawMetadata = false;
        java.util.Set<String> names = new java.util.HashSet<>();
        r.beginObject();
        while (r.hasNext()) {
            String key = r.nextName();
            if (key.equals("__metadata__")) {
                if (sawMetadata) {
                    throw new IOException(path + ": the header has two __metadata__ entries");
                }
                sawMetadata = true;
                readMetadata(path, r, metadata);
            } else {
                if (!names.add(key)) {
                    throw new IOException(path + ": tensor '" + key + "' appears twice in the header");
                }
                entries.add(readEntry(path, r, key));
            }
        }
        r.endObject();
        if (r.peek() != JsonToken.END_DOCUMENT) {
            throw new IOException(path + ": the header has more after its JSON object");
        }
    }

    private static void readMetadata(Path path, JsonReader r, Map<String, String> metadata) throws IOException {
        if (r.peek() != JsonToken.BEGIN_OBJECT) {
            throw new IOException(path + ": __metadata__ must be an object of strings, got " + describe(r.peek()));
        }
        r.beginObject();
        while (r.hasNext()) {
            String k = r.nextName();
            if (r.peek() != JsonToken.STRING) {
                throw new IOException(path + ": __metadata__ entry '" + k + "' must be a string, got " + describe(r.peek()));
            }
            if (metadata.put(k, r.nextString()) != null) {
                throw new IOException(path + ": __metadata__ has the key '" + k + "' twice");
            }
        }
        r.endObject();
    }

    private static TensorInfo readEntry(Path path, JsonReader r, String name) throws IOException {
        String where = path + ": tensor '" + name + "'";
        if (r.peek() != JsonToken.BEGIN_OBJECT) {
            throw new IOException(where + ": its header entry must be an object with dtype, shape and data_offsets, got "
                    + describe(r.peek()));
        }
        String dtype = null;
        long[] shape = null;
        long[] offsets = null;
        r.beginObject();
        while (r.hasNext()) {
            String k = r.nextName();
            switch (k) {
                case "dtype":
                    if (r.peek() != JsonToken.STRING) {
                        throw new IOException(where + ": dtype must be a string, got " + describe(r.peek()));
                    }
                    dtype = r.nextString();
                    break;
                case "shape":
                    shape = readNumbers(r, where + ": shape");
                    break;
                case "data_offsets":
                    offsets = readNumbers(r, where + ": data_offsets");
                    break;
                default:
                    r.skipValue(); // the reference reader ignores unknown fields too
            }
        }
        r.endObject();
        if (dtype == null || shape == null || offsets == null) {
            throw new IOException(where + ": its header entry lacks "
                    + (dtype == null ? "dtype" : shape == null ? "shape" : "data_offsets"));
        }
        StDtype st = StDtype.parse(dtype);
        if (st == null) {
            throw new IOException(where + ": unknown dtype '" + dtype + "' (safetensors types: "
                    + Arrays.toString(StDtype.values()) + "; Vesalius loads " + StDtype.SUPPORTED + ")");
        }
        if (offsets.length != 2) {
            throw new IOException(where + ": data_offsets must be [begin, end], got " + offsets.length + " numbers");
        }
        if (offsets[1] < offsets[0]) {
            throw new IOException(where + ": data_offsets " + Arrays.toString(offsets) + " end before they begin");
        }
        int[] dims = new int[shape.length];
        long numel = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] > Integer.MAX_VALUE) {
                throw new IOException(where + ": dimension " + i + " of shape " + Arrays.toString(shape)
                        + " is larger than a Vesalius tensor dimension can be (" + Integer.MAX_VALUE + ")");
            }
            dims[i] = (int) shape[i];
            numel = multiply(numel, shape[i], where, shape);
        }
        long bytes = multiply(numel, st.size, where, shape);
        if (offsets[1] - offsets[0] != bytes) {
            throw new IOException(where + ": shape " + Arrays.toString(shape) + " of " + dtype + " needs " + bytes
                    + " bytes, but its data_offsets " + Arrays.toString(offsets) + " span " + (offsets[1] - offsets[0]));
        }
        return new TensorInfo(name, dtype, dims, offsets[0], offsets[1]);
    }

    private static long multiply(long a, long b, String where, long[] shape) throws IOException {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw new IOException(where + ": shape " + Arrays.toString(shape) + " overflows a 64-bit size");
        }
    }

    /** An array of non-negative integers. */
    private static long[] readNumbers(JsonReader r, String what) throws IOException {
        if (r.peek() != JsonToken.BEGIN_ARRAY) {
            throw new IOException(what + " must be an array of integers, got " + describe(r.peek()));
        }
        List<Long> values = new ArrayList<>();
        r.beginArray();
        while (r.hasNext()) {
            if (r.peek() != JsonToken.NUMBER) {
                throw new IOException(what + " must hold integers, got " + describe(r.peek()));
            }
            String s = r.nextString();
            long v;
            try {
                v = Long.parseLong(s);
            } catch (NumberFormatException e) {
                throw new IOException(what + " must hold integers in 0.." + Long.MAX_VALUE + ", got " + s);
            }
            if (v < 0) {
                throw new IOException(what + " must hold non-negative integers, got " + v);
            }
            values.add(v);
        }
        r.endArray();
        return values.stream().mapToLong(Long::longValue).toArray();
    }

    private static String describe(JsonToken token) {
        return token.name().toLowerCase().replace('_', ' ');
    }

    /**
     * Checks that the entries tile {@code [0, dataSize)} exactly and returns them in file order (by
     * offset; entries of size 0 keep their header order).
     */
    private static Map<String, TensorInfo> checkLayout(Path path, List<TensorInfo> entries, long dataSize)
            throws IOException {
        List<TensorInfo> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        Map<String, TensorInfo> out = new LinkedHashMap<>();
        long covered = 0;
        TensorInfo previous = null;
        for (TensorInfo t : sorted) {
            if (t.end() > dataSize) {
                throw new IOException(path + ": tensor '" + t.name() + "' ends at data byte " + t.end() + ", but the file has "
                        + "only " + dataSize + " data bytes: the file is truncated (" + (t.end() - dataSize)
                        + " bytes or more are missing)");
            }
            if (t.begin() < covered) {
                throw new IOException(path + ": tensor '" + t.name() + "' (data bytes [" + t.begin() + ", " + t.end()
                        + ")) overlaps tensor '" + previous.name() + "' (data bytes [" + previous.begin() + ", "
                        + previous.end() + "))");
            }
            if (t.begin() > covered) {
                throw new IOException(path + ": data bytes [" + covered + ", " + t.begin() + ") belong to no tensor "
                        + "(a gap before tensor '" + t.name() + "'): a corrupt safetensors file");
            }
            covered = t.end();
            previous = t;
            out.put(t.name(), t);
        }
        if (covered != dataSize) {
            throw new IOException(path + ": the file has " + dataSize + " data bytes, but its tensors cover only "
                    + covered + ": " + (dataSize - covered) + " bytes at the end belong to no tensor");
        }
        return out;
    }

    private static byte[] readBytes(FileChannel ch, long position, int n) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(n);
        while (buf.hasRemaining()) {
            if (ch.read(buf, position + buf.position()) < 0) {
                break;
            }
        }
        return buf.position() == n ? buf.array() : Arrays.copyOf(buf.array(), buf.position());
    }

    // =====================================================================================
    // Contents

    /** The file this was opened from. */
    public Path path() {
        return path;
    }

    /** The {@code __metadata__} strings (empty when the file has none), in header order. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Every tensor's header entry by name, in the order their bytes lie in the file. */
    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    /** The tensor names, in file order. */
    public List<String> names() {
        return new ArrayList<>(tensors.keySet());
    }

    /**
     * The header entry of {@code name}.
     *
     * @throws IllegalArgumentException if the file has no such tensor
     */
    public TensorInfo info(String name) {
        TensorInfo t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException(path + ": no tensor named '" + name + "' (the file has " + tensors.size()
                    + " tensors" + (tensors.isEmpty() ? "" : ", e.g. '" + tensors.keySet().iterator().next() + "'") + ")");
        }
        return t;
    }

    /**
     * Reads one tensor into a new CPU tensor of its shape and dtype (in the current {@link
     * org.vesalius.tensor.Scope}, if any).
     *
     * @throws IllegalArgumentException if the file has no such tensor
     * @throws IOException              if its dtype has no Vesalius counterpart, it has more elements than
     *                                  a tensor can hold, or the data cannot be read
     */
    public Tensor load(String name) throws IOException {
        TensorInfo t = info(name);
        checkLoadable(t);
        Tensor out = Tensor.empty(t.dtype(), t.shape());
        try {
            TensorBytes.read(channel, dataStart + t.begin(), out, path + ": tensor '" + name + "'");
        } catch (IOException | RuntimeException e) {
            out.close();
            throw e;
        }
        return out;
    }

    /**
     * Reads every tensor, in file order. Either all are returned or, on an error, none (those read
     * already are closed); types Vesalius cannot hold are reported before anything is read.
     */
    public Map<String, Tensor> loadAll() throws IOException {
        for (TensorInfo t : tensors.values()) {
            checkLoadable(t);
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        try {
            for (String name : tensors.keySet()) {
                out.put(name, load(name));
            }
        } catch (IOException | RuntimeException e) {
            out.values().forEach(Tensor::close);
            throw e;
        }
        return out;
    }

    private void checkLoadable(TensorInfo t) throws IOException {
        if (t.dtype() == null) {
            throw new IOException(path + ": tensor '" + t.name() + "' has dtype " + t.safetensorsDtype()
                    + ", which Vesalius has no dtype for (it loads " + StDtype.SUPPORTED + ")");
        }
        if (t.numel() > Integer.MAX_VALUE) {
            throw new IOException(path + ": tensor '" + t.name() + "' has " + t.numel() + " elements, more than a "
                    + "Vesalius tensor can hold (" + Integer.MAX_VALUE + ")");
        }
    }

    /** Releases the file. */
    @Override
    public void close() throws IOException {
        channel.close();
    }

    @Override
    public String toString() {
        return "SafetensorsFile(" + path + ", " + tensors.size() + " tensors" + (metadata.isEmpty() ? "" : ", metadata "
                + metadata) + ")";
    }
}
