package org.vesalius.rnn.embeddings;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.vesalius.autograd.NoGrad;
import org.vesalius.nn.Init;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;
import org.vesalius.text.WordTokenizer;
import org.vesalius.text.WordVectors;

class Word2VecTest {
    private static final double LN2 = Math.log(2);

    /** Sentences of {@code length} words, each drawn from one topic: words t0_0..t0_5 for topic 0, and so on. */
    private static List<List<String>> topics(int topics, int words, int sentences, int length, long seed) {
        Random r = new Random(seed);
        List<List<String>> out = new ArrayList<>();
        for (int s = 0; s < sentences; s++) {
            int t = r.nextInt(topics);
            List<String> sent = new ArrayList<>();
            for (int m = 0; m < length; m++) {
                sent.add("t" + t + "_" + r.nextInt(words));
            }
            out.add(sent);
        }
        return out;
    }

    @Test
    void plantedTopicsAreRecoveredExactlyAndTheLossFalls() {
        int topics = 4;
        int words = 6;
        Word2Vec.Result r = new Word2Vec().dim(16).window(3).negative(5).minCount(1).sample(0).epochs(6).batchSize(256)
                .seed(0).fit(topics(topics, words, 600, 10, 1));
        assertEquals(topics * words, r.vocabulary().size());
        WordVectors v = r.vectors();
        for (String w : v.words()) {
            String topic = w.substring(0, w.indexOf('_'));
            for (WordVectors.Neighbour n : v.nearest(w, words - 1)) {
                assertTrue(n.word().startsWith(topic + "_"), w + "'s nearest words should be its topic's, got " + v.nearest(w, words - 1));
            }
        }
        double[] loss = r.epochLoss();
        assertTrue(loss[0] < 6 * LN2, "training lowers the loss from (K + 1) log 2 within the first epoch: " + loss[0]);
        for (int e = 1; e < loss.length; e++) {
            assertTrue(loss[e] < loss[e - 1], "epoch losses fall: " + java.util.Arrays.toString(loss));
        }
        assertTrue(loss[loss.length - 1] < 0.8 * loss[0], "the loss falls by a fifth: " + java.util.Arrays.toString(loss));
    }

    @Test
    void aRunIsRepeatable() {
        List<List<String>> corpus = topics(3, 5, 200, 8, 2);
        Word2Vec w2v = new Word2Vec().dim(8).minCount(1).epochs(2).batchSize(64).seed(11);
        Word2Vec.Result a = w2v.fit(corpus);
        Word2Vec.Result b = w2v.fit(corpus);
        assertArrayEquals(a.epochLoss(), b.epochLoss());
        assertArrayEquals(a.model().inEmbedding().weight().toFloatArray(), b.model().inEmbedding().weight().toFloatArray());
        Word2Vec.Result c = new Word2Vec().dim(8).minCount(1).epochs(2).batchSize(64).seed(12).fit(corpus);
        assertTrue(c.epochLoss()[0] != a.epochLoss()[0], "another seed, another run");
    }

