package org.vesalius.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.awt.GraphicsEnvironment;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void headless() {
        // as on a server or in CI: no display; set before AWT starts
        System.setProperty("java.awt.headless", "true");
    }

    private static Map<String, Double> logs(Object... kv) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], ((Number) kv[i + 1]).doubleValue());
        }
        return m;
    }

    private static History sample() {
        History h = new History();
        h.add(0, logs("loss", 0.5, "accuracy", 0.25, "lr", 0.1, "time", 1.5));
        h.add(1, logs("loss", 0.25, "accuracy", Double.NaN, "val_loss", 0.125, "lr", 0.01, "time", 1.25));
        h.add(2, logs("loss", 0.2, "accuracy", 0.75, "val_loss", 1e-4, "lr", 0.001, "time", 1.0));
        return h;
    }

    @Test
    void columnsKeepTheirOrderAndMissingValuesAreNaN() {
        History h = sample();
        assertEquals(List.of("loss", "accuracy", "lr", "time", "val_loss"), List.copyOf(h.keys()));
        assertTrue(Double.isNaN(h.get("val_loss").get(0)));
        assertEquals(2, h.bestEpoch("val_loss", Mode.MIN));
        assertEquals(2, h.bestEpoch("accuracy", Mode.MAX));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> h.get("val_acc"));
        assertEquals("History: no key 'val_acc'; logged keys: [loss, accuracy, lr, time, val_loss]", e.getMessage());
    }

    @Test
    void csvHasAHeaderAndOneLinePerEpoch() throws IOException {
        Path f = dir.resolve("history.csv");
        sample().saveCsv(f);
        assertEquals("epoch,loss,accuracy,lr,time,val_loss\n"
                + "0,0.5,0.25,0.1,1.5,\n"
                + "1,0.25,,0.01,1.25,0.125\n"
                + "2,0.2,0.75,0.001,1.0,1.0E-4\n", Files.readString(f));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(f), files.toList(), "no temporary file is left");
        }
    }

    @Test
    void jsonHoldsColumnsWithNullForMissingValues() throws IOException {
        Path f = dir.resolve("history.json");
        History h = sample();
        h.saveJson(f);
        String text = Files.readString(f);
        assertEquals("{\"epoch\": [0, 1, 2], \"loss\": [0.5, 0.25, 0.2], \"accuracy\": [0.25, null, 0.75], "
                + "\"lr\": [0.1, 0.01, 0.001], \"time\": [1.5, 1.25, 1.0], \"val_loss\": [null, 0.125, 1.0E-4]}\n", text);
        JsonObject o = JsonParser.parseString(text).getAsJsonObject();
        assertEquals(1e-4, o.getAsJsonArray("val_loss").get(2).getAsDouble());
        assertTrue(o.getAsJsonArray("accuracy").get(1).isJsonNull());

        History back = History.fromMap(h.toMap());
        assertEquals(h.toJson(), back.toJson());
    }

    @Test
    void writingIntoAMissingDirectoryFailsWithoutAFile() {
        Path f = dir.resolve("missing").resolve("history.csv");
        IOException e = assertThrows(IOException.class, () -> sample().saveCsv(f));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void plotsAPngOfTheExpectedSizeHeadless() throws IOException {
        assertTrue(GraphicsEnvironment.isHeadless());
        History h = sample();
        Path png = dir.resolve("curves.png");
        h.plot(png);
        BufferedImage img = ImageIO.read(png.toFile());
        // panels: loss (with val_loss), accuracy, lr (it changed): 2 per row, 560 x 400 each
        assertEquals(1120, img.getWidth());
        assertEquals(800, img.getHeight());
        assertTrue(colours(img) > 3, "the curves are drawn in colour");

        h.plot(png, 901, 333);
        img = ImageIO.read(png.toFile());
        assertEquals(901, img.getWidth());
        assertEquals(333, img.getHeight());

        assertThrows(IllegalStateException.class, () -> new History().plot(dir.resolve("empty.png")));
        assertThrows(IllegalArgumentException.class, () -> h.plot(png, 60, 60));
    }

    private static int colours(BufferedImage img) {
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 3) {
            for (int x = 0; x < img.getWidth(); x += 3) {
                seen.add(img.getRGB(x, y));
            }
        }
        return seen.size();
    }
}
