package org.vesalius.examples;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.vesalius.rnn.embeddings.ScatterPlot;
import org.vesalius.rnn.embeddings.TSNE;
import org.vesalius.rnn.embeddings.Word2Vec;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;
import org.vesalius.text.WordTokenizer;
import org.vesalius.text.WordVectors;

/**
 * Word embeddings of biomedical text and their map: word2vec (skip-gram with negative sampling, {@link Word2Vec})
 * trained on the names and definitions of the Gene Ontology's terms ({@code tools/text/fetch_corpora.py} writes
 * them to {@code ~/.cache/vesalius/text/go/go-terms.tsv}), the nearest neighbours by cosine of a few medical words,
 * and a t-SNE map ({@link TSNE}) of the most frequent words as a labelled scatter plot PNG.
 *
 * <p>Each term is one sentence: its name and definition, lower-cased by {@link WordTokenizer}. A word's group on
 * the map is the GO namespace (biological process, molecular function, cellular component) whose terms use it
 * most, relative to the namespace's size in tokens. The vectors are scaled to unit length before t-SNE, so
 * that its Euclidean neighbours are the cosine neighbours. Two numbers say how well the map and the vectors
 * hold up: the map's trustworthiness (scikit-learn's, 10 neighbours; a random layout scores about 0.5) and
 * how often a word's 10 nearest words by cosine are mostly of its own group (against the share of the
 * largest group, what always guessing it would score).
 *
 * <p>Input: {@code id <TAB> label <TAB> text [<TAB> more text]} lines, as {@link BiomedicalText} reads them
 * (the GO file is {@code go_id, namespace, name, definition}).
 */
public final class EmbeddingsTsne {
    private static final int NEIGHBOURS = 10;
    private static final Map<String, String> NAMESPACES = Map.of("BP", "biological process", "MF", "molecular function",
            "CC", "cellular component");

    private EmbeddingsTsne() {
    }

    /** What to run; {@code queries} are the words whose nearest neighbours are printed and reported. */
    public record Config(Path data, int dim, int window, int negative, int minCount, int epochs, int batchSize,
                         double learningRate, int words, double perplexity, List<String> queries, long seed, Path output) {
        /** The recipe of examples/README.md. */
        public static Config defaults() {
            return new Config(SentimentImdb.CORPORA.resolve("go/go-terms.tsv"), 64, 5, 5, 5, 3, 1024, 0.025, 4000, 30,
                    List.of("insulin", "heart", "kidney", "virus", "inflammatory", "antibiotic"), 0,
                    Path.of("runs", "embeddings-tsne"));
        }
    }

    /**
     * What a run measured: vocabulary and tokens, the words mapped, trustworthiness of the map and of a random
     * layout, the 10-nearest-neighbour group agreement and the largest group's share, each query's neighbours.
     */
    public record Result(Config config, int vocabulary, long tokens, int mapped, double trustworthiness,
                         double randomTrustworthiness, double neighbourAgreement, double largestGroupShare,
                         Map<String, List<WordVectors.Neighbour>> neighbours, double[] epochLosses, Path png, double seconds) {
        public String toJson() {
            StringBuilder nb = new StringBuilder("{");
            for (Map.Entry<String, List<WordVectors.Neighbour>> e : neighbours.entrySet()) {
                nb.append(nb.length() > 1 ? "," : "").append('"').append(e.getKey()).append("\":[");
                for (int i = 0; i < e.getValue().size(); i++) {
                    nb.append(i > 0 ? "," : "").append('"').append(e.getValue().get(i).word()).append('"');
                }
                nb.append(']');
            }
            nb.append('}');
            return String.format(Locale.ROOT, "{\"example\":\"embeddings-tsne\",\"trustworthiness\":%.4f,"
                            + "\"random_layout_trustworthiness\":%.4f,\"neighbour_group_agreement\":%.4f,\"largest_group_share\":%.4f,"
                            + "\"words\":%d,\"vocabulary\":%d,\"tokens\":%d,\"dim\":%d,\"epochs\":%d,\"neighbours\":%s,\"seconds\":%.1f}",
                    trustworthiness, randomTrustworthiness, neighbourAgreement, largestGroupShare, mapped, vocabulary, tokens,
                    config.dim(), config.epochs(), nb, seconds);
        }
    }

