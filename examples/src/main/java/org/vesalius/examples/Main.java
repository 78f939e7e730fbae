package org.vesalius.examples;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Entry point of {@code vesalius-examples.jar}: {@code java -jar examples/target/vesalius-examples.jar [example] [options]}.
 *
 * <p>Progress goes to standard output and the last line is always one JSON object with the final
 * metrics, so a script can read it with {@code tail -n 1}. Logging (Logback) goes to standard error.
 */
public final class Main {
    private Main() {
    }

    /** Runs the example named by the first argument ({@code mnist-mlp} when none is given). */
    public static void main(String[] args) {
        int status = run(args, System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    /** Parses {@code args}, runs the example and returns the process exit status. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        String example = "mnist-mlp";
        FitMnistMlp.Config c = FitMnistMlp.Config.defaults();
        int epochs = c.epochs();
        int batch = c.batchSize();
        int hidden = c.hidden();
        int train = c.trainSamples();
        int test = c.testSamples();
        double lr = c.learningRate();
        long seed = c.seed();
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "-h":
                    case "--help":
                        usage(out);
                        return 0;
                    case "--epochs": epochs = Integer.parseInt(value(args, ++i, a)); break;
                    case "--batch-size": batch = Integer.parseInt(value(args, ++i, a)); break;
                    case "--hidden": hidden = Integer.parseInt(value(args, ++i, a)); break;
                    case "--lr": lr = Double.parseDouble(value(args, ++i, a)); break;
                    case "--train": train = Integer.parseInt(value(args, ++i, a)); break;
                    case "--test": test = Integer.parseInt(value(args, ++i, a)); break;
                    case "--seed": seed = Long.parseLong(value(args, ++i, a)); break;
                    default:
                        if (a.startsWith("-") || i > 0) {
                            throw new IllegalArgumentException("unknown argument '" + a + "'");
                        }
                        example = a;
                }
            }
            if (!example.equals("mnist-mlp")) {
                throw new IllegalArgumentException("unknown example '" + example + "' (available: mnist-mlp)");
            }
            FitMnistMlp.Result r = FitMnistMlp.run(new FitMnistMlp.Config(train, test, epochs, batch, hidden, lr, seed), out);
            out.printf(Locale.ROOT, "test accuracy %.2f%% after %d epochs, %.1f s%n",
                    100 * r.testAccuracy(), epochs, r.seconds());
            out.println(r.toJson());
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("vesalius-examples: " + e.getMessage());
            usage(err);
            return 2;
        }
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static void usage(PrintStream s) {
        s.println("usage: java -jar vesalius-examples.jar [mnist-mlp] [--epochs N] [--batch-size N] [--hidden N]");
        s.println("                                       [--lr X] [--train N] [--test N] [--seed N]");
        s.println("  mnist-mlp  trains a 784-128-10 perceptron on the bundled MNIST digits with raw tensor ops,");
        s.println("             autograd and hand-written SGD (defaults: 8000 train, 2000 test, 5 epochs, batch 64, lr 0.1)");
    }
}
