package org.vesalius.examples;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.vesalius.autograd.NoGrad;
import org.vesalius.backend.Backends;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/**
 * Trains a two-layer perceptron (784 - hidden - 10, ReLU) on real MNIST digits with nothing but
 * tensor ops, autograd and a hand-written SGD step, then reports test accuracy.
 *
 * <p>It is deliberately written without layers or optimizers, to show the core they are built
 * from: parameters are plain tensors that require grad, the loss is log-softmax plus gather, and
 * the update is {@code p -= lr * p.grad()} under {@link NoGrad}. Each step runs in a {@link Scope},
 * so the batch, activations and temporaries are freed when the step ends and memory stays flat.
 */
public final class FitMnistMlp {
    /** Normalisation constants of the MNIST training set, as in the PyTorch examples. */
    private static final double MEAN = 0.1307;
    private static final double STD = 0.3081;
    private static final int PIXELS = 28 * 28;
    private static final int CLASSES = 10;

    private FitMnistMlp() {
    }

    /**
     * What to train.
     *
     * @param trainSamples digits to train on, taken from the start of the set
     * @param testSamples  digits to test on, taken from the end (never overlapping the training ones)
     * @param epochs       passes over the training digits
     * @param batchSize    digits per SGD step
     * @param hidden       width of the hidden layer
     * @param learningRate SGD step size
     * @param seed         seeds initialisation and shuffling, so a run is reproducible
     */
    public record Config(int trainSamples, int testSamples, int epochs, int batchSize, int hidden,
                         double learningRate, long seed) {
        /** 8,000 training and 2,000 test digits, 5 epochs, batch 64, 128 hidden units, lr 0.1. */
        public static Config defaults() {
            return new Config(8000, 2000, 5, 64, 128, 0.1, 42);
        }
    }

    /**
     * What a run achieved.
     *
     * @param epochLosses  mean training loss of each epoch, in order
     * @param testAccuracy fraction of test digits classified correctly after the last epoch
     * @param seconds      wall time of loading, training and testing
     */
    public record Result(Config config, List<Double> epochLosses, double testAccuracy, double seconds) {
        /** Mean training loss of the last epoch. */
        public double finalLoss() {
            return epochLosses.get(epochLosses.size() - 1);
        }

        /** The final metrics as one line of JSON, for scripts that read the last line of output. */
        public String toJson() {
            return String.format(Locale.ROOT,
                    "{\"example\":\"mnist-mlp\",\"train_samples\":%d,\"test_samples\":%d,\"epochs\":%d,"
                            + "\"test_accuracy\":%.4f,\"final_loss\":%.4f,\"seconds\":%.2f}",
                    config.trainSamples(), config.testSamples(), config.epochs(), testAccuracy, finalLoss(), seconds);
        }
    }

