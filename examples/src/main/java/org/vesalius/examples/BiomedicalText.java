package org.vesalius.examples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.vesalius.examples.TextClassifiers.Encoded;
import org.vesalius.examples.TextClassifiers.Scores;
import org.vesalius.nn.Embedding;
import org.vesalius.optim.Adam;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;
import org.vesalius.text.ByteLevelBpe;
import org.vesalius.text.Vocabulary;
import org.vesalius.text.WordTokenizer;

/**
 * Clinical text classification: which ICPC-2 chapter (the body system or problem area of the International
 * Classification of Primary Care: digestive, cardiovascular, skin, ...) a German general-practice diagnosis
 * term belongs to, from the 49,468 terms of GNUmed's ICPC-2 thesaurus that {@code tools/text/fetch_corpora.py}
 * writes to {@code ~/.cache/vesalius/text/icpc/}.
 *
 * <p>Input: a tab-separated file, one labelled text per line: {@code id <TAB> label <TAB> text [<TAB> more
 * text]}, the extra fields joined to the text with ". ". The thesaurus file is {@code code, chapter, term};
 * the Gene Ontology file of the same script ({@code go_id, namespace, name, definition}) reads the same way.
 *
 * <p>Recipe: a seeded random split ({@code testFraction} of the terms for test, the rest for training);
 * lower-cased text cut into subwords by a byte-level BPE trained on the training terms (German compounds
 * such as "Kopfschmerz" share pieces with "Schmerz"); an {@link Embedding}, a one-layer bidirectional GRU
 * (or LSTM) over the packed subword sequences, the final states of both directions into a linear layer
 * to one logit per label; cross-entropy, Adam, gradient clipping at 5, batches of similar length. On the
 * same split, three baselines: the majority class, and a logistic regression on the presence of the
 * training terms' words ({@link WordTokenizer}) and on the presence of the same subwords the network reads.
 * Accuracy and macro-F1 (every label counts the same, so the small chapters matter) for all four.
 */
public final class BiomedicalText {
    private static final int BOW_WORDS = 20_000;
    private static final int BASELINE_MAX_EPOCHS = 20;
    private static final double BASELINE_LR = 1e-2;

    private BiomedicalText() {
    }

    /** What to run. */
    public record Config(Path data, double testFraction, int subwords, int maxLength, int embeddingDim, int hidden,
                         String cell, boolean bidirectional, int epochs, int batchSize, double learningRate, double dropout,
                         long seed) {
        /** The recipe of examples/README.md. */
        public static Config defaults() {
            return new Config(SentimentImdb.CORPORA.resolve("icpc/icpc2-de-thesaurus.tsv"), 0.2, 4000, 64, 64, 128, "gru", true,
                    10, 64, 2e-3, 0.3, 7);
        }
    }

    /** Test scores of the network and the three baselines, and how the run went. */
    public record Result(Config config, List<String> labels, int trainSize, int testSize, int subwordVocabulary,
                         Scores network, Scores bagOfWords, Scores bagOfSubwords, Scores majority,
                         List<Double> epochLosses, List<Double> epochSeconds, double seconds) {
        public String toJson() {
            return String.format(Locale.ROOT, "{\"example\":\"biomedical-text\",\"accuracy\":%.4f,\"macro_f1\":%.4f,"
                            + "\"bag_of_words_accuracy\":%.4f,\"bag_of_words_macro_f1\":%.4f,\"bag_of_subwords_accuracy\":%.4f,"
                            + "\"bag_of_subwords_macro_f1\":%.4f,\"majority_accuracy\":%.4f,\"majority_macro_f1\":%.4f,"
                            + "\"classes\":%d,\"cell\":\"%s%s\",\"epochs\":%d,\"train\":%d,\"test\":%d,\"subwords\":%d,\"seconds\":%.1f}",
                    network.accuracy(), network.macroF1(), bagOfWords.accuracy(), bagOfWords.macroF1(), bagOfSubwords.accuracy(),
                    bagOfSubwords.macroF1(), majority.accuracy(), majority.macroF1(), labels.size(),
                    config.bidirectional() ? "bi" : "", config.cell(), config.epochs(), trainSize, testSize, subwordVocabulary,
                    seconds);
        }
    }

