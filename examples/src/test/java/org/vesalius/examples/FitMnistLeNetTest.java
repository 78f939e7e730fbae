package org.vesalius.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vesalius.backend.Backends;
import org.vesalius.cnn.models.LeNet5;
import org.vesalius.io.Safetensors;

class FitMnistLeNetTest {

    @Test
    void shortRunLearnsAndWritesItsFiles(@TempDir Path dir) throws Exception {
        // 2,000 digits, 2 epochs: seconds, yet far past chance; the full recipe is the README's main job
        FitMnistLeNet.Config c = new FitMnistLeNet.Config(2000, 1000, 2, 64, 0.05, 0.9, 7, dir);
        long[][] labels = Baselines.mnistLabels(c.trainSamples(), c.testSamples());
        double majority = Baselines.majorityAccuracy(labels[0], labels[1]);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        long before = Backends.cpu().liveBytes();
        FitMnistLeNet.Result r = FitMnistLeNet.run(c, new PrintStream(buf, true, StandardCharsets.UTF_8));
        long after = Backends.cpu().liveBytes();
        assertTrue(after <= before, "the run gives back its native memory: before " + before + " bytes, after " + after);
        // Threshold: the training digits' majority digit (0: the bundled classes are interleaved, so every digit has
        // 200), scored on the same test digits (0.096), plus 0.75. This run: 0.914.
        Baselines.assertAbove("test accuracy", r.accuracy(), "majority digit", majority, 0.75);
        assertEquals(2, r.epochSeconds().size());
        BufferedImage curves = ImageIO.read(dir.resolve("curves.png").toFile());
        assertTrue(curves.getWidth() > 100 && curves.getHeight() > 100);
        assertTrue(Files.readString(dir.resolve("history.csv")).startsWith("epoch,"));
        try (LeNet5 reloaded = new LeNet5()) {
            Safetensors.loadStateDict(reloaded, dir.resolve("lenet5.safetensors"), true);
        }
        assertTrue(r.toJson().matches("\\{\"example\":\"mnist-lenet\",\"accuracy\":0\\.\\d{4},.*\\}"), r.toJson());
    }

    @Test
    void mainRunsLeNetAndEndsWithJson(@TempDir Path dir) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals("brain-extraction", Main.DEFAULT_EXAMPLE, "the flagship is the main job");
        int status = Main.run(new String[] {"mnist-lenet", "--epochs", "1", "--train", "500", "--test", "500", "--output", dir.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        String[] lines = out.toString(StandardCharsets.UTF_8).trim().split("\n");
        assertTrue(lines[lines.length - 1].startsWith("{\"example\":\"mnist-lenet\""), lines[lines.length - 1]);
        assertEquals(2, Main.run(new String[] {"mnist-lenet", "--hidden", "3"}, new PrintStream(out), new PrintStream(err)));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown argument '--hidden' for mnist-lenet"));
    }
}
