package org.vesalius.text;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.vesalius.io.AtomicFile;

/**
 * A bidirectional map between tokens and integer ids, like torchtext's {@code Vocab}: special tokens
 * first (in the order given), then the corpus's tokens by descending frequency (ties in code-point
 * order, so a vocabulary is the same on every run), cut off by a minimum frequency and a maximum size.
 * <pre>{@code
 * var tok = new WordTokenizer();
 * var vocab = Vocabulary.build(texts.stream().map(tok::tokenize).toList(), 2, 20_000,
 *         Vocabulary.PAD, Vocabulary.UNK);
 * int[] ids = vocab.encode(tok.tokenize("a fine film"));   // unknown words map to <unk>
 * }</pre>
 */
public final class Vocabulary {
    public static final String PAD = "<pad>";
    public static final String UNK = "<unk>";
    public static final String BOS = "<bos>";
    public static final String EOS = "<eos>";

    private final List<String> tokens;
    private final Map<String, Integer> ids;
    private final int unk;

    private Vocabulary(List<String> tokens) {
        this.tokens = Collections.unmodifiableList(new ArrayList<>(tokens));
        this.ids = new HashMap<>(tokens.size() * 2);
        for (int i = 0; i < tokens.size(); i++) {
            if (ids.putIfAbsent(tokens.get(i), i) != null) {
                throw new IllegalArgumentException("Vocabulary: token '" + tokens.get(i) + "' appears twice");
            }
        }
        Integer u = ids.get(UNK);
        this.unk = u == null ? -1 : u;
    }

    /**
     * Counts the tokens of {@code documents} and keeps those seen at least {@code minFreq} times,
     * the most frequent first, so that the vocabulary (specials included) has at most {@code maxSize}
     * entries ({@code maxSize <= 0}: no limit).
     */
    public static Vocabulary build(Iterable<? extends List<String>> documents, int minFreq, int maxSize,
                                   String... specials) {
        if (minFreq < 1) {
            throw new IllegalArgumentException("Vocabulary.build: minFreq must be at least 1, got " + minFreq);
        }
        LinkedHashSet<String> special = new LinkedHashSet<>(List.of(specials));
        if (special.size() != specials.length) {
            throw new IllegalArgumentException("Vocabulary.build: repeated special tokens " + List.of(specials));
        }
        if (maxSize > 0 && special.size() > maxSize) {
            throw new IllegalArgumentException("Vocabulary.build: " + special.size() + " special tokens do not fit in maxSize "
                    + maxSize);
        }
        Map<String, long[]> counts = new HashMap<>();
        for (List<String> doc : documents) {
            for (String t : doc) {
                counts.computeIfAbsent(t, k -> new long[1])[0]++;
            }
        }
        List<Map.Entry<String, long[]>> entries = new ArrayList<>(counts.entrySet());
        entries.sort((a, b) -> a.getValue()[0] != b.getValue()[0] ? Long.compare(b.getValue()[0], a.getValue()[0])
                : a.getKey().compareTo(b.getKey()));
        List<String> tokens = new ArrayList<>(special);
        for (Map.Entry<String, long[]> e : entries) {
            if (maxSize > 0 && tokens.size() >= maxSize) {
                break;
            }
            if (e.getValue()[0] >= minFreq && !special.contains(e.getKey())) {
                tokens.add(e.getKey());
            }
        }
        return new Vocabulary(tokens);
    }

    /** A vocabulary of exactly these tokens, ids in order (no duplicates). */
    public static Vocabulary of(List<String> tokens) {
        return new Vocabulary(tokens);
    }

    /** Number of entries, specials included. */
    public int size() {
        return tokens.size();
    }

    /** The tokens by id (unmodifiable). */
    public List<String> tokens() {
        return tokens;
    }

    public boolean contains(String token) {
        return ids.containsKey(token);
    }

    /**
     * The id of {@code token}: the {@link #UNK} id when it is not in the vocabulary.
     *
     * @throws IllegalArgumentException for an unknown token when the vocabulary has no {@code <unk>}
     */
    public int index(String token) {
        Integer id = ids.get(token);
        if (id != null) {
            return id;
        }
        if (unk < 0) {
            throw new IllegalArgumentException("Vocabulary: token '" + token + "' is unknown and the vocabulary has no "
                    + UNK + " entry (build it with Vocabulary.UNK among the specials)");
        }
        return unk;
    }

    /** The token of {@code id}. */
    public String token(int id) {
        if (id < 0 || id >= tokens.size()) {
            throw new IllegalArgumentException("Vocabulary: id " + id + " is out of range for " + tokens.size() + " tokens");
        }
        return tokens.get(id);
    }

    /** The ids of {@code tokens}, in order. */
    public int[] encode(List<String> tokens) {
        int[] out = new int[tokens.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = index(tokens.get(i));
        }
        return out;
    }

    /** The tokens of {@code ids}, in order. */
    public List<String> decode(int[] ids) {
        List<String> out = new ArrayList<>(ids.length);
        for (int id : ids) {
            out.add(token(id));
        }
        return out;
    }

    /**
     * Writes one token per line (UTF-8; backslash, newline and carriage return escaped), atomically.
     */
    public void save(Path file) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (String t : tokens) {
            sb.append(t.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")).append('\n');
        }
        ByteBuffer bytes = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
        AtomicFile.write(file, ch -> {
            while (bytes.hasRemaining()) {
                ch.write(bytes);
            }
        });
    }

    /** Reads a vocabulary written by {@link #save}. */
    public static Vocabulary load(Path file) throws IOException {
        List<String> tokens = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                tokens.add(unescape(line, file, tokens.size() + 1));
            }
        }
        try {
            return new Vocabulary(tokens);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    private static String unescape(String line, Path file, int lineNo) throws IOException {
        if (line.indexOf('\\') < 0) {
            return line;
        }
        StringBuilder sb = new StringBuilder(line.length());
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (++i == line.length()) {
                throw new IOException(file + ": line " + lineNo + " ends with an unpaired backslash");
            }
            char e = line.charAt(i);
            sb.append(e == 'n' ? '\n' : e == 'r' ? '\r' : e);
        }
        return sb.toString();
    }
}
