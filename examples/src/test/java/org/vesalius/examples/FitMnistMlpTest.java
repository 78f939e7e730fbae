package org.vesalius.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.vesalius.backend.Backends;

class FitMnistMlpTest {

    @Test
    void bundledDigitsLoad() {
        Mnist m = Mnist.load();
        assertEquals(10000, m.size());
        assertEquals(java.util.List.of(10000, 28, 28), java.util.Arrays.stream(m.images().shape()).boxed().toList());
        // classes are interleaved round-robin in this subset
        assertEquals(java.util.List.of(0L, 1L, 2L, 3L), java.util.Arrays.stream(m.labels().narrow(0, 0, 4).toLongArray())
                .boxed().toList());
    }

    @Test
    void shortRunLearnsFarAboveChance() {
        // 2,000 digits for 2 epochs: a few seconds, yet well past the 10% a guess would get
        FitMnistMlp.Config c = new FitMnistMlp.Config(2000, 2000, 2, 64, 64, 0.1, 7);
        long[][] labels = Baselines.mnistLabels(c.trainSamples(), c.testSamples());
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        long before = Backends.cpu().liveBytes();
        FitMnistMlp.Result r = FitMnistMlp.run(c, new PrintStream(buf, true, StandardCharsets.UTF_8));
        // the run's scopes free everything it allocated (the GC cleaner can only lower the count further)
        long after = Backends.cpu().liveBytes();
        assertTrue(after <= before, "native memory before " + before + " bytes, after " + after);
        // Thresholds: accuracy against the training digits' majority digit on the same test digits (0.1005), plus
        // 0.6; the last epoch's training loss against the best constant prediction's (the training digits' class
        // frequencies, 10 x 200: ln 10 = 2.303 nats), less half of it. This run: 0.877 and 0.473 nats.
        Baselines.assertAbove("test accuracy", r.testAccuracy(), "majority digit",
                Baselines.majorityAccuracy(labels[0], labels[1]), 0.6);
        double constant = Baselines.constantCrossEntropy(labels[0]);
        Baselines.assertBelow("final training loss (nats)", r.finalLoss(), "class frequencies", constant, constant / 2);
        assertTrue(r.epochLosses().get(1) < r.epochLosses().get(0), "loss should fall: " + r.epochLosses());
        assertTrue(r.toJson().startsWith("{\"example\":\"mnist-mlp\""), r.toJson());
        assertTrue(buf.toString(StandardCharsets.UTF_8).contains("epoch 2/2"));
    }

    @Test
    void mainEndsWithJsonAndRejectsBadArguments() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(new String[] {"mnist-mlp", "--epochs", "1", "--train", "500", "--test", "500"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, status);
        String[] lines = out.toString(StandardCharsets.UTF_8).trim().split("\n");
        assertTrue(lines[lines.length - 1].matches("\\{\"example\":\"mnist-mlp\".*\"test_accuracy\":0\\.\\d+.*\\}"),
                lines[lines.length - 1]);

        assertEquals(2, Main.run(new String[] {"--epochs"}, new PrintStream(out), new PrintStream(err)));
        assertEquals(2, Main.run(new String[] {"lenet"}, new PrintStream(out), new PrintStream(err)));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown example 'lenet'"));
    }
}