    /** Trains and tests as {@code config} says, writing one progress line per epoch to {@code log}. */
    public static Result run(Config config, PrintStream log) {
        validate(config);
        long started = System.nanoTime();
        List<Double> losses = new ArrayList<>();
        double accuracy;
        try (Scope run = Scope.open()) {
            Tensor x;
            Tensor y;
            // a scope of its own, so the raw bytes and intermediate copies go as soon as x is ready
            try (Scope prep = Scope.open()) {
                Mnist mnist = Mnist.load();
                x = prep.keep(mnist.images().reshape(mnist.size(), PIXELS).toFloat().div(255).sub(MEAN).div(STD));
                y = prep.keep(mnist.labels());
            }
            int n = y.size(0);
            if (config.trainSamples() + config.testSamples() > n) {
                throw new IllegalArgumentException("mnist-mlp: " + config.trainSamples() + " training and "
                        + config.testSamples() + " test digits requested, but only " + n + " are bundled");
            }
            Tensor xTrain = x.narrow(0, 0, config.trainSamples());
            Tensor yTrain = y.narrow(0, 0, config.trainSamples());
            Tensor xTest = x.narrow(0, n - config.testSamples(), config.testSamples());
            Tensor yTest = y.narrow(0, n - config.testSamples(), config.testSamples());

            log.printf(Locale.ROOT, "MNIST MLP %d-%d-%d: %d training / %d test digits, SGD lr %s, batch %d, %d epochs, %d threads%n",
                    PIXELS, config.hidden(), CLASSES, config.trainSamples(), config.testSamples(),
                    config.learningRate(), config.batchSize(), config.epochs(), Backends.cpu().threads());

            Generator gen = new Generator(config.seed());
            Tensor w1 = uniform(gen, 1 / Math.sqrt(PIXELS), PIXELS, config.hidden());
            Tensor b1 = uniform(gen, 1 / Math.sqrt(PIXELS), config.hidden());
            Tensor w2 = uniform(gen, 1 / Math.sqrt(config.hidden()), config.hidden(), CLASSES);
            Tensor b2 = uniform(gen, 1 / Math.sqrt(config.hidden()), CLASSES);
            List<Tensor> params = List.of(w1, b1, w2, b2);

            Random shuffle = new Random(config.seed());
            accuracy = 0;
            for (int epoch = 1; epoch <= config.epochs(); epoch++) {
                long[] order = permutation(config.trainSamples(), shuffle);
                double lossSum = 0;
                int steps = 0;
                for (int start = 0; start < order.length; start += config.batchSize()) {
                    int end = Math.min(start + config.batchSize(), order.length);
                    try (Scope step = Scope.open()) {
                        Tensor batch = Tensor.of(java.util.Arrays.copyOfRange(order, start, end));
                        Tensor loss = crossEntropy(forward(xTrain.index(batch), w1, b1, w2, b2), yTrain.index(batch));
                        loss.backward();
                        try (NoGrad ng = NoGrad.open()) {
                            for (Tensor p : params) {
                                p.sub_(p.grad().mul(config.learningRate()));
                                p.zeroGrad();
                            }
                        }
                        lossSum += loss.item();
                        steps++;
                    }
                }
                losses.add(lossSum / steps);
                accuracy = accuracy(xTest, yTest, w1, b1, w2, b2);
                // flat from epoch to epoch: each step's scope frees what the step allocated
                double liveMb = Backends.cpu().liveBytes() / 1e6;
                log.printf(Locale.ROOT, "epoch %d/%d  train loss %.4f  test accuracy %.2f%%  native memory %.1f MB  (%.1f s)%n",
                        epoch, config.epochs(), lossSum / steps, 100 * accuracy, liveMb, (System.nanoTime() - started) / 1e9);
            }
        }
        return new Result(config, List.copyOf(losses), accuracy, (System.nanoTime() - started) / 1e9);
    }

    /** Logits {@code [batch, 10]} of images {@code [batch, 784]}. */
    static Tensor forward(Tensor x, Tensor w1, Tensor b1, Tensor w2, Tensor b2) {
        return x.matmul(w1).add(b1).relu().matmul(w2).add(b2);
    }

    /** Mean negative log-likelihood of the true classes: a scalar. */
    static Tensor crossEntropy(Tensor logits, Tensor labels) {
        return logits.logSoftmax(1).gather(1, labels.view(-1, 1)).mean().neg();
    }

    private static double accuracy(Tensor x, Tensor y, Tensor w1, Tensor b1, Tensor w2, Tensor b2) {
        try (Scope s = Scope.open(); NoGrad ng = NoGrad.open()) {
            Tensor predicted = forward(x, w1, b1, w2, b2).argmax(1, false);
            return predicted.eq(y).sum().item() / y.size(0);
        }
    }

    /** A float32 parameter uniform in [-bound, bound), PyTorch's default for linear layers. */
    private static Tensor uniform(Generator gen, double bound, int... shape) {
        return Tensor.rand(gen, shape).mul(2 * bound).sub(bound).requiresGrad_(true);
    }

    private static long[] permutation(int n, Random random) {
        long[] p = new long[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            long t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    private static void validate(Config c) {
        if (c.trainSamples() <= 0 || c.testSamples() <= 0 || c.epochs() <= 0 || c.batchSize() <= 0 || c.hidden() <= 0
                || !(c.learningRate() > 0)) {
            throw new IllegalArgumentException("mnist-mlp: sample counts, epochs, batch size, hidden width and learning "
                    + "rate must all be positive, got " + c);
        }
    }
}
