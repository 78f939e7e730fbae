package org.vesalius.examples;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.vesalius.data.TensorDataset;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/**
 * Chooses the input scaling of {@link FitMnistLeNet} by validation accuracy, never by its test digits.
 *
 * <p>Protocol (results and discussion in {@code docs/studies/mnist-preprocessing.md}):
 * <ol>
 *   <li>Validation: each {@link Candidate} trains LeNet-5 with the example's recipe (5 epochs, SGD lr
 *       0.05 momentum 0.9, batch 64, seeded shuffle and initialisation) on digits 0-6,999 and is scored on
 *       digits 7,000-7,999, for seeds 0-9. Statistics a candidate needs (mean, std) come from its training
 *       digits only.</li>
 *   <li>Choice: the candidate with the highest mean validation accuracy among those that never diverged
 *       (a non-finite training loss); ties go to the earlier candidate, so the current scaling wins them.</li>
 *   <li>Report: the chosen candidate and V0 (the current scaling) train on digits 0-7,999 as the example
 *       does and are tested on the last 2,000 digits, at seed 42 (the example's) and seeds 0-9. These test
 *       numbers are reported only; nothing is chosen on them.</li>
 * </ol>
 *
 * <p>Run it (about 20 s per training run on two cores, 60-70 runs, one after another):
 * <pre>{@code
 * OMP_WAIT_POLICY=PASSIVE java -cp examples/target/vesalius-examples.jar org.vesalius.examples.MnistPreprocessingStudy
 * }</pre>
 * {@code --seeds N} (10) and {@code --epochs N} (5) shrink it for a quick check. Each run prints one line;
 * the end prints Markdown tables and one JSON line with the choice.
 */
public final class MnistPreprocessingStudy {
    /** Digits the validation runs train on (from the start of the set). */
    static final int TRAIN = 7000;
    /** Digits after those, scored for the choice. */
    static final int VALIDATION = 1000;
    /** The example's seed, reported separately in the test phase. */
    static final long EXAMPLE_SEED = 42;

    private MnistPreprocessingStudy() {
    }

    /** The input scalings compared; each maps a grey level g in 0..255 to {@code (g / 255 - shift) / scale}. */
    enum Candidate {
        /** [0, 1], as torchvision's ToTensor: the example's current scaling. */
        V0("[0, 1] (current)"),
        /** [-1, 1]: {@code (g / 255 - 0.5) / 0.5}. */
        V1("[-1, 1]"),
        /** Standardised with the training digits' own pixel mean and standard deviation. */
        V2("standardised (training mean, std)"),
        /** [0, 1] minus the training digits' pixel mean: centred, range still 1. */
        V3("[0, 1] minus training mean");

        final String description;

        Candidate(String description) {
            this.description = description;
        }

        /** {@code {shift, scale}} for training pixels (already divided by 255) of this mean and standard deviation. */
        double[] shiftScale(double mean, double std) {
            return switch (this) {
                case V0 -> new double[] {0, 1};
                case V1 -> new double[] {0.5, 0.5};
                case V2 -> new double[] {mean, std};
                case V3 -> new double[] {mean, 1};
            };
        }
    }

    /** One training run: accuracy on the scored digits, and whether any epoch's training loss was not finite. */
    record Run(Candidate candidate, long seed, double accuracy, boolean diverged, double finalTrainLoss, double seconds) {
    }

    /** A candidate's runs over seeds, with their summary statistics (accuracies as fractions). */
    record Summary(Candidate candidate, List<Run> runs) {
        double mean() {
            return Arrays.stream(accuracies()).average().orElse(Double.NaN);
        }

        double median() {
            double[] a = accuracies();
            Arrays.sort(a);
            int n = a.length;
            return n % 2 == 1 ? a[n / 2] : (a[n / 2 - 1] + a[n / 2]) / 2;
        }

        /** Sample standard deviation (n - 1). */
        double std() {
            double[] a = accuracies();
            double m = mean();
            double ss = 0;
            for (double v : a) {
                ss += (v - m) * (v - m);
            }
            return a.length < 2 ? 0 : Math.sqrt(ss / (a.length - 1));
        }

        long diverged() {
            return runs.stream().filter(Run::diverged).count();
        }

