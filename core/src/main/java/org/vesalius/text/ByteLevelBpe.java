package org.vesalius.text;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.vesalius.io.AtomicFile;

/**
 * A byte-level byte-pair-encoding tokenizer (GPT-2's scheme): text is split into pieces by GPT-2's
 * pre-tokenization pattern, each piece is taken as its UTF-8 bytes, and learned merges join frequent
 * adjacent pairs into subword tokens. Every string encodes (there is no unknown token) and decodes back
 * to itself exactly (for well-formed UTF-16 text).
 *
 * <p>Ids: the special tokens first ({@code 0 .. s-1}, in the order given to {@link #train}), then the
 * 256 byte values, then one id per merge in the order the merges were learned. A special token's
 * text inside the input encodes as its id.
 * <pre>{@code
 * var bpe = ByteLevelBpe.train(reviews, 8000, 2, "<pad>", "<unk>");
 * int[] ids = bpe.encode("An unforgettable film.");
 * String same = bpe.decode(ids);
 * }</pre>
 */
public final class ByteLevelBpe implements Tokenizer {
    /** GPT-2's pre-tokenizer: contractions, letters, digits, other symbols, each with one leading space. */
    private static final Pattern PIECES = Pattern.compile(
            "'(?:[sdmt]|ll|ve|re)| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+");
    private static final int CACHE_LIMIT = 100_000;
    private static final String[] BYTE_CHARS = byteChars();

