package org.vesalius.examples;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.vesalius.backend.Backends;
import org.vesalius.cnn.models.LeNet5;
import org.vesalius.data.DataLoader;
import org.vesalius.data.TensorDataset;
import org.vesalius.nn.CrossEntropyLoss;
import org.vesalius.optim.SGD;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;
import org.vesalius.train.History;
import org.vesalius.train.Trainer;
import org.vesalius.train.metrics.Accuracy;

/**
 * Trains LeNet-5 on real MNIST digits with the training stack: {@link DataLoader}, {@link Trainer}
 * with a progress bar and an accuracy metric, SGD with momentum; then saves the curves (PNG), the
 * history (CSV, JSON) and the weights (safetensors) and reports test accuracy.
 *
 * <p>The recipe is the one PyTorch 1.13 reached 96.7% with on two CPU cores: the first 8,000 bundled
 * digits for training, the last 2,000 for testing, 5 epochs, SGD lr 0.05 momentum 0.9, batch 64. The
 * test digits are evaluated after every epoch for the curves only; nothing is chosen on them.
 */
public final class FitMnistLeNet {

    private FitMnistLeNet() {
    }

    /**
     * What to train.
     *
     * @param trainSamples digits to train on, from the start of the set
     * @param testSamples  digits to test on, from the end
     * @param epochs       passes over the training digits
     * @param batchSize    digits per SGD step
     * @param learningRate SGD step size
     * @param momentum     SGD momentum
     * @param seed         seeds the weights and the shuffling
     * @param output       folder for curves.png, history.csv/json and lenet5.safetensors (null: write nothing)
     */
    public record Config(int trainSamples, int testSamples, int epochs, int batchSize, double learningRate,
                         double momentum, long seed, Path output) {
        /** The recipe above, writing to {@code runs/mnist-lenet}. */
        public static Config defaults() {
            return new Config(8000, 2000, 5, 64, 0.05, 0.9, 42, Path.of("runs", "mnist-lenet"));
        }
    }

    /**
     * What a run achieved.
     *
     * @param accuracy     test accuracy after the last epoch
     * @param testLoss     mean cross-entropy on the test digits
     * @param epochSeconds wall time of each epoch (training and test evaluation)
     * @param seconds      wall time of the whole run
     */
    public record Result(Config config, double accuracy, double testLoss, List<Double> trainLosses,
                         List<Double> epochSeconds, double seconds) {
        /** The final metrics as one JSON line. */
        public String toJson() {
            StringBuilder times = new StringBuilder();
            for (double t : epochSeconds) {
                times.append(times.length() == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.2f", t));
            }
            return String.format(Locale.ROOT,
                    "{\"example\":\"mnist-lenet\",\"accuracy\":%.4f,\"test_loss\":%.4f,\"final_train_loss\":%.4f,"
                            + "\"epochs\":%d,\"train_samples\":%d,\"test_samples\":%d,\"epoch_seconds\":[%s],\"seconds\":%.2f}",
                    accuracy, testLoss, trainLosses.get(trainLosses.size() - 1), config.epochs(), config.trainSamples(),
                    config.testSamples(), times, seconds);
        }
    }

    /** Trains and tests as {@code config} says; the progress bar and a summary go to {@code out}. */
    public static Result run(Config config, PrintStream out) throws IOException {
        long started = System.nanoTime();
        try (Scope run = Scope.open()) {
            Tensor x;
            Tensor y;
            try (Scope prep = Scope.open()) {
                Mnist mnist = Mnist.load();
                // grey levels scaled to [0, 1], as torchvision's ToTensor: with standardised inputs this recipe
                // (lr 0.05, momentum 0.9) diverges in PyTorch too; docs/studies/mnist-preprocessing.md compares
                // the alternatives on validation digits
                x = prep.keep(mnist.images().unsqueeze(1).toFloat().div(255));
                y = prep.keep(mnist.labels());
            }
            int n = y.size(0);
            if (config.trainSamples() + config.testSamples() > n) {
                throw new IllegalArgumentException("mnist-lenet: " + config.trainSamples() + " training and "
                        + config.testSamples() + " test digits requested, but only " + n + " are bundled");
            }
            var train = new TensorDataset(x.narrow(0, 0, config.trainSamples()), y.narrow(0, 0, config.trainSamples()));
            var test = new TensorDataset(x.narrow(0, n - config.testSamples(), config.testSamples()),
                    y.narrow(0, n - config.testSamples(), config.testSamples()));
            return fit(config, train, test, out, started);
        }
    }

    /**
     * The training part of {@link #run}, on digits the caller prepared: LeNet-5 seeded with
     * {@code config.seed()} learns {@code train} (shuffled with the same seed) by the recipe in
     * {@code config}, and is evaluated on {@code test} after every epoch and at the end. The sample
     * counts in {@code config} are only reported; the data sets' sizes are what is used. Package-private
     * for {@link MnistPreprocessingStudy}, which feeds it other input scalings and a validation split.
     *
     * @param train   inputs float32 {@code [n, 1, 28, 28]} and labels int64 {@code [n]}
     * @param test    the same for the digits scored
     * @param started {@link System#nanoTime()} when the run began, for {@link Result#seconds()}
     */
    static Result fit(Config config, TensorDataset train, TensorDataset test, PrintStream out, long started)
            throws IOException {
        validate(config);
        var trainLoader = DataLoader.of(train, config.batchSize()).shuffle(true).seed(config.seed());
        var testLoader = DataLoader.of(test, 500);
        try (LeNet5 model = new LeNet5(1, 10, new Generator(config.seed()));
             SGD opt = new SGD(model.parameters(), config.learningRate(), config.momentum())) {
            out.printf(Locale.ROOT, "LeNet-5 on MNIST: %d training / %d test digits, SGD lr %s momentum %s, batch %d, "
                            + "%d epochs, %d threads%n", config.trainSamples(), config.testSamples(), config.learningRate(),
                    config.momentum(), config.batchSize(), config.epochs(), Backends.cpu().threads());
            Trainer trainer = new Trainer(model, new CrossEntropyLoss(), opt)
                    .epochs(config.epochs())
                    .metrics(new Accuracy())
                    .progress(out);
            History history = trainer.fit(trainLoader, testLoader);
            Map<String, Double> finalTest = trainer.evaluate(testLoader);
            List<Double> epochSeconds = new ArrayList<>(history.get("time"));
            Result r = new Result(config, finalTest.get("accuracy"), finalTest.get("loss"), history.get("loss"),
                    epochSeconds, (System.nanoTime() - started) / 1e9);
            if (config.output() != null) {
                RunFiles.write(config.output(), history, model, "lenet5.safetensors", r.toJson(), out);
                history.saveJson(config.output().resolve("history.json"));
            }
            return r;
        }
    }

    private static void validate(Config c) {
        if (c.trainSamples() <= 0 || c.testSamples() <= 0 || c.epochs() <= 0 || c.batchSize() <= 0
                || !(c.learningRate() > 0) || !(c.momentum() >= 0)) {
            throw new IllegalArgumentException("mnist-lenet: sample counts, epochs, batch size and learning rate must be "
                    + "positive and momentum >= 0, got " + c);
        }
    }
}
