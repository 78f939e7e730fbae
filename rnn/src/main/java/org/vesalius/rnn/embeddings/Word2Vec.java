package org.vesalius.rnn.embeddings;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vesalius.optim.SGD;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;
import org.vesalius.text.Vocabulary;
import org.vesalius.text.WordVectors;

/**
 * Trains word vectors with word2vec's skip-gram and negative sampling ({@link SkipGram}) on
 * tokenized text, with the recipe of word2vec's C code:
 * <ul>
 *   <li>a vocabulary of the words seen at least {@code minCount} times (others are dropped before the
 *       windows are taken), most frequent first;</li>
 *   <li>each epoch, frequent words are subsampled: a word of count {@code f} among {@code T} kept tokens
 *       stays with probability {@code (sqrt(f / (s T)) + 1) (s T) / f} for {@code sample = s} (Mikolov
 *       et al.'s formula as the C code has it; 0 turns it off);</li>
 *   <li>a dynamic window: for each centre a width {@code b} uniform in {@code 1..window}, and every word
 *       within {@code b} positions on either side is a context;</li>
 *   <li>{@code negative} noise words per pair from the unigram distribution to the power 0.75 (a draw
 *       equal to the context word is drawn again);</li>
 *   <li>plain SGD on the summed loss of each batch (so {@code lr} means what word2vec's {@code alpha}
 *       does, per pair), decaying linearly to {@code lr * 1e-4} over the run.</li>
 * </ul>
 * Pairs are gathered sentence by sentence into a buffer of {@code 64 * batchSize}, shuffled there and
 * cut into batches, so memory stays bounded for any corpus. Everything random comes from one
 * {@link Generator} seeded by {@code seed}: a run is repeatable.
 * <pre>{@code
 * var tok = new WordTokenizer();
 * List<List<String>> sentences = texts.stream().map(tok::tokenize).toList();
 * Word2Vec.Result r = new Word2Vec().dim(100).window(5).minCount(5).epochs(5).seed(0).fit(sentences);
 * r.vectors().nearest("heart", 10);
 * }</pre>
 */
public final class Word2Vec {
    private static final Logger LOG = LoggerFactory.getLogger(Word2Vec.class);
    private static final double NOISE_POWER = 0.75;
    private static final double MIN_LR_FRACTION = 1e-4;
    private static final int BUFFER_BATCHES = 64;

    private int dim = 100;
    private int window = 5;
    private int negative = 5;
    private int minCount = 5;
    private int maxVocab;
    private double sample = 1e-3;
    private int epochs = 5;
    private int batchSize = 1024;
    private double lr = 0.025;
    private long seed;

    /** Trained vectors: the vocabulary (most frequent first), each word's count, the model and the mean loss per pair of each epoch. */
    public record Result(Vocabulary vocabulary, long[] counts, SkipGram model, double[] epochLoss) {
        /** The word vectors ({@code in_embed}), one per vocabulary word, for nearest-neighbour queries. */
        public WordVectors vectors() {
            return model.vectors(vocabulary);
        }
    }

    /** Length of the vectors (default 100). */
    public Word2Vec dim(int value) {
        this.dim = atLeast("dim", value, 1);
        return this;
    }

    /** Largest distance between a centre and its contexts (default 5); each centre draws its own width up to it. */
    public Word2Vec window(int value) {
        this.window = atLeast("window", value, 1);
        return this;
    }

    /** Noise words per pair (default 5). */
    public Word2Vec negative(int value) {
        this.negative = atLeast("negative", value, 1);
        return this;
    }

    /** Fewest occurrences for a word to get a vector (default 5). */
    public Word2Vec minCount(int value) {
        this.minCount = atLeast("minCount", value, 1);
        return this;
    }

    /** Most words in the vocabulary, the most frequent kept ({@code <= 0}, the default: no limit). */
    public Word2Vec maxVocab(int value) {
        this.maxVocab = value;
        return this;
    }

