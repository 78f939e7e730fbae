package org.vesalius.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import org.vesalius.medical.transforms.Sample;

class BrainExtractionTest {

    @Test
    void bundledVolumeIsPreparedInRasAtTwoMillimetres() throws Exception {
        try (Sample brain = BrainExtraction.prepare()) {
            assertEquals("RAS", brain.image().orientation());
            assertArrayEquals(new double[] {2, 2, 1}, brain.image().spacing(), 1e-9);
            assertArrayEquals(new int[] {1, 181, 112, 96}, brain.image().data().shape());
            assertArrayEquals(brain.image().data().shape(), brain.label().data().shape());
            float min = (float) brain.image().data().min().item();
            float max = (float) brain.image().data().max().item();
            assertTrue(min >= 0 && max <= 1, "intensities scaled to [0, 1]: " + min + ".." + max);
            long brainVoxels = (long) brain.label().data().sum().item();
            // ch2bet's brain is about 1.5 litres: at 2 x 2 x 1 mm that is some 375,000 voxels
            assertTrue(brainVoxels > 250_000 && brainVoxels < 450_000, "brain voxels " + brainVoxels);
        }
    }

    @Test
    void shortRunSegmentsAndWritesItsFiles(@TempDir Path dir) throws Exception {
        // 4 epochs: far from the flagship's numbers, but enough to see learning and every output
        BrainExtraction.Config c = new BrainExtraction.Config(4, 8, 2e-3, 3, dir);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        BrainExtraction.Result r = BrainExtraction.run(c, new PrintStream(buf, true, StandardCharsets.UTF_8));
        assertEquals(75, r.trainSlices());
        assertEquals(16, r.testSlices());
        assertTrue(r.dice() > 0.5, "Dice after 4 epochs " + r.dice());
        BufferedImage overlay = ImageIO.read(dir.resolve("test-overlay-0.png").toFile());
        assertEquals(96 * 4, overlay.getWidth());
        assertTrue(Files.readString(dir.resolve("metrics.json")).startsWith("{\"example\":\"brain-extraction\""));
        assertTrue(Files.exists(dir.resolve("curves.png")) && Files.exists(dir.resolve("unet.safetensors")));
        assertTrue(r.toJson().matches("\\{\"example\":\"brain-extraction\",\"dice\":0\\.\\d{4},\"hd95_mm\":[0-9.]+,.*\\}"), r.toJson());
    }
}