        private double[] accuracies() {
            return runs.stream().mapToDouble(Run::accuracy).toArray();
        }
    }

    /**
     * Scales {@code unit} (grey levels / 255, float32 {@code [n, 1, 28, 28]}) as {@code c} says, with the
     * mean and (population) standard deviation of its first {@code trainRows} digits' pixels.
     */
    static Tensor prepare(Tensor unit, int trainRows, Candidate c) {
        float[] px = unit.narrow(0, 0, trainRows).toFloatArray();
        double sum = 0;
        for (float v : px) {
            sum += v;
        }
        double mean = sum / px.length;
        double ss = 0;
        for (float v : px) {
            ss += (v - mean) * (v - mean);
        }
        double[] shiftScale = c.shiftScale(mean, Math.sqrt(ss / px.length));
        return unit.sub(shiftScale[0]).div(shiftScale[1]);
    }

    /**
     * The candidate with the highest mean accuracy among those with no diverged run; ties go to the
     * earlier one in {@code summaries}.
     *
     * @throws IllegalArgumentException if every candidate diverged at least once
     */
    static Candidate choose(List<Summary> summaries) {
        Summary best = null;
        for (Summary s : summaries) {
            if (s.diverged() == 0 && (best == null || s.mean() > best.mean())) {
                best = s;
            }
        }
        if (best == null) {
            throw new IllegalArgumentException("MnistPreprocessingStudy: every candidate diverged at least once; none to choose");
        }
        return best.candidate();
    }

    /** Trains on digits {@code [0, trainRows)} of {@code x} and scores digits {@code [evalStart, evalStart + evalRows)}. */
    static Run train(Candidate c, Tensor x, Tensor y, int trainRows, int evalStart, int evalRows, long seed, int epochs)
            throws IOException {
        FitMnistLeNet.Config d = FitMnistLeNet.Config.defaults();
        FitMnistLeNet.Config config = new FitMnistLeNet.Config(trainRows, evalRows, epochs, d.batchSize(), d.learningRate(),
                d.momentum(), seed, null);
        long started = System.nanoTime();
        try (Scope s = Scope.open()) {
            var train = new TensorDataset(x.narrow(0, 0, trainRows), y.narrow(0, 0, trainRows));
            var eval = new TensorDataset(x.narrow(0, evalStart, evalRows), y.narrow(0, evalStart, evalRows));
            FitMnistLeNet.Result r = FitMnistLeNet.fit(config, train, eval, new PrintStream(OutputStream.nullOutputStream()),
                    started);
            boolean diverged = r.trainLosses().stream().anyMatch(l -> !Double.isFinite(l));
            return new Run(c, seed, r.accuracy(), diverged, r.trainLosses().get(r.trainLosses().size() - 1), r.seconds());
        }
    }