    private final List<String> specials;
    private final int[][] merges;
    /** Token bytes by id (specials as their UTF-8). */
    private final byte[][] bytes;
    /** Merge rank by pair key. */
    private final Map<Long, Integer> ranks;
    private final Pattern specialPattern;
    private final Map<String, int[]> cache = Collections.synchronizedMap(new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, int[]> eldest) {
            return size() > CACHE_LIMIT;
        }
    });

    private ByteLevelBpe(List<String> specials, int[][] merges) {
        this.specials = List.copyOf(specials);
        this.merges = merges;
        int base = specials.size();
        this.bytes = new byte[base + 256 + merges.length][];
        for (int i = 0; i < base; i++) {
            bytes[i] = specials.get(i).getBytes(StandardCharsets.UTF_8);
        }
        for (int b = 0; b < 256; b++) {
            bytes[base + b] = new byte[] {(byte) b};
        }
        this.ranks = new HashMap<>(merges.length * 2);
        for (int r = 0; r < merges.length; r++) {
            int a = merges[r][0];
            int b = merges[r][1];
            int id = base + 256 + r;
            if (a < base || b < base || a >= id || b >= id) {
                throw new IllegalArgumentException("ByteLevelBpe: merge " + r + " joins ids " + a + " and " + b
                        + ", which are not byte or earlier merge tokens (ids " + base + " to " + (id - 1) + ")");
            }
            byte[] ab = Arrays.copyOf(bytes[a], bytes[a].length + bytes[b].length);
            System.arraycopy(bytes[b], 0, ab, bytes[a].length, bytes[b].length);
            bytes[id] = ab;
            if (ranks.putIfAbsent(key(a, b), r) != null) {
                throw new IllegalArgumentException("ByteLevelBpe: merge " + r + " (" + a + ", " + b + ") is repeated");
            }
        }
        if (specials.isEmpty()) {
            specialPattern = null;
        } else {
            // longest first, so that a special that contains another wins
            List<String> sorted = new ArrayList<>(specials);
            sorted.sort((x, y) -> y.length() - x.length());
            StringBuilder sb = new StringBuilder();
            for (String s : sorted) {
                if (s.isEmpty()) {
                    throw new IllegalArgumentException("ByteLevelBpe: a special token is empty");
                }
                sb.append(sb.length() == 0 ? "" : "|").append(Pattern.quote(s));
            }
            specialPattern = Pattern.compile(sb.toString());
        }
    }

    private static long key(int a, int b) {
        return ((long) a << 32) | (b & 0xffffffffL);
    }

    // ------------------------------------------------------------------ training

    /**
     * Learns merges on {@code corpus} until the vocabulary has {@code vocabSize} tokens (specials and
     * the 256 bytes included) or no pair occurs {@code minFrequency} times. Ties between equally
     * frequent pairs go to the pair of smaller ids, so training is deterministic.
     */
    public static ByteLevelBpe train(Iterable<String> corpus, int vocabSize, int minFrequency, String... specials) {
        int base = specials.length;
        if (vocabSize < base + 256) {
            throw new IllegalArgumentException("ByteLevelBpe.train: vocabSize " + vocabSize + " is smaller than the "
                    + (base + 256) + " special and byte tokens");
        }
        if (minFrequency < 1) {
            throw new IllegalArgumentException("ByteLevelBpe.train: minFrequency must be at least 1, got " + minFrequency);
        }
        new ByteLevelBpe(List.of(specials), new int[0][]); // validates the specials
        Map<String, long[]> counts = new HashMap<>();
        for (String text : corpus) {
            Matcher m = PIECES.matcher(text);
            while (m.find()) {
                counts.computeIfAbsent(m.group(), k -> new long[1])[0]++;
            }
        }
        int n = counts.size();
        int[][] words = new int[n][];
        long[] freq = new long[n];
        int w = 0;
        for (Map.Entry<String, long[]> e : counts.entrySet()) {
            byte[] b = e.getKey().getBytes(StandardCharsets.UTF_8);
            int[] ids = new int[b.length];
            for (int i = 0; i < b.length; i++) {
                ids[i] = base + (b[i] & 0xff);
            }
            words[w] = ids;
            freq[w++] = e.getValue()[0];
        }
        return new ByteLevelBpe(List.of(specials), new Trainer(words, freq).run(vocabSize - base - 256, minFrequency,
                base + 256));
    }

    /** Incremental pair counting: only the words holding the merged pair are recounted. */
    private static final class Trainer {
        private final int[][] words;
        private final long[] freq;
        private final Map<Long, long[]> pairCount = new HashMap<>();
        private final Map<Long, IntList> pairWords = new HashMap<>();
        private final PriorityQueue<long[]> queue = new PriorityQueue<>((x, y) -> x[0] != y[0]
                ? Long.compare(y[0], x[0]) : Long.compare(x[1], y[1]));

        Trainer(int[][] words, long[] freq) {
            this.words = words;
            this.freq = freq;
            for (int w = 0; w < words.length; w++) {
                count(w, +1);
            }
            for (Map.Entry<Long, long[]> e : pairCount.entrySet()) {
                queue.add(new long[] {e.getValue()[0], e.getKey()});
            }
        }

        private void count(int w, int sign) {
            int[] ids = words[w];
            for (int i = 0; i + 1 < ids.length; i++) {
                long k = key(ids[i], ids[i + 1]);
                long[] c = pairCount.computeIfAbsent(k, x -> new long[1]);
                c[0] += sign * freq[w];
                if (sign > 0) {
                    pairWords.computeIfAbsent(k, x -> new IntList()).add(w);
                }
            }
        }

        int[][] run(int maxMerges, int minFrequency, int firstId) {
            List<int[]> merges = new ArrayList<>();
            while (merges.size() < maxMerges && !queue.isEmpty()) {
                long[] top = queue.poll();
                long[] current = pairCount.get(top[1]);
                if (current == null || current[0] != top[0]) {
                    continue; // stale entry; the current count was queued when it changed
                }
                if (top[0] < minFrequency) {
                    break;
                }
                int a = (int) (top[1] >>> 32);
                int b = (int) top[1];
                int id = firstId + merges.size();
                merges.add(new int[] {a, b});
                merge(top[1], a, b, id);
            }
            return merges.toArray(new int[0][]);
        }

        private void merge(long k, int a, int b, int id) {
            IntList holders = pairWords.remove(k);
            Map<Long, Boolean> touched = new HashMap<>();
            int last = -1;
            for (int i = 0; i < holders.size; i++) {
                int w = holders.data[i];
                if (w == last) {
                    continue; // a word is listed once per occurrence of the pair
                }
                last = w;
                int[] ids = words[w];
                if (!contains(ids, a, b)) {
                    continue;
                }
                for (int j = 0; j + 1 < ids.length; j++) {
                    touched.put(key(ids[j], ids[j + 1]), Boolean.TRUE);
                }
                count(w, -1);
                words[w] = replace(ids, a, b, id);
                count(w, +1);
                int[] now = words[w];
                for (int j = 0; j + 1 < now.length; j++) {
                    touched.put(key(now[j], now[j + 1]), Boolean.TRUE);
                }
            }
            pairCount.remove(k);
            for (Long t : touched.keySet()) {
                long[] c = pairCount.get(t);
                if (c != null && c[0] > 0 && t != k) {
                    queue.add(new long[] {c[0], t});
                } else if (c != null && c[0] <= 0) {
                    pairCount.remove(t);
                    pairWords.remove(t);
                }
            }
        }
    }

    private static boolean contains(int[] ids, int a, int b) {
        for (int i = 0; i + 1 < ids.length; i++) {
            if (ids[i] == a && ids[i + 1] == b) {
                return true;
            }
        }
        return false;
    }

    /** {@code ids} with every non-overlapping occurrence of (a, b), left to right, replaced by {@code id}. */
    private static int[] replace(int[] ids, int a, int b, int id) {
        int[] out = new int[ids.length];
        int n = 0;
        for (int i = 0; i < ids.length; i++) {
            if (i + 1 < ids.length && ids[i] == a && ids[i + 1] == b) {
                out[n++] = id;
                i++;
            } else {
                out[n++] = ids[i];
            }
        }
        return Arrays.copyOf(out, n);
    }

    private static final class IntList {
        int[] data = new int[4];
        int size;

        /** Appends {@code v} unless it is already the last element (a word listed once per pair run). */
        void add(int v) {
            if (size == 0 || data[size - 1] != v) {
                addAlways(v);
            }
        }

        void addAlways(int v) {
            if (size == data.length) {
                data = Arrays.copyOf(data, size * 2);
            }
            data[size++] = v;
        }
    }

    // ------------------------------------------------------------------ encoding

    /** Number of tokens: specials, 256 bytes and the merges. */
    public int vocabSize() {
        return bytes.length;
    }

    /** The learned merges in order: merge {@code r} joins ids {@code [0]} and {@code [1]} into id {@code s + 256 + r}. */
    public int[][] merges() {
        int[][] out = new int[merges.length][];
        for (int r = 0; r < merges.length; r++) {
            out[r] = merges[r].clone();
        }
        return out;
    }

    /** The special tokens, in id order. */
    public List<String> specials() {
        return specials;
    }

    /** The id of a special token. */
    public int specialId(String special) {
        int i = specials.indexOf(special);
        if (i < 0) {
            throw new IllegalArgumentException("ByteLevelBpe: '" + special + "' is not a special token " + specials);
        }
        return i;
    }

    /** The token ids of {@code text}. */
    public int[] encode(String text) {
        if (text == null) {
            throw new IllegalArgumentException("ByteLevelBpe.encode: text is null");
        }
        IntList out = new IntList();
        int start = 0;
        if (specialPattern != null) {
            Matcher m = specialPattern.matcher(text);
            while (m.find()) {
                encodeOrdinary(text.substring(start, m.start()), out);
                out.addAlways(specials.indexOf(m.group()));
                start = m.end();
            }
        }
        encodeOrdinary(text.substring(start), out);
        return Arrays.copyOf(out.data, out.size);
    }

    private void encodeOrdinary(String text, IntList out) {
        Matcher m = PIECES.matcher(text);
        while (m.find()) {
            for (int id : piece(m.group())) {
                out.addAlways(id);
            }
        }
    }

    /** The merged ids of one pre-tokenized piece: always merge the lowest-ranked adjacent pair first. */
    private int[] piece(String piece) {
        int[] cached = cache.get(piece);
        if (cached != null) {
            return cached;
        }
        int base = specials.size();
        byte[] b = piece.getBytes(StandardCharsets.UTF_8);
        int[] ids = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            ids[i] = base + (b[i] & 0xff);
        }
        while (ids.length > 1) {
            int best = Integer.MAX_VALUE;
            for (int i = 0; i + 1 < ids.length; i++) {
                Integer r = ranks.get(key(ids[i], ids[i + 1]));
                if (r != null && r < best) {
                    best = r;
                }
            }
            if (best == Integer.MAX_VALUE) {
                break;
            }
            ids = replace(ids, merges[best][0], merges[best][1], base + 256 + best);
        }
        cache.put(piece, ids);
        return ids;
    }

    /** The text of {@code ids}: their bytes joined and read as UTF-8. */
    public String decode(int[] ids) {
        int len = 0;
        for (int id : ids) {
            len += tokenBytes(id).length;
        }
        ByteBuffer buf = ByteBuffer.allocate(len);
        for (int id : ids) {
            buf.put(bytes[id]);
        }
        return new String(buf.array(), StandardCharsets.UTF_8);
    }

    private byte[] tokenBytes(int id) {
        if (id < 0 || id >= bytes.length) {
            throw new IllegalArgumentException("ByteLevelBpe.decode: id " + id + " is out of range for " + bytes.length
                    + " tokens");
        }
        return bytes[id];
    }

    /**
     * The tokens of {@code text} as printable strings, GPT-2 style: each byte shown as one character
     * (a space as {@code Ġ}), specials as themselves.
     */
    @Override
    public List<String> tokenize(String text) {
        int[] ids = encode(text);
        List<String> out = new ArrayList<>(ids.length);
        for (int id : ids) {
            out.add(tokenString(id));
        }
        return out;
    }

    /** The printable form of one token (see {@link #tokenize}). */
    public String tokenString(int id) {
        if (id < specials.size()) {
            return specials.get(id);
        }
        StringBuilder sb = new StringBuilder();
        for (byte x : tokenBytes(id)) {
            sb.append(BYTE_CHARS[x & 0xff]);
        }
        return sb.toString();
    }

    /** GPT-2's byte-to-character table: printable Latin-1 bytes stand for themselves, the rest from U+0100 on. */
    private static String[] byteChars() {
        String[] t = new String[256];
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            t[b] = String.valueOf((char) (printable ? b : next++));
        }
        return t;
    }

    // ------------------------------------------------------------------ files

    /** Writes the specials and merges as JSON, atomically. */
    public void save(Path file) throws IOException {
        JsonObject o = new JsonObject();
        o.addProperty("type", "byte-level-bpe");
        JsonArray sp = new JsonArray();
        specials.forEach(sp::add);
        o.add("specials", sp);
        JsonArray ms = new JsonArray();
        for (int[] m : merges) {
            JsonArray pair = new JsonArray();
            pair.add(m[0]);
            pair.add(m[1]);
            ms.add(pair);
        }
        o.add("merges", ms);
        ByteBuffer data = ByteBuffer.wrap(o.toString().getBytes(StandardCharsets.UTF_8));
        AtomicFile.write(file, ch -> {
            while (data.hasRemaining()) {
                ch.write(data);
            }
        });
    }

    /** Reads a tokenizer written by {@link #save}. */
    public static ByteLevelBpe load(Path file) throws IOException {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            JsonObject o = JsonParser.parseReader(r).getAsJsonObject();
            if (!o.has("type") || !"byte-level-bpe".equals(o.get("type").getAsString())) {
                throw new IOException(file + ": not a Vesalius byte-level BPE file (no \"type\": \"byte-level-bpe\")");
            }
            List<String> specials = new ArrayList<>();
            for (JsonElement e : o.getAsJsonArray("specials")) {
                specials.add(e.getAsString());
            }
            JsonArray ms = o.getAsJsonArray("merges");
            int[][] merges = new int[ms.size()][];
            for (int i = 0; i < merges.length; i++) {
                JsonArray pair = ms.get(i).getAsJsonArray();
                if (pair.size() != 2) {
                    throw new IOException(file + ": merge " + i + " is not a pair of ids");
                }
                merges[i] = new int[] {pair.get(0).getAsInt(), pair.get(1).getAsInt()};
            }
            return new ByteLevelBpe(specials, merges);
        } catch (RuntimeException e) {
            throw new IOException(file + ": malformed byte-level BPE file: " + e.getMessage(), e);
        }
    }
}
