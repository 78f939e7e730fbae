package org.vesalius.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vesalius.data.DataLoader;
import org.vesalius.data.TensorDataset;
import org.vesalius.io.Checkpoint;
import org.vesalius.nn.CrossEntropyLoss;
import org.vesalius.nn.Dropout;
import org.vesalius.nn.Linear;
import org.vesalius.nn.ReLU;
import org.vesalius.nn.Sequential;
import org.vesalius.optim.SGD;
import org.vesalius.optim.StepLR;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;
import org.vesalius.train.metrics.Accuracy;

class ModelCheckpointTest {
    @TempDir
    Path dir;

    /** A model with dropout (drawn from the default generator), its optimizer with momentum and a schedule. */
    private static final class Run implements AutoCloseable {
        final Sequential model;
        final SGD opt;
        final StepLR schedule;

        Run() {
            Generator g = new Generator(5);
            model = new Sequential(new Linear(2, 32, true, g), new ReLU(), new Dropout(0.3), new Linear(32, 3, true, g));
            opt = new SGD(model.parameters(), 0.1, 0.9);
            schedule = new StepLR(opt, 2, 0.5);
        }

        Trainer trainer(int epochs) {
            return new Trainer(model, new CrossEntropyLoss(), opt).scheduler(schedule).epochs(epochs)
                    .metrics(new Accuracy()).logging(false);
        }

        @Override
        public void close() {
            model.close();
            opt.close();
        }
    }

    /** A fresh loader over the same samples, shuffled from a fixed seed, as a restarted process builds it. */
    private static DataLoader<Tensor[]> loader(TensorDataset data) {
        return DataLoader.of(data, 20).shuffle(true).seed(8).numWorkers(1);
    }

    @Test
    void resumingFromTheLastCheckpointReproducesTheUninterruptedRun() throws IOException {
        List<Tensor[]> rows = Blobs.classification(120, 120, 1);
        TensorDataset data = new TensorDataset(rows.get(0)[0], rows.get(0)[1]);
        List<Tensor[]> val = Blobs.classification(60, 30, 2);
        try {
            Tensor.manualSeed(99);
            History full;
            try (Run r = new Run()) {
                full = r.trainer(5).fit(loader(data), val);
            }

            Tensor.manualSeed(99);
            Path runDir = dir.resolve("run");
            ModelCheckpoint ckpt = new ModelCheckpoint(runDir, "val_accuracy", Mode.MAX);
            try (Run r = new Run()) {
                History firstPart = r.trainer(3).callbacks(ckpt).fit(loader(data), val);
                assertEquals(full.get("loss").subList(0, 3), firstPart.get("loss"));
            }
            assertTrue(Files.exists(ckpt.lastPath()));
            assertTrue(Files.exists(ckpt.bestPath()));
            try (Checkpoint c = Checkpoint.load(ckpt.lastPath())) {
                assertEquals(2L, c.metadata().get(ModelCheckpoint.EPOCH));
                assertEquals("StepLR", c.schedulerType());
            }

            Tensor.manualSeed(12345); // the checkpoint puts the default generator back where it was
            History resumed;
            try (Run r = new Run()) {
                Trainer t = r.trainer(5).resume(ckpt.lastPath());
                resumed = t.fit(loader(data), val);
            }
            assertEquals(List.of(0, 1, 2, 3, 4), resumed.epochs());
            assertEquals(full.get("loss"), resumed.get("loss"), "bit-for-bit the same losses");
            assertEquals(full.get("val_accuracy"), resumed.get("val_accuracy"));
            assertEquals(full.get("lr"), resumed.get("lr"));
        } finally {
            Blobs.close(rows);
            Blobs.close(val);
        }
    }

    @Test
    void bestIsWrittenOnlyWhenTheMonitoredValueImproves() throws IOException {
        List<Tensor[]> data = Blobs.regression(20, 10, 3);
        ModelCheckpoint ckpt = new ModelCheckpoint(dir, "score", Mode.MIN, false);
        try (Linear model = new Linear(2, 1); SGD opt = new SGD(model.parameters(), 0.01)) {
            new Trainer(model, new org.vesalius.nn.MSELoss(), opt).epochs(5).logging(false)
                    .metrics(new Scripted("score", 3, 2, 2.5, 1, 1.5)).callbacks(ckpt).fit(data);
        } finally {
            Blobs.close(data);
        }
        assertEquals(3, ckpt.bestEpoch());
        assertFalse(Files.exists(ckpt.lastPath()));
        try (Checkpoint c = Checkpoint.load(ckpt.bestPath())) {
            Map<String, Object> meta = c.metadata();
            assertEquals(3L, meta.get(ModelCheckpoint.EPOCH));
            assertEquals(1.0, meta.get("value"));
            History h = History.fromMap(cast(meta.get(ModelCheckpoint.HISTORY)));
            assertEquals(List.of(3.0, 2.0, 2.5, 1.0), h.get("score"));
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, List<?>> cast(Object o) {
        return (Map<String, List<?>>) o;
    }

    @Test
    void resumingFromAForeignCheckpointIsAnError() throws IOException {
        Path file = dir.resolve("plain.ckpt");
        try (Linear model = new Linear(2, 1); SGD opt = new SGD(model.parameters(), 0.01)) {
            Checkpoint.save(file, model, opt, Map.of());
            Trainer t = new Trainer(model, new org.vesalius.nn.MSELoss(), opt);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.resume(file));
            assertTrue(e.getMessage().contains("has no 'epoch' in its metadata"), e.getMessage());
        }
    }
}