    /** Runs the protocol above; {@code --seeds N} (10), {@code --epochs N} (5). */
    public static void main(String[] args) throws IOException {
        int seeds = 10;
        int epochs = FitMnistLeNet.Config.defaults().epochs();
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length || !(args[i].equals("--seeds") || args[i].equals("--epochs"))) {
                throw new IllegalArgumentException("MnistPreprocessingStudy: accepted arguments are --seeds N and --epochs N, got "
                        + String.join(" ", args));
            }
            int v = Integer.parseInt(args[i + 1]);
            if (v < 1) {
                throw new IllegalArgumentException("MnistPreprocessingStudy: " + args[i] + " must be >= 1, got " + v);
            }
            if (args[i].equals("--seeds")) {
                seeds = v;
            } else {
                epochs = v;
            }
        }
        PrintStream out = System.out;
        int testRows = FitMnistLeNet.Config.defaults().testSamples();
        int fullTrain = FitMnistLeNet.Config.defaults().trainSamples();
        try (Scope all = Scope.open()) {
            Mnist mnist = Mnist.load();
            Tensor unit = mnist.images().unsqueeze(1).toFloat().div(255);
            Tensor y = mnist.labels();
            int n = y.size(0);

            List<Summary> validation = new ArrayList<>();
            for (Candidate c : Candidate.values()) {
                List<Run> runs = new ArrayList<>();
                try (Scope s = Scope.open()) {
                    Tensor x = prepare(unit, TRAIN, c);
                    for (long seed = 0; seed < seeds; seed++) {
                        runs.add(report(out, "validation", train(c, x, y, TRAIN, TRAIN, VALIDATION, seed, epochs)));
                    }
                }
                validation.add(new Summary(c, runs));
            }
            Candidate chosen = choose(validation);

            List<Summary> test = new ArrayList<>();
            List<Run> at42 = new ArrayList<>();
            for (Candidate c : chosen == Candidate.V0 ? List.of(Candidate.V0) : List.of(Candidate.V0, chosen)) {
                List<Run> runs = new ArrayList<>();
                try (Scope s = Scope.open()) {
                    Tensor x = prepare(unit, fullTrain, c);
                    at42.add(report(out, "test", train(c, x, y, fullTrain, n - testRows, testRows, EXAMPLE_SEED, epochs)));
                    for (long seed = 0; seed < seeds; seed++) {
                        runs.add(report(out, "test", train(c, x, y, fullTrain, n - testRows, testRows, seed, epochs)));
                    }
                }
                test.add(new Summary(c, runs));
            }

            out.printf(Locale.ROOT, "%n### Validation accuracy (%%), train digits 0-%d, validate %d-%d, %d epochs%n%n",
                    TRAIN - 1, TRAIN, TRAIN + VALIDATION - 1, epochs);
            table(out, validation, null, 1);
            out.printf(Locale.ROOT, "%nChosen by mean validation accuracy (no divergence): %s, %s%n", chosen, chosen.description);
            out.printf(Locale.ROOT, "%n### Test accuracy (%%), train digits 0-%d, test the last %d, %d epochs (reported, not used)%n%n",
                    fullTrain - 1, testRows, epochs);
            table(out, test, at42, 2);
            out.printf(Locale.ROOT, "{\"study\":\"mnist-preprocessing\",\"chosen\":\"%s\",\"validation_mean\":%.4f,"
                            + "\"test_seed42\":%.4f,\"test_mean\":%.4f,\"v0_test_seed42\":%.4f,\"v0_test_mean\":%.4f}%n",
                    chosen, validation.get(chosen.ordinal()).mean(), at42.get(at42.size() - 1).accuracy(),
                    test.get(test.size() - 1).mean(), at42.get(0).accuracy(), test.get(0).mean());
        }
    }

    private static Run report(PrintStream out, String phase, Run r) {
        out.printf(Locale.ROOT, "%s %s seed %d: accuracy %.4f, final train loss %.4f%s, %.1f s%n", phase, r.candidate(), r.seed(),
                r.accuracy(), r.finalTrainLoss(), r.diverged() ? " (DIVERGED)" : "", r.seconds());
        out.flush();
        return r;
    }

    /** One Markdown row per candidate: per-seed accuracies in %, then mean, median, std and divergences. */
    private static void table(PrintStream out, List<Summary> rows, List<Run> extra, int decimals) {
        int seeds = rows.get(0).runs().size();
        StringBuilder head = new StringBuilder("| candidate |");
        StringBuilder rule = new StringBuilder("|---|");
        if (extra != null) {
            head.append(" seed 42 |");
            rule.append("---:|");
        }
        for (int s = 0; s < seeds; s++) {
            head.append(" ").append(s).append(" |");
            rule.append("---:|");
        }
        out.println(head.append(" mean | median | std | diverged |"));
        out.println(rule.append("---:|---:|---:|---:|"));
        String f = "%." + decimals + "f";
        for (int i = 0; i < rows.size(); i++) {
            Summary sum = rows.get(i);
            StringBuilder row = new StringBuilder("| " + sum.candidate() + " " + sum.candidate().description + " |");
            if (extra != null) {
                row.append(String.format(Locale.ROOT, " " + f + " |", 100 * extra.get(i).accuracy()));
            }
            for (Run r : sum.runs()) {
                row.append(String.format(Locale.ROOT, " " + f + "%s |", 100 * r.accuracy(), r.diverged() ? "*" : ""));
            }
            row.append(String.format(Locale.ROOT, " %.2f | %.2f | %.2f | %d |", 100 * sum.mean(), 100 * sum.median(),
                    100 * sum.std(), sum.diverged()));
            out.println(row);
        }
    }
}
