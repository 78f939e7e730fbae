package org.vesalius.examples;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.vesalius.autograd.NoGrad;
import org.vesalius.data.BucketBatchSampler;
import org.vesalius.data.DataLoader;
import org.vesalius.data.Dataset;
import org.vesalius.nn.Dropout;
import org.vesalius.nn.Embedding;
import org.vesalius.nn.F;
import org.vesalius.nn.Linear;
import org.vesalius.nn.Module;
import org.vesalius.optim.Adam;
import org.vesalius.optim.GradClip;
import org.vesalius.rnn.GRU;
import org.vesalius.rnn.LSTM;
import org.vesalius.rnn.PackedRNNResult;
import org.vesalius.rnn.PackedSequence;
import org.vesalius.rnn.RNNBase;
import org.vesalius.rnn.RNNUtils;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;
import org.vesalius.text.PaddedBatch;
import org.vesalius.text.Padding;

/**
 * What the text-classification examples ({@link SentimentImdb}, {@link BiomedicalText}) share: token ids
 * with their labels, length-bucketed batches, a recurrent classifier over packed sequences, its training
 * loop, a bag-of-words logistic regression, and the scores (accuracy, macro-F1) of any predictor.
 */
final class TextClassifiers {
    private TextClassifiers() {
    }

    /** Token ids (id 0 is padding) and class labels ({@code 0..classes-1}) of one split. */
    record Encoded(List<int[]> ids, int[] labels) implements Dataset<Integer> {
        @Override
        public int size() {
            return labels.length;
        }

        @Override
        public Integer get(int index) {
            return index;
        }

        int[] lengths() {
            return ids.stream().mapToInt(a -> a.length).toArray();
        }
    }

    /** A batch: padded ids and lengths, labels (int64 {@code [N]}) and where each row sits in its split. */
    record Batch(PaddedBatch text, Tensor labels, int[] index) implements AutoCloseable {
        @Override
        public void close() {
            text.close();
            labels.close();
        }
    }

    /** Accuracy and macro-F1 of one predictor on one split. */
    record Scores(double accuracy, double macroF1) {
        static Scores of(int[] predicted, int[] truth, int classes) {
            return new Scores(TextClassifiers.accuracy(predicted, truth), TextClassifiers.macroF1(predicted, truth, classes));
        }
    }

    /** Embedding, a one-layer recurrent layer over the packed sequences, final states to class logits. */
    static final class RecurrentClassifier extends Module {
        private final RNNBase rnn;
        private final boolean lstm;

        /**
         * @param cell {@code "lstm"} or {@code "gru"}
         * @param classes number of logits
         */
        RecurrentClassifier(Embedding embedding, String cell, int hidden, boolean bidirectional, double dropout, int classes,
                            Generator g) {
            int e = embedding.weight().size(1);
            this.lstm = cell.equals("lstm");
            registerModule("embedding", embedding);
            registerModule("dropout", new Dropout(dropout));
            this.rnn = registerModule("rnn", lstm ? new LSTM(e, hidden, 1, true, true, 0, bidirectional, 0, g)
                    : new GRU(e, hidden, 1, true, true, 0, bidirectional, g));
            registerModule("fc", new Linear(hidden * (bidirectional ? 2 : 1), classes, true, g));
        }

        /** Logits {@code [N, classes]} for padded ids {@code [N, L]} with their lengths. */
        Tensor forward(PaddedBatch b) {
            Tensor x = getSubmodule("dropout").forward(getSubmodule("embedding").forward(b.tokens()));
            PackedSequence packed = RNNUtils.packPaddedSequence(x, b.lengths(), true, false);
            PackedRNNResult r = lstm ? ((LSTM) rnn).forward(packed, null, null) : ((GRU) rnn).forward(packed, null);
            Tensor h = r.h();
            Tensor last = h.size(0) == 1 ? h.select(0, 0) : Tensor.cat(1, h.select(0, 0), h.select(0, 1));
            return getSubmodule("fc").forward(getSubmodule("dropout").forward(last));
        }
    }

    /** Losses and seconds of each training epoch. */
    record Training(List<Double> epochLosses, List<Double> epochSeconds) {
    }