    /** Labelled texts as read: the label of each and its text. */
    record Corpus(List<String> labels, List<String> texts) {
        /** Reads {@code id <TAB> label <TAB> text [<TAB> more text]} lines; blank lines are skipped. */
        static Corpus read(BufferedReader in) throws IOException {
            List<String> labels = new ArrayList<>();
            List<String> texts = new ArrayList<>();
            int lineNo = 0;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                if (f.length < 3 || f[1].isBlank() || f[2].isBlank()) {
                    throw new IOException("biomedical-text: line " + lineNo + " is not 'id <TAB> label <TAB> text' (" + f.length
                            + " field(s), or an empty label or text)");
                }
                labels.add(f[1].strip());
                texts.add(String.join(". ", Arrays.asList(f).subList(2, f.length)).strip());
            }
            return new Corpus(labels, texts);
        }
    }

    /** Reads {@code config.data()} and runs. */
    public static Result run(Config config, PrintStream out) throws IOException {
        if (!Files.isRegularFile(config.data())) {
            throw new IOException(config.data() + " does not exist: run tools/text/fetch_corpora.py first (it writes GNUmed's "
                    + "ICPC-2 thesaurus to ~/.cache/vesalius/text/icpc/ and the Gene Ontology to .../go/)");
        }
        try (BufferedReader in = Files.newBufferedReader(config.data(), StandardCharsets.UTF_8)) {
            return run(config, Corpus.read(in), out);
        }
    }

    /** Runs on texts already read (the tests pass a small real sample). */
    static Result run(Config c, Corpus corpus, PrintStream out) {
        long started = System.nanoTime();
        validate(c, corpus.texts().size());
        Tensor.manualSeed(c.seed());
        List<String> names = List.copyOf(new TreeSet<>(corpus.labels()));
        int classes = names.size();
        int n = corpus.texts().size();
        int testSize = (int) Math.round(n * c.testFraction());
        int trainSize = n - testSize;
        int[] order = TextClassifiers.permutation(n, c.seed());
        List<String> trainTexts = new ArrayList<>(trainSize);
        List<String> testTexts = new ArrayList<>(testSize);
        int[] trainLabels = new int[trainSize];
        int[] testLabels = new int[testSize];
        for (int i = 0; i < n; i++) {
            int r = order[i];
            String text = corpus.texts().get(r).toLowerCase(Locale.ROOT);
            int label = names.indexOf(corpus.labels().get(r));
            if (i < testSize) {
                testTexts.add(text);
                testLabels[i] = label;
            } else {
                trainTexts.add(text);
                trainLabels[i - testSize] = label;
            }
        }
        ByteLevelBpe bpe = ByteLevelBpe.train(trainTexts, c.subwords(), 2, Vocabulary.PAD, Vocabulary.UNK);
        Encoded train = subwords(bpe, trainTexts, trainLabels, c.maxLength());
        Encoded test = subwords(bpe, testTexts, testLabels, c.maxLength());
        out.printf(Locale.ROOT, "biomedical text: %d labels, %d training / %d test texts (seed %d), %d subwords, first %d, "
                        + "%s%s %d, embedding %d, %d epochs, batch %d, Adam lr %s%n", classes, trainSize, testSize, c.seed(),
                bpe.vocabSize(), c.maxLength(), c.bidirectional() ? "bi" : "", c.cell(), c.hidden(), c.embeddingDim(),
                c.epochs(), c.batchSize(), c.learningRate());
        out.println("e.g. \"" + testTexts.get(0) + "\" -> " + bpe.tokenize(testTexts.get(0)));

        int guess = TextClassifiers.majorityClass(trainLabels, classes);
        int[] constant = new int[testSize];
        Arrays.fill(constant, guess);
        Scores majority = Scores.of(constant, testLabels, classes);
        WordTokenizer words = new WordTokenizer();
        List<List<String>> trainWords = trainTexts.stream().map(words::tokenize).toList();
        Vocabulary vocab = Vocabulary.build(trainWords, 1, BOW_WORDS + 2, Vocabulary.PAD, Vocabulary.UNK);
        int wordFeatures = vocab.size() - 2;
        Scores bagOfWords = baseline("bag-of-words", encodeWords(vocab, trainWords, trainLabels),
                encodeWords(vocab, testTexts.stream().map(words::tokenize).toList(), testLabels), wordFeatures, classes, c.seed(),
                out);
        Scores bagOfSubwords = baseline("bag-of-subwords", train, test, bpe.vocabSize() - 2, classes, c.seed(), out);
        out.printf(Locale.ROOT, "majority class (%s): accuracy %.4f, macro-F1 %.4f%n", names.get(guess), majority.accuracy(),
                majority.macroF1());
        out.printf(Locale.ROOT, "bag-of-words logistic regression (%d words): accuracy %.4f, macro-F1 %.4f%n", wordFeatures,
                bagOfWords.accuracy(), bagOfWords.macroF1());
        out.printf(Locale.ROOT, "bag-of-subwords logistic regression (%d subwords): accuracy %.4f, macro-F1 %.4f%n",
                bpe.vocabSize() - 2, bagOfSubwords.accuracy(), bagOfSubwords.macroF1());

        Generator g = new Generator(c.seed());
        TextClassifiers.Training training;
        int[] predicted;
        try (TextClassifiers.RecurrentClassifier net = new TextClassifiers.RecurrentClassifier(
                new Embedding(bpe.vocabSize(), c.embeddingDim(), 0, g), c.cell(), c.hidden(), c.bidirectional(), c.dropout(),
                classes, g);
             Adam opt = new Adam(net.parameters(), c.learningRate())) {
            training = TextClassifiers.fit(net, opt, train, c.epochs(), c.batchSize(), c.seed(), out);
            predicted = TextClassifiers.predict(net, test, c.batchSize());
        }
        Scores network = Scores.of(predicted, testLabels, classes);
        out.printf(Locale.ROOT, "%s%s: accuracy %.4f, macro-F1 %.4f%n", c.bidirectional() ? "bi" : "", c.cell(),
                network.accuracy(), network.macroF1());
        return new Result(c, names, trainSize, testSize, bpe.vocabSize(), network, bagOfWords, bagOfSubwords, majority,
                training.epochLosses(), training.epochSeconds(), (System.nanoTime() - started) / 1e9);
    }

    private static void validate(Config c, int available) {
        if (!(c.testFraction() > 0 && c.testFraction() < 1) || Math.round(available * c.testFraction()) < 1
                || Math.round(available * c.testFraction()) >= available) {
            throw new IllegalArgumentException("biomedical-text: test fraction " + c.testFraction() + " of " + available
                    + " texts leaves no training or no test text");
        }
        if (c.epochs() < 1 || c.batchSize() < 1 || c.maxLength() < 1 || c.hidden() < 1 || c.embeddingDim() < 1
                || c.subwords() < 258 + 2 || !(c.learningRate() > 0) || !(c.dropout() >= 0 && c.dropout() < 1)) {
            throw new IllegalArgumentException("biomedical-text: epochs, batch size, length, sizes and learning rate must be "
                    + "positive, subwords at least 260 (2 specials and 256 bytes come first) and dropout in [0, 1), got " + c);
        }
        if (!c.cell().equals("lstm") && !c.cell().equals("gru")) {
            throw new IllegalArgumentException("biomedical-text: cell must be lstm or gru, got " + c.cell());
        }
    }

    /**
     * A bag-of-words logistic regression as strong as its recipe allows: Adam at {@value #BASELINE_LR} for the
     * number of epochs (up to {@value #BASELINE_MAX_EPOCHS}) that did best on the first tenth of the training
     * texts when trained on the other nine tenths, then trained on all the training texts.
     */
    private static Scores baseline(String name, Encoded train, Encoded test, int features, int classes, long seed,
                                   PrintStream out) {
        int v = Math.max(1, train.size() / 10);
        int[][] byEpoch = TextClassifiers.bagOfWordsEpochs(part(train, v, train.size()), part(train, 0, v), features, classes,
                BASELINE_MAX_EPOCHS, BASELINE_LR, seed);
        int[] validationLabels = Arrays.copyOfRange(train.labels(), 0, v);
        int best = 0;
        for (int e = 1; e < byEpoch.length; e++) {
            if (TextClassifiers.accuracy(byEpoch[e], validationLabels) > TextClassifiers.accuracy(byEpoch[best], validationLabels)) {
                best = e;
            }
        }
        out.printf(Locale.ROOT, "%s: %d epoch(s) chosen on the validation tenth (accuracy there %.4f)%n", name, best + 1,
                TextClassifiers.accuracy(byEpoch[best], validationLabels));
        return Scores.of(TextClassifiers.bagOfWords(train, test, features, classes, best + 1, BASELINE_LR, seed), test.labels(),
                classes);
    }

    private static Encoded part(Encoded e, int from, int to) {
        return new Encoded(e.ids().subList(from, to), Arrays.copyOfRange(e.labels(), from, to));
    }

    private static Encoded subwords(ByteLevelBpe bpe, List<String> texts, int[] labels, int maxLength) {
        List<int[]> ids = new ArrayList<>(texts.size());
        for (String t : texts) {
            int[] all = bpe.encode(t);
            ids.add(all.length == 0 ? new int[] {bpe.specialId(Vocabulary.UNK)} : Arrays.copyOf(all, Math.min(all.length, maxLength)));
        }
        return new Encoded(ids, labels);
    }

    private static Encoded encodeWords(Vocabulary vocab, List<List<String>> tokens, int[] labels) {
        return new Encoded(tokens.stream().map(vocab::encode).toList(), labels);
    }
}
