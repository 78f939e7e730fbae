package org.vesalius.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vesalius.nn.CrossEntropyLoss;
import org.vesalius.nn.Linear;
import org.vesalius.optim.SGD;
import org.vesalius.tensor.Tensor;
import org.vesalius.train.metrics.Accuracy;

class ProgressBarTest {
    private static final String NUMBER = "\\d+\\.\\d{4}";

    private static void fit(ProgressBar bar, Iterable<Tensor[]> train, Iterable<Tensor[]> val) {
        try (Linear model = new Linear(2, 3); SGD opt = new SGD(model.parameters(), 0.05)) {
            new Trainer(model, new CrossEntropyLoss(), opt).epochs(3).metrics(new Accuracy()).progress(bar).fit(train, val);
        }
    }

    @Test
    void writesOneLinePerEpochWhenNotOnATerminal() {
        List<Tensor[]> data = Blobs.classification(90, 30, 1);
        StringBuilder out = new StringBuilder();
        ProgressBar bar = new ProgressBar(out);
        assertFalse(bar.redraws(), "a StringBuilder is no terminal");
        try {
            fit(bar, data, data);
        } finally {
            Blobs.close(data);
        }
        String[] lines = out.toString().split("\n", -1);
        assertEquals(4, lines.length, out.toString());
        assertEquals("", lines[3]);
        for (int e = 0; e < 3; e++) {
            assertTrue(lines[e].matches("Epoch " + (e + 1) + "/3 \\[={20}] 3/3 loss " + NUMBER + " accuracy " + NUMBER
                    + " val_loss " + NUMBER + " val_accuracy " + NUMBER + " \\| \\d+ items/s \\d+\\.\\ds"), lines[e]);
        }
        assertFalse(out.toString().contains("\r"));
    }

    @Test
    void redrawsInPlaceWithCarriageReturns() {
        List<Tensor[]> data = Blobs.classification(90, 30, 2);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream ps = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            fit(new ProgressBar(ps, ProgressBar.Mode.REDRAW), data, null);
        } finally {
            Blobs.close(data);
        }
        String s = bytes.toString(StandardCharsets.UTF_8);
        String[] lines = s.split("\n");
        assertEquals(3, lines.length);
        for (String line : lines) {
            // the last batch is always drawn (with its ETA), then the epoch's final line over it
            String[] draws = line.split("\r");
            assertTrue(draws.length >= 3, line);
            assertTrue(draws[draws.length - 2].matches(".*\\[={20}] 3/3 loss " + NUMBER + " accuracy " + NUMBER
                    + " \\| \\d+ items/s ETA 0:00 *"), draws[draws.length - 2]);
            assertTrue(draws[draws.length - 1].matches(".*3/3 loss .* \\| \\d+ items/s \\d+\\.\\ds *"), line);
        }
    }

    @Test
    void countsBatchesWhenTheirNumberIsUnknown() {
        List<Tensor[]> data = Blobs.classification(60, 30, 3);
        Iterable<Tensor[]> stream = () -> new Iterator<>() {
            final Iterator<Tensor[]> it = data.iterator();

            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public Tensor[] next() {
                return it.next();
            }
        };
        StringBuilder out = new StringBuilder();
        try (Linear model = new Linear(2, 3); SGD opt = new SGD(model.parameters(), 0.05)) {
            new Trainer(model, new CrossEntropyLoss(), opt).closeBatches(false).progress(out).fit(stream);
        } finally {
            Blobs.close(data);
        }
        assertTrue(out.toString().matches("Epoch 1/1 2 batches loss " + NUMBER + " \\| \\d+ items/s \\d+\\.\\ds\n"), out.toString());
    }

    @Test
    void durations() {
        assertEquals("0:07", ProgressBar.duration(7.4));
        assertEquals("2:05", ProgressBar.duration(125));
        assertEquals("1:00:01", ProgressBar.duration(3601));
    }
}