    /** A seeded Fisher-Yates permutation of {@code 0..n-1}. */
    static int[] permutation(int n, long seed) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        Generator g = new Generator(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = g.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** Batches of similar-length sequences, drawn from pools of {@code poolBatches} batches, seeded. */
    static DataLoader<Batch> loader(Encoded data, int batchSize, long seed, int poolBatches) {
        return new DataLoader<>(data, batchSize, (List<Integer> idx) -> {
            List<int[]> seqs = new ArrayList<>(idx.size());
            long[] labels = new long[idx.size()];
            int[] index = new int[idx.size()];
            for (int k = 0; k < idx.size(); k++) {
                index[k] = idx.get(k);
                seqs.add(data.ids().get(index[k]));
                labels[k] = data.labels()[index[k]];
            }
            // the loader takes the batch's tensors out of its scope (it finds them in records)
            return new Batch(Padding.pad(seqs, 0), Tensor.of(labels, labels.length), index);
        }).batchSampler(new BucketBatchSampler(data.lengths(), batchSize, poolBatches, false)).seed(seed);
    }

    /**
     * Trains {@code net} with cross-entropy, {@code opt} and gradient clipping at norm 5 over {@code epochs}
     * passes of {@code train} (batches of {@code batchSize} from pools of 50 batches), printing each epoch.
     */
    static Training fit(RecurrentClassifier net, Adam opt, Encoded train, int epochs, int batchSize, long seed,
                        PrintStream out) {
        List<Double> losses = new ArrayList<>();
        List<Double> seconds = new ArrayList<>();
        DataLoader<Batch> trainLoader = loader(train, batchSize, seed, 50);
        for (int epoch = 1; epoch <= epochs; epoch++) {
            long t0 = System.nanoTime();
            net.train();
            double sum = 0;
            long count = 0;
            for (Batch b : trainLoader) {
                try (Scope s = Scope.open(); b) {
                    opt.zeroGrad();
                    Tensor loss = F.crossEntropy(net.forward(b.text()), b.labels());
                    loss.backward();
                    GradClip.clipGradNorm(net.parameters(), 5.0);
                    opt.step();
                    sum += loss.item() * b.labels().size(0);
                    count += b.labels().size(0);
                }
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            losses.add(sum / count);
            seconds.add(secs);
            out.printf(Locale.ROOT, "epoch %d/%d: train loss %.4f, %.1f s%n", epoch, epochs, sum / count, secs);
        }
        return new Training(losses, seconds);
    }

    /** The class {@code net} gives each sequence of {@code data}, in {@code data}'s order. */
    static int[] predict(RecurrentClassifier net, Encoded data, int batchSize) {
        net.eval();
        int[] predicted = new int[data.size()];
        try (NoGrad ng = NoGrad.open()) {
            for (Batch b : loader(data, batchSize, 0, Integer.MAX_VALUE / Math.max(batchSize, 1))) {
                try (Scope s = Scope.open(); b) {
                    long[] p = net.forward(b.text()).argmax(1, false).toLongArray();
                    for (int k = 0; k < p.length; k++) {
                        predicted[b.index()[k]] = (int) p[k];
                    }
                }
            }
        }
        return predicted;
    }

    /** The most frequent class of {@code labels} (ties: the smaller class). */
    static int majorityClass(int[] labels, int classes) {
        int[] counts = new int[classes];
        for (int l : labels) {
            counts[l]++;
        }
        int best = 0;
        for (int c = 1; c < classes; c++) {
            best = counts[c] > counts[best] ? c : best;
        }
        return best;
    }

    /**
     * Logistic regression on the presence of token ids {@code 2 .. features + 1} (0 and 1 are padding and
     * the unknown token), {@code epochs} passes of Adam at {@code learningRate} (batches of 256 in one seeded
     * order): the predicted class of each sequence of {@code test}, in order.
     */
    static int[] bagOfWords(Encoded train, Encoded test, int features, int classes, int epochs, double learningRate,
                            long seed) {
        return logisticRegression(train, test, features, classes, epochs, learningRate, seed, false)[epochs - 1];
    }

    /** {@link #bagOfWords}'s predictions on {@code test} after each epoch: {@code [epoch][sequence]}. */
    static int[][] bagOfWordsEpochs(Encoded train, Encoded test, int features, int classes, int epochs, double learningRate,
                                    long seed) {
        return logisticRegression(train, test, features, classes, epochs, learningRate, seed, true);
    }

    private static int[][] logisticRegression(Encoded train, Encoded test, int features, int classes, int epochs,
                                              double learningRate, long seed, boolean everyEpoch) {
        Generator g = new Generator(seed);
        int[][] predicted = new int[epochs][];
        try (Linear lr = new Linear(features, classes, true, g); Adam opt = new Adam(lr.parameters(), learningRate)) {
            int n = train.size();
            int[] order = permutation(n, seed + 1);
            for (int epoch = 0; epoch < epochs; epoch++) {
                for (int from = 0; from < n; from += 256) {
                    int to = Math.min(from + 256, n);
                    try (Scope s = Scope.open()) {
                        opt.zeroGrad();
                        Tensor loss = F.crossEntropy(lr.forward(bag(train, order, from, to, features)),
                                labels(train, order, from, to));
                        loss.backward();
                        opt.step();
                    }
                }
                if (everyEpoch || epoch == epochs - 1) {
                    predicted[epoch] = predict(lr, test, features);
                }
            }
            return predicted;
        }
    }

    private static int[] predict(Linear lr, Encoded test, int features) {
        int[] predicted = new int[test.size()];
        int[] all = permutation(test.size(), 0);
        Arrays.sort(all);
        try (NoGrad ng = NoGrad.open()) {
            for (int from = 0; from < test.size(); from += 1024) {
                int to = Math.min(from + 1024, test.size());
                try (Scope s = Scope.open()) {
                    long[] p = lr.forward(bag(test, all, from, to, features)).argmax(1, false).toLongArray();
                    for (int k = 0; k < p.length; k++) {
                        predicted[from + k] = (int) p[k];
                    }
                }
            }
        }
        return predicted;
    }

    private static Tensor bag(Encoded d, int[] order, int from, int to, int features) {
        float[] x = new float[(to - from) * features];
        for (int k = from; k < to; k++) {
            for (int id : d.ids().get(order[k])) {
                if (id >= 2 && id < features + 2) {
                    x[(k - from) * features + id - 2] = 1;
                }
            }
        }
        return Tensor.of(x, to - from, features);
    }

    private static Tensor labels(Encoded d, int[] order, int from, int to) {
        long[] y = new long[to - from];
        for (int k = from; k < to; k++) {
            y[k - from] = d.labels()[order[k]];
        }
        return Tensor.of(y, y.length);
    }

    /** The fraction of {@code predicted} equal to {@code truth}. */
    static double accuracy(int[] predicted, int[] truth) {
        checkSameLength(predicted, truth);
        int right = 0;
        for (int i = 0; i < truth.length; i++) {
            right += predicted[i] == truth[i] ? 1 : 0;
        }
        return (double) right / truth.length;
    }

    /**
     * The unweighted mean over classes of F1 = 2 TP / (2 TP + FP + FN), over the classes that occur in
     * {@code truth} or {@code predicted} (scikit-learn's {@code f1_score(average="macro")}): a class never
     * predicted right scores 0, so a predictor that favours the frequent classes is marked down.
     */
    static double macroF1(int[] predicted, int[] truth, int classes) {
        checkSameLength(predicted, truth);
        long[] tp = new long[classes];
        long[] fp = new long[classes];
        long[] fn = new long[classes];
        for (int i = 0; i < truth.length; i++) {
            if (predicted[i] == truth[i]) {
                tp[truth[i]]++;
            } else {
                fp[predicted[i]]++;
                fn[truth[i]]++;
            }
        }
        double sum = 0;
        int present = 0;
        for (int c = 0; c < classes; c++) {
            long denominator = 2 * tp[c] + fp[c] + fn[c];
            if (denominator > 0) {
                sum += 2.0 * tp[c] / denominator;
                present++;
            }
        }
        return present == 0 ? 0 : sum / present;
    }

    private static void checkSameLength(int[] predicted, int[] truth) {
        if (predicted.length != truth.length || truth.length == 0) {
            throw new IllegalArgumentException("scores: " + predicted.length + " predictions for " + truth.length
                    + " labels (need the same positive number)");
        }
    }
}