    /** Subsampling threshold {@code s} (default 1e-3; 0: keep every token). */
    public Word2Vec sample(double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("Word2Vec: sample must be finite and at least 0, got " + value);
        }
        this.sample = value;
        return this;
    }

    /** Passes over the corpus (default 5). */
    public Word2Vec epochs(int value) {
        this.epochs = atLeast("epochs", value, 1);
        return this;
    }

    /** Pairs per SGD step (default 1024). */
    public Word2Vec batchSize(int value) {
        this.batchSize = atLeast("batchSize", value, 1);
        return this;
    }

    /** Starting learning rate per pair (default 0.025, word2vec's skip-gram {@code alpha}). */
    public Word2Vec lr(double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("Word2Vec: lr must be positive and finite, got " + value);
        }
        this.lr = value;
        return this;
    }

    public Word2Vec seed(long value) {
        this.seed = value;
        return this;
    }

    private static int atLeast(String name, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException("Word2Vec: " + name + " must be at least " + min + ", got " + value);
        }
        return value;
    }

    /**
     * Trains on {@code sentences} (each a list of tokens; windows do not cross sentences), on the
     * calling thread's backend.
     *
     * @throws IllegalArgumentException when fewer than two words reach {@code minCount}
     */
    public Result fit(List<? extends List<String>> sentences) {
        if (sentences == null) {
            throw new IllegalArgumentException("Word2Vec.fit: sentences is null");
        }
        Vocabulary vocab = Vocabulary.build(sentences, minCount, maxVocab);
        if (vocab.size() < 2) {
            throw new IllegalArgumentException("Word2Vec.fit: " + vocab.size() + " word(s) occur at least minCount = " + minCount
                    + " times; need 2 or more");
        }
        long[] counts = new long[vocab.size()];
        List<int[]> corpus = new ArrayList<>(sentences.size());
        long total = 0;
        long windowed = 0;
        for (List<String> s : sentences) {
            int[] ids = new int[s.size()];
            int m = 0;
            for (String t : s) {
                if (vocab.contains(t)) {
                    ids[m] = vocab.index(t);
                    counts[ids[m++]]++;
                }
            }
            if (m > 1) {
                corpus.add(Arrays.copyOf(ids, m));
                windowed += m;
            }
            total += m;
        }
        double[] keep = keepProbabilities(counts, total, sample);
        NoiseDistribution noise = new NoiseDistribution(counts, NOISE_POWER);
        Generator g = new Generator(seed);
        SkipGram model = new SkipGram(vocab.size(), dim, g);
        double[] epochLoss = new double[epochs];
        LOG.info("word2vec: {} words, {} tokens in {} sentences, dim {}, window {}, {} negatives, {} epochs", vocab.size(),
                total, corpus.size(), dim, window, negative, epochs);
        try (SGD opt = new SGD(model.parameters(), lr)) {
            Batches batches = new Batches(model, opt, noise, g, epochs * (double) windowed);
            for (int e = 0; e < epochs; e++) {
                long start = System.nanoTime();
                int[] order = permutation(corpus.size(), g);
                int[] kept = new int[0];
                for (int si : order) {
                    int[] s = corpus.get(si);
                    if (kept.length < s.length) {
                        kept = new int[s.length];
                    }
                    int m = 0;
                    for (int w : s) {
                        if (keep[w] >= 1 || g.nextDouble() < keep[w]) {
                            kept[m++] = w;
                        }
                    }
                    for (int p = 0; p < m; p++) {
                        int b = 1 + g.nextInt(window);
                        for (int q = Math.max(0, p - b); q <= Math.min(m - 1, p + b); q++) {
                            if (q != p) {
                                batches.add(kept[p], kept[q]);
                            }
                        }
                    }
                    batches.advance(s.length);
                }
                batches.flush();
                epochLoss[e] = batches.takeMeanLoss();
                LOG.info("word2vec epoch {}/{}: loss {} per pair, lr {}, {} s", e + 1, epochs,
                        String.format("%.4f", epochLoss[e]), String.format("%.5f", batches.lr()),
                        String.format("%.1f", (System.nanoTime() - start) / 1e9));
            }
        }
        return new Result(vocab, counts, model, epochLoss);
    }

    /** word2vec's chance of keeping each occurrence of a word of count f among {@code total} tokens. */
    static double[] keepProbabilities(long[] counts, long total, double sample) {
        double[] keep = new double[counts.length];
        for (int w = 0; w < counts.length; w++) {
            if (sample == 0 || counts[w] == 0) {
                keep[w] = 1;
            } else {
                double st = sample * total;
                keep[w] = (Math.sqrt(counts[w] / st) + 1) * st / counts[w];
            }
        }
        return keep;
    }

    private static int[] permutation(int n, Generator g) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = g.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** The pair buffer and the SGD steps on it. */
    private final class Batches {
        private final SkipGram model;
        private final SGD opt;
        private final NoiseDistribution noise;
        private final Generator g;
        private final double plannedTokens;
        private final int[] centres = new int[BUFFER_BATCHES * batchSize];
        private final int[] contexts = new int[centres.length];
        private int size;
        private double tokensDone;
        private double currentLr = lr;
        private double lossSum;
        private long pairs;

        Batches(SkipGram model, SGD opt, NoiseDistribution noise, Generator g, double plannedTokens) {
            this.model = model;
            this.opt = opt;
            this.noise = noise;
            this.g = g;
            this.plannedTokens = plannedTokens;
        }

        void add(int centre, int context) {
            if (size == centres.length) {
                drain(false);
            }
            centres[size] = centre;
            contexts[size++] = context;
        }

        /** Counts {@code tokens} more of the corpus as read, for the learning-rate schedule. */
        void advance(int tokens) {
            tokensDone += tokens;
        }

        void flush() {
            drain(true);
        }

        /** Shuffles the buffer and trains on its full batches (and on the last, partial one when {@code all}). */
        private void drain(boolean all) {
            for (int i = size - 1; i > 0; i--) {
                int j = g.nextInt(i + 1);
                int c = centres[i];
                centres[i] = centres[j];
                centres[j] = c;
                c = contexts[i];
                contexts[i] = contexts[j];
                contexts[j] = c;
            }
            int from = 0;
            while (size - from >= batchSize || all && from < size) {
                int b = Math.min(batchSize, size - from);
                step(from, b);
                from += b;
            }
            System.arraycopy(centres, from, centres, 0, size - from);
            System.arraycopy(contexts, from, contexts, 0, size - from);
            size -= from;
        }

        private void step(int from, int b) {
            long[] c = new long[b];
            long[] o = new long[b];
            long[] neg = new long[b * negative];
            for (int i = 0; i < b; i++) {
                c[i] = centres[from + i];
                o[i] = contexts[from + i];
                for (int k = 0; k < negative; k++) {
                    int w;
                    int tries = 0;
                    do {
                        w = noise.sample(g);
                    } while (w == o[i] && ++tries < 16);
                    neg[i * negative + k] = w;
                }
            }
            currentLr = lr * Math.max(1 - tokensDone / plannedTokens, MIN_LR_FRACTION);
            opt.paramGroups().get(0).setLr(currentLr);
            try (Scope s = Scope.open()) {
                Tensor loss = model.loss(Tensor.of(c, b), Tensor.of(o, b), Tensor.of(neg, b, negative)).sum();
                opt.zeroGrad();
                loss.backward();
                opt.step();
                lossSum += loss.item();
            }
            pairs += b;
        }

        double lr() {
            return currentLr;
        }

        /** Mean loss per pair since the last call. */
        double takeMeanLoss() {
            double m = pairs == 0 ? Double.NaN : lossSum / pairs;
            lossSum = 0;
            pairs = 0;
            return m;
        }
    }
}