    /** Reads {@code config.data()} and runs. */
    public static Result run(Config config, PrintStream out) throws IOException {
        if (!Files.isRegularFile(config.data())) {
            throw new IOException(config.data() + " does not exist: run tools/text/fetch_corpora.py first (it writes the Gene "
                    + "Ontology's terms to ~/.cache/vesalius/text/go/go-terms.tsv)");
        }
        try (BufferedReader in = Files.newBufferedReader(config.data(), StandardCharsets.UTF_8)) {
            return run(config, BiomedicalText.Corpus.read(in), out);
        }
    }

    /** Runs on texts already read (the tests pass a small real sample). */
    static Result run(Config c, BiomedicalText.Corpus corpus, PrintStream out) throws IOException {
        long started = System.nanoTime();
        validate(c);
        WordTokenizer tok = new WordTokenizer();
        List<List<String>> sentences = new ArrayList<>(corpus.texts().size());
        for (String t : corpus.texts()) {
            sentences.add(tok.tokenize(t));
        }
        // word counts per label, to colour each word by the label whose texts use it most for their size
        List<String> labels = List.copyOf(new TreeSet<>(corpus.labels()));
        Map<String, long[]> byLabel = new LinkedHashMap<>();
        long[] labelTokens = new long[labels.size()];
        long tokens = 0;
        for (int i = 0; i < sentences.size(); i++) {
            int l = labels.indexOf(corpus.labels().get(i));
            for (String w : sentences.get(i)) {
                byLabel.computeIfAbsent(w, k -> new long[labels.size()])[l]++;
                labelTokens[l]++;
                tokens++;
            }
        }
        out.printf(Locale.ROOT, "word2vec on %d texts (%d tokens), dim %d, window %d, %d negatives, min count %d, %d epochs, "
                        + "batch %d, lr %s, seed %d%n", sentences.size(), tokens, c.dim(), c.window(), c.negative(), c.minCount(),
                c.epochs(), c.batchSize(), c.learningRate(), c.seed());
        Tensor.manualSeed(c.seed());
        Word2Vec.Result w2v = new Word2Vec().dim(c.dim()).window(c.window()).negative(c.negative()).minCount(c.minCount())
                .epochs(c.epochs()).batchSize(c.batchSize()).lr(c.learningRate()).seed(c.seed()).fit(sentences);
        for (int e = 0; e < w2v.epochLoss().length; e++) {
            out.printf(Locale.ROOT, "epoch %d/%d: loss %.4f per pair%n", e + 1, c.epochs(), w2v.epochLoss()[e]);
        }
        WordVectors vectors = w2v.vectors();
        Map<String, List<WordVectors.Neighbour>> neighbours = new LinkedHashMap<>();
        for (String q : c.queries()) {
            if (!vectors.contains(q)) {
                out.println(q + ": not in the vocabulary (fewer than " + c.minCount() + " occurrences)");
                continue;
            }
            List<WordVectors.Neighbour> nn = vectors.nearest(q, 8);
            neighbours.put(q, nn);
            StringBuilder sb = new StringBuilder(q).append(':');
            for (WordVectors.Neighbour n : nn) {
                sb.append(String.format(Locale.ROOT, " %s %.3f", n.word(), n.similarity()));
            }
            out.println(sb);
        }

        int mapped = Math.min(c.words(), vectors.size());
        List<String> words = vectors.words().subList(0, mapped);
        float[][] x = new float[mapped][];
        String[] group = new String[mapped];
        for (int i = 0; i < mapped; i++) {
            x[i] = unit(vectors.vector(words.get(i)));
            group[i] = groupOf(byLabel.get(words.get(i)), labelTokens, labels);
        }
        TSNE.Result map = new TSNE(Math.min(c.perplexity(), (mapped - 1) / 3.0)).seed(c.seed()).fit(x);
        double trust = TSNE.trustworthiness(x, map.embedding(), Math.min(NEIGHBOURS, mapped / 2 - 1));
        double randomTrust = TSNE.trustworthiness(x, randomLayout(mapped, c.seed()), Math.min(NEIGHBOURS, mapped / 2 - 1));
        double[] agreement = neighbourAgreement(x, group);
        out.printf(Locale.ROOT, "t-SNE of the %d most frequent words: KL %.4f after %d iterations, trustworthiness %.4f "
                        + "(random layout %.4f); %d-nearest-neighbour majority of the word's own group %.4f (largest group %.4f)%n",
                mapped, map.klDivergence(), map.iterations(), trust, randomTrust, NEIGHBOURS, agreement[0], agreement[1]);

        Files.createDirectories(c.output());
        Path png = c.output().resolve("tsne.png");
        String[] shown = new String[mapped];
        for (int i = 0; i < mapped; i++) {
            shown[i] = words.get(i);
        }
        new ScatterPlot(map.embedding()).groups(group).labels(shown)
                .title(String.format(Locale.ROOT, "word2vec on Gene Ontology definitions: t-SNE of the %d most frequent words, "
                        + "coloured by the namespace that uses each most", mapped)).write(png);
        try (BufferedWriter w = Files.newBufferedWriter(c.output().resolve("words.tsv"), StandardCharsets.UTF_8)) {
            w.write("word\tgroup\tx\ty\n");
            for (int i = 0; i < mapped; i++) {
                w.write(String.format(Locale.ROOT, "%s\t%s\t%.4f\t%.4f%n", words.get(i), group[i], map.embedding()[i][0],
                        map.embedding()[i][1]));
            }
        }
        out.println("wrote " + png + " and words.tsv");
        return new Result(c, vectors.size(), tokens, mapped, trust, randomTrust, agreement[0], agreement[1], neighbours,
                w2v.epochLoss(), png, (System.nanoTime() - started) / 1e9);
    }