    @Test
    void theLossIsSkipGramsNegativeSamplingObjective() {
        SkipGram m = new SkipGram(7, 3, new Generator(4));
        assertEquals(List.of("in_embed.weight", "out_embed.weight"), new ArrayList<>(m.stateDict().keySet()));
        Tensor c = Tensor.of(new long[] {0, 3, 6}, 3);
        Tensor o = Tensor.of(new long[] {1, 1, 2}, 3);
        Tensor neg = Tensor.of(new long[] {2, 4, 5, 6, 0, 0}, 3, 2);
        float[] fresh = m.loss(c, o, neg).toFloatArray();
        for (float f : fresh) {
            assertEquals(3 * LN2, f, 1e-6, "context vectors start at zero: every pair costs (K + 1) log 2");
        }
        try (NoGrad ng = NoGrad.open()) {
            Init.normal_(m.outEmbedding().weight(), 0, 1, new Generator(5));
            Init.normal_(m.inEmbedding().weight(), 0, 1, new Generator(6));
        }
        float[] in = m.inEmbedding().weight().toFloatArray();
        float[] out = m.outEmbedding().weight().toFloatArray();
        long[] cs = {0, 3, 6};
        long[] os = {1, 1, 2};
        long[][] ns = {{2, 4}, {5, 6}, {0, 0}};
        float[] got = m.loss(c, o, neg).toFloatArray();
        for (int b = 0; b < 3; b++) {
            double want = -logSigmoid(dot(in, (int) cs[b], out, (int) os[b]));
            for (long n : ns[b]) {
                want -= logSigmoid(-dot(in, (int) cs[b], out, (int) n));
            }
            assertEquals(want, got[b], 1e-5 * Math.max(1, Math.abs(want)), "pair " + b);
        }
        assertArrayEquals(new int[] {3, 3}, m.forward(c).shape());
        assertThrows(IllegalArgumentException.class, () -> m.loss(c, o, Tensor.of(new long[] {1, 2}, 2)));
        assertThrows(IllegalArgumentException.class, () -> m.loss(c, Tensor.of(new long[] {1}, 1), neg));
    }

    private static double dot(float[] a, int i, float[] b, int j) {
        double s = 0;
        for (int t = 0; t < 3; t++) {
            s += (double) a[i * 3 + t] * b[j * 3 + t];
        }
        return s;
    }

    private static double logSigmoid(double x) {
        return -Math.log1p(Math.exp(-x));
    }

    @Test
    void subsamplingAndNoiseFollowWord2vec() {
        long[] counts = {1000, 100, 10, 1};
        long total = 1111;
        double[] keep = Word2Vec.keepProbabilities(counts, total, 1e-3);
        for (int w = 0; w < counts.length; w++) {
            double f = counts[w] / (1e-3 * total);
            assertEquals((Math.sqrt(f) + 1) / f, keep[w], 1e-12);
        }
        assertTrue(keep[0] < 0.05 && keep[3] > 1, "frequent words are dropped often, rare ones never: " + java.util.Arrays.toString(keep));
        assertArrayEquals(new double[] {1, 1, 1, 1}, Word2Vec.keepProbabilities(counts, total, 0));

        NoiseDistribution noise = new NoiseDistribution(counts, 0.75);
        double z = 0;
        for (long c : counts) {
            z += Math.pow(c, 0.75);
        }
        int draws = 200_000;
        int[] seen = new int[counts.length];
        Generator g = new Generator(3);
        for (int i = 0; i < draws; i++) {
            seen[noise.sample(g)]++;
        }
        for (int w = 0; w < counts.length; w++) {
            double p = Math.pow(counts[w], 0.75) / z;
            assertEquals(p, noise.probability(w), 1e-12);
            double sd = Math.sqrt(draws * p * (1 - p));
            assertEquals(draws * p, seen[w], 5 * sd, "draws of word " + w);
        }
    }

    @Test
    void badSettingsAndCorporaAreRefused() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Word2Vec().minCount(3).fit(List.of(List.of("a", "b", "a"))))
                .getMessage().contains("minCount"));
        assertThrows(IllegalArgumentException.class, () -> new Word2Vec().fit(null));
        assertThrows(IllegalArgumentException.class, () -> new Word2Vec().dim(0));
        assertThrows(IllegalArgumentException.class, () -> new Word2Vec().window(0));
        assertThrows(IllegalArgumentException.class, () -> new Word2Vec().sample(-1));
        assertThrows(IllegalArgumentException.class, () -> new Word2Vec().lr(0));
        assertThrows(IllegalArgumentException.class, () -> new SkipGram(0, 3, new Generator(0)));
    }

    /** The Gene Ontology sample: term name and definition as one sentence each, with its namespace (BP, MF, CC). */
    private static List<String[]> geneOntology() {
        List<String[]> rows = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(
                Fixtures.open("embeddings/go-sample.tsv.gz")), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                rows.add(line.split("\t"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows;
    }

    /**
     * Words that belong to one namespace (at least 10 occurrences, 90% of them in that namespace's terms),
     * and how often a word's 5 nearest such words by cosine outvote for its own namespace.
     */
    private static double namespaceAgreement(WordVectors v, Map<String, Integer> label) {
        List<String> words = new ArrayList<>(label.keySet());
        words.sort(null);
        int agree = 0;
        for (String w : words) {
            float[] a = v.vector(w);
            double[] sim = new double[words.size()];
            for (int j = 0; j < words.size(); j++) {
                sim[j] = words.get(j).equals(w) ? Double.NEGATIVE_INFINITY : cosine(a, v.vector(words.get(j)));
            }
            int[] votes = new int[3];
            for (int m = 0; m < 5; m++) {
                int best = 0;
                for (int j = 1; j < sim.length; j++) {
                    if (sim[j] > sim[best]) {
                        best = j;
                    }
                }
                votes[label.get(words.get(best))]++;
                sim[best] = Double.NEGATIVE_INFINITY;
            }
            int vote = votes[0] >= votes[1] && votes[0] >= votes[2] ? 0 : votes[1] >= votes[2] ? 1 : 2;
            agree += vote == label.get(w) ? 1 : 0;
        }
        return (double) agree / words.size();
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int t = 0; t < a.length; t++) {
            dot += (double) a[t] * b[t];
            na += (double) a[t] * a[t];
            nb += (double) b[t] * b[t];
        }
        return dot / Math.sqrt(na * nb);
    }

    @Test
    void geneOntologyDefinitionsGroupWordsByNamespace() {
        List<String[]> terms = geneOntology();
        assertEquals(3000, terms.size());
        WordTokenizer tok = new WordTokenizer();
        List<List<String>> sentences = new ArrayList<>();
        List<String> namespaces = List.of("BP", "MF", "CC");
        Map<String, int[]> perNamespace = new HashMap<>();
        for (String[] t : terms) {
            List<String> s = tok.tokenize(t[2] + " . " + t[3]);
            sentences.add(s);
            for (String w : s) {
                perNamespace.computeIfAbsent(w, k -> new int[3])[namespaces.indexOf(t[1])]++;
            }
        }
        Word2Vec w2v = new Word2Vec().dim(32).window(5).negative(5).minCount(5).epochs(2).batchSize(2048).lr(0.05).seed(0);
        Word2Vec.Result r = w2v.fit(sentences);
        WordVectors v = r.vectors();
        Map<String, Integer> label = new HashMap<>();
        int[] sizes = new int[3];
        for (String w : v.words()) {
            int[] c = perNamespace.get(w);
            int total = c[0] + c[1] + c[2];
            for (int k = 0; k < 3; k++) {
                if (total >= 10 && c[k] >= 0.9 * total) {
                    label.put(w, k);
                    sizes[k]++;
                }
            }
        }
        assertTrue(label.size() > 300, "words specific to one namespace: " + label.size());
        double chance = (double) Math.max(sizes[0], Math.max(sizes[1], sizes[2])) / label.size();
        double trained = namespaceAgreement(v, label);
        double untrained = namespaceAgreement(new SkipGram(v.size(), 32, new Generator(0)).vectors(r.vocabulary()), label);
        assertTrue(trained > 0.85, "5-NN namespace agreement " + trained + " (majority class " + chance + ")");
        assertTrue(untrained < chance + 0.1, "untrained vectors are at chance: " + untrained + " (majority class " + chance + ")");
        assertTrue(r.epochLoss()[1] < r.epochLoss()[0], "loss falls: " + java.util.Arrays.toString(r.epochLoss()));
        Set<String> nearMembrane = new HashSet<>();
        v.nearest("membrane", 10).forEach(n -> nearMembrane.add(n.word()));
        assertTrue(nearMembrane.contains("plasma"), "'plasma membrane' is the commonest compartment: " + nearMembrane);
    }
}