    private static void validate(Config c) {
        if (c.words() < 10 || !(c.perplexity() > 0) || c.queries() == null) {
            throw new IllegalArgumentException("embeddings-tsne: map at least 10 words with a positive perplexity, got "
                    + c.words() + " words, perplexity " + c.perplexity());
        }
    }

    private static float[] unit(float[] v) {
        double norm = 0;
        for (float f : v) {
            norm += (double) f * f;
        }
        float[] u = new float[v.length];
        double inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
        for (int i = 0; i < v.length; i++) {
            u[i] = (float) (v[i] * inv);
        }
        return u;
    }

    /** The label whose texts use the word most for their size in tokens, by its long name where it has one. */
    private static String groupOf(long[] counts, long[] labelTokens, List<String> labels) {
        int best = 0;
        for (int l = 1; l < counts.length; l++) {
            if ((double) counts[l] / labelTokens[l] > (double) counts[best] / labelTokens[best]) {
                best = l;
            }
        }
        return NAMESPACES.getOrDefault(labels.get(best), labels.get(best));
    }

    private static float[][] randomLayout(int n, long seed) {
        Generator g = new Generator(seed);
        float[][] y = new float[n][2];
        for (float[] p : y) {
            p[0] = (float) g.nextDouble();
            p[1] = (float) g.nextDouble();
        }
        return y;
    }

    /**
     * {@code {share of words whose NEIGHBOURS nearest words (cosine, among the mapped words) are mostly of the
     * word's own group (a tie goes to the group of the nearest), share of the largest group}}.
     */
    static double[] neighbourAgreement(float[][] unit, String[] group) {
        int n = unit.length;
        int k = Math.min(NEIGHBOURS, n - 1);
        Map<String, Integer> sizes = new LinkedHashMap<>();
        for (String g : group) {
            sizes.merge(g, 1, Integer::sum);
        }
        int agree = 0;
        for (int i = 0; i < n; i++) {
            int[] nearest = nearest(unit, i, k);
            Map<String, Integer> votes = new LinkedHashMap<>();
            for (int j : nearest) {
                votes.merge(group[j], 1, Integer::sum);
            }
            String winner = group[nearest[0]];
            for (Map.Entry<String, Integer> e : votes.entrySet()) {
                if (e.getValue() > votes.get(winner)) {
                    winner = e.getKey();
                }
            }
            agree += winner.equals(group[i]) ? 1 : 0;
        }
        int largest = sizes.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        return new double[] {(double) agree / n, (double) largest / n};
    }

    /** The {@code k} rows most cosine-similar to row {@code i} (rows are unit vectors), most similar first. */
    private static int[] nearest(float[][] unit, int i, int k) {
        int[] best = new int[k];
        double[] sim = new double[k];
        Arrays.fill(sim, Double.NEGATIVE_INFINITY);
        for (int j = 0; j < unit.length; j++) {
            if (j == i) {
                continue;
            }
            double s = 0;
            for (int d = 0; d < unit[i].length; d++) {
                s += (double) unit[i][d] * unit[j][d];
            }
            if (s > sim[k - 1]) {
                int p = k - 1;
                while (p > 0 && sim[p - 1] < s) {
                    sim[p] = sim[p - 1];
                    best[p] = best[p - 1];
                    p--;
                }
                sim[p] = s;
                best[p] = j;
            }
        }
        return best;
    }
}
