package org.vesalius.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vesalius.backend.Backends;
import org.vesalius.data.DataLoader;
import org.vesalius.data.TensorDataset;
import org.vesalius.nn.CrossEntropyLoss;
import org.vesalius.nn.F;
import org.vesalius.nn.Linear;
import org.vesalius.nn.MSELoss;
import org.vesalius.nn.ReLU;
import org.vesalius.nn.Reduction;
import org.vesalius.nn.Sequential;
import org.vesalius.optim.ReduceLROnPlateau;
import org.vesalius.optim.SGD;
import org.vesalius.optim.StepLR;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;
import org.vesalius.train.metrics.Accuracy;
import org.vesalius.train.metrics.F1Score;
import org.vesalius.train.metrics.R2Score;

class TrainerTest {
    private static Sequential mlp(long seed) {
        Generator g = new Generator(seed);
        return new Sequential(new Linear(2, 16, true, g), new ReLU(), new Linear(16, 3, true, g));
    }

    @Test
    void fitsASyntheticClassificationProblem() {
        List<Tensor[]> train = Blobs.classification(600, 32, 1);
        List<Tensor[]> val = Blobs.classification(300, 64, 2);
        try (Sequential model = mlp(3); SGD opt = new SGD(model.parameters(), 0.05, 0.9)) {
            Trainer trainer = new Trainer(model, new CrossEntropyLoss(), opt).epochs(15)
                    .metrics(new Accuracy(), new F1Score());
            History h = trainer.fit(train, val);
            assertEquals(15, h.size());
            assertEquals(List.of("loss", "accuracy", "f1", "val_loss", "val_accuracy", "val_f1", "lr", "time"),
                    new ArrayList<>(h.keys()));
            assertTrue(h.last("val_accuracy") >= 0.95, "val accuracy " + h.get("val_accuracy"));
            assertTrue(h.last("loss") < 0.5 * h.get("loss").get(0), "loss " + h.get("loss"));
            assertTrue(model.isTraining(), "fit leaves the model in training mode");

            Map<String, Double> eval = trainer.evaluate(val);
            assertEquals(h.last("val_loss"), eval.get("loss"), 1e-9);
            assertEquals(h.last("val_accuracy"), eval.get("accuracy"), 0);
            try (Tensor pred = trainer.predict(val)) {
                assertArrayEquals(new int[] {300, 3}, pred.shape());
            }
            assertFalse(val.get(0)[0].isClosed(), "batches of a list are left open");
        }
        // the rings need the hidden layer: a linear model trained the same way stays far below
        try (Linear linear = new Linear(2, 3, true, new Generator(3)); SGD opt = new SGD(linear.parameters(), 0.05, 0.9)) {
            History h = new Trainer(linear, new CrossEntropyLoss(), opt).epochs(15).metrics(new Accuracy()).fit(train, val);
            assertTrue(h.last("val_accuracy") < 0.75, "linear val accuracy " + h.get("val_accuracy"));
        } finally {
            Blobs.close(train);
            Blobs.close(val);
        }
    }

    @Test
    void reportedLossIsTheMeanPerSampleOverUnevenBatches() {
        // batches of 5, 3 and 2 samples; lr 0 keeps the weights, so the epoch's loss is the loss of the data
        List<Tensor[]> data = Blobs.regression(10, 5, 4);
        data.addAll(Blobs.regression(5, 3, 5));
        try (Linear model = new Linear(2, 1, true, new Generator(6)); SGD opt = new SGD(model.parameters(), 0)) {
            double expected = 0;
            int n = 0;
            for (Tensor[] b : data) {
                try (Tensor out = model.forward(b[0]); Tensor l = F.mseLoss(out, b[1], Reduction.SUM)) {
                    expected += l.item();
                    n += b[0].size(0);
                }
            }
            expected /= n;
            assertEquals(15, n);
            History mean = new Trainer(model, new MSELoss(), opt).fit(data);
            assertEquals(expected, mean.last("loss"), 1e-6);
            History sum = new Trainer(model, new MSELoss(Reduction.SUM), opt).fit(data);
            assertEquals(expected, sum.last("loss"), 1e-6);
            History fn = new Trainer(model, (o, t) -> F.mseLoss(o, t), opt).fit(data);
            assertEquals(expected, fn.last("loss"), 1e-6);
        } finally {
            Blobs.close(data);
        }
    }

    @Test
    void batchesFromAStreamAreClosedAfterUse() {
        List<Tensor[]> handedOut = new ArrayList<>();
        Iterable<Tensor[]> stream = () -> new Iterator<>() {
            int i;

            @Override
            public boolean hasNext() {
                return i < 4;
            }

            @Override
            public Tensor[] next() {
                Tensor[] b = Blobs.regression(8, 8, i++).get(0);
                handedOut.add(b);
                return b;
            }
        };
        try (Linear model = new Linear(2, 1); SGD opt = new SGD(model.parameters(), 0.01)) {
            Trainer trainer = new Trainer(model, new MSELoss(), opt).epochs(2);
            trainer.fit(stream, stream);
            assertEquals(-1, trainer.stepsPerEpoch());
            assertEquals(16, handedOut.size(), "2 epochs x (4 training + 4 validation batches)");
            for (Tensor[] b : handedOut) {
                assertTrue(b[0].isClosed() && b[1].isClosed());
            }
        }
    }

    @Test
    void aDataLoaderGivesTheStepCountAndItsEpochIsSet() {
        List<Tensor[]> rows = Blobs.regression(100, 100, 16);
        TensorDataset data = new TensorDataset(rows.get(0)[0], rows.get(0)[1]);
        DataLoader<Tensor[]> loader = DataLoader.of(data, 32).shuffle(true).seed(3).numWorkers(1);
        List<Integer> epochsSeen = new ArrayList<>();
        Callback probe = new Callback() {
            @Override
            public void onEpochBegin(Trainer t, int epoch) {
                assertEquals(4, t.stepsPerEpoch(), "ceil(100 / 32)");
                epochsSeen.add(loader.epoch());
            }
        };
        StringBuilder progress = new StringBuilder();
        try (Linear model = new Linear(2, 1); SGD opt = new SGD(model.parameters(), 0.05)) {
            new Trainer(model, new MSELoss(), opt).epochs(5).startEpoch(2).callbacks(probe).progress(progress)
                    .fit(loader, loader);
        } finally {
            Blobs.close(rows);
        }
        assertEquals(List.of(2, 3, 4), epochsSeen, "a run started at epoch 2 sees the loader's epoch 2");
        assertTrue(progress.toString().startsWith("Epoch 3/5 [====================] 4/4 loss"), progress.toString());
    }

    @Test
    void nativeMemoryStaysFlatOverEpochs() {
        List<Tensor[]> train = Blobs.classification(300, 20, 7);
        List<long[]> live = new ArrayList<>();
        try (Sequential model = mlp(8); SGD opt = new SGD(model.parameters(), 0.05, 0.9)) {
            Callback probe = new Callback() {
                @Override
                public void onEpochEnd(Trainer t, int epoch, Map<String, Double> logs) {
                    live.add(new long[] {epoch, Backends.cpu().liveBytes()});
                }
            };
            new Trainer(model, new CrossEntropyLoss(), opt).epochs(30).metrics(new Accuracy()).callbacks(probe)
                    .fit(train, train);
        } finally {
            Blobs.close(train);
        }
        long afterWarmup = live.get(2)[1];
        long last = live.get(live.size() - 1)[1];
        // one-sided: tensors other tests left to the GC may be reclaimed meanwhile
        assertTrue(last - afterWarmup <= 16 * 1024, "live bytes grew from " + afterWarmup + " to " + last);
    }

    @Test
    void schedulesStepPerEpochOrPerBatchAndOnPlateau() {
        List<Tensor[]> data = Blobs.regression(40, 10, 9);
        try (Linear model = new Linear(2, 1); SGD opt = new SGD(model.parameters(), 0.1)) {
            StepLR step = new StepLR(opt, 1, 0.5);
            History h = new Trainer(model, new MSELoss(), opt).epochs(3).scheduler(step).fit(data);
            assertEquals(List.of(0.1, 0.05, 0.025), h.get("lr"), "lr is the one used during each epoch");
            assertEquals(3, step.lastEpoch());

            opt.paramGroups().get(0).setLr(0.1);
            StepLR perBatch = new StepLR(opt, 4, 0.5);
            h = new Trainer(model, new MSELoss(), opt).epochs(2).scheduler(perBatch, Trainer.Interval.BATCH).fit(data);
            assertEquals(8, perBatch.lastEpoch(), "one step per batch: 2 epochs x 4 batches");
            assertEquals(List.of(0.1, 0.05), h.get("lr"));
        } finally {
            Blobs.close(data);
        }
    }

    @Test
    void reduceLROnPlateauFollowsTheMonitoredValue() {
        List<Tensor[]> data = Blobs.regression(40, 10, 10);
        double[] script = {1.0, 0.9, 0.95, 0.97, 0.99, 0.5};
        try (Linear model = new Linear(2, 1); SGD opt = new SGD(model.parameters(), 0)) {
            opt.paramGroups().get(0).setLr(1e-3);
            ReduceLROnPlateau plateau = new ReduceLROnPlateau(opt, ReduceLROnPlateau.Mode.MIN, 0.5, 1);
            History h = new Trainer(model, new MSELoss(), opt).epochs(6).metrics(new Scripted("score", script))
                    .reduceLROnPlateau(plateau, "score").fit(data);
            // epochs 2 and 3 do not improve on 0.9: the second bad epoch (> patience 1) halves the lr
            assertEquals(List.of(1e-3, 1e-3, 1e-3, 1e-3, 5e-4, 5e-4), h.get("lr"));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Trainer(model,
                    new MSELoss(), opt).reduceLROnPlateau(plateau, "val_loss").fit(data));
            assertTrue(e.getMessage().contains("monitored key 'val_loss' is not logged"), e.getMessage());
            assertTrue(e.getMessage().contains("need validation data"), e.getMessage());
        } finally {
            Blobs.close(data);
        }
    }

    @Test
    void clippingBoundsTheUpdate() {
        List<Tensor[]> data = Blobs.regression(10, 10, 11);
        try (Linear model = new Linear(2, 1); SGD opt = new SGD(model.parameters(), 1.0)) {
            float[] before = model.weight().toFloatArray();
            new Trainer(model, new MSELoss(), opt).clipGradValue(0.01).fit(data);
            float[] after = model.weight().toFloatArray();
            for (int i = 0; i < before.length; i++) {
                assertTrue(Math.abs(after[i] - before[i]) <= 0.01 + 1e-6, "one step of lr 1 moves at most 0.01");
            }
            float[] b2 = model.weight().toFloatArray();
            new Trainer(model, new MSELoss(), opt).clipGradNorm(0.001).fit(data);
            float[] a2 = model.weight().toFloatArray();
            double moved = Math.hypot(a2[0] - b2[0], a2[1] - b2[1]);
            assertTrue(moved <= 0.001 + 1e-6, "moved " + moved);
        } finally {
            Blobs.close(data);
        }
    }

    @Test
    void resumingStartsAtTheGivenEpochAndAppendsToTheHistory() {
        List<Tensor[]> data = Blobs.regression(20, 10, 12);
        List<Integer> begun = new ArrayList<>();
        Callback record = new Callback() {
            @Override
            public void onEpochBegin(Trainer t, int epoch) {
                begun.add(epoch);
            }
        };
        try (Linear model = new Linear(2, 1); SGD opt = new SGD(model.parameters(), 0.01)) {
            History first = new Trainer(model, new MSELoss(), opt).epochs(2).fit(data);
            History resumed = History.fromMap(first.toMap());
            History h = new Trainer(model, new MSELoss(), opt).epochs(4).startEpoch(2).history(resumed).callbacks(record)
                    .fit(data);
            assertEquals(List.of(2, 3), begun);
            assertEquals(List.of(0, 1, 2, 3), h.epochs());
            assertEquals(first.get("loss").get(1), h.get("loss").get(1));
        } finally {
            Blobs.close(data);
        }
    }

    @Test
    void aCallbackCanStopInTheMiddleOfAnEpoch() {
        List<Tensor[]> data = Blobs.regression(50, 10, 13);
        try (Linear model = new Linear(2, 1); SGD opt = new SGD(model.parameters(), 0.01)) {
            Callback stopAtSecondBatch = new Callback() {
                @Override
                public void onBatchEnd(Trainer t, int batch, double loss) {
                    if (t.epoch() == 1 && batch == 1) {
                        t.stopTraining();
                    }
                }
            };
            Trainer trainer = new Trainer(model, new MSELoss(), opt).epochs(5).callbacks(stopAtSecondBatch);
            History h = trainer.fit(data, data);
            assertEquals(2, h.size());
            assertEquals(2, trainer.step(), "two batches of epoch 1 ran");
            assertTrue(h.has("val_loss"), "the stopped epoch is still validated");
        } finally {
            Blobs.close(data);
        }
    }

    @Test
    void badBatchesGiveClearErrors() {
        try (Sequential model = mlp(14); SGD opt = new SGD(model.parameters(), 0.1)) {
            Trainer trainer = new Trainer(model, new CrossEntropyLoss(), opt).metrics(new Accuracy());
            List<Tensor[]> mismatched = List.<Tensor[]>of(new Tensor[] {Tensor.zeros(4, 2), Tensor.of(new long[] {0, 1, 2})});
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> trainer.fit(mismatched));
            assertEquals("Trainer: training batch 0: batch size mismatch: input [4, 2] and target [3] must have the same "
                    + "number of samples in their first dimension", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> trainer.evaluate(mismatched));
            assertTrue(e.getMessage().startsWith("Trainer: evaluation batch 0: batch size mismatch"), e.getMessage());

            List<Tensor[]> outOfRange = List.<Tensor[]>of(new Tensor[] {Tensor.zeros(3, 2), Tensor.of(new long[] {0, 3, 1})});
            e = assertThrows(IllegalArgumentException.class, () -> trainer.fit(outOfRange));
            assertTrue(e.getMessage().contains("3"), e.getMessage());
            // the metric catches it too when the loss does not look at labels
            Trainer anyLoss = new Trainer(model, (o, t) -> o.square().mean(), opt).metrics(new Accuracy());
            e = assertThrows(IllegalArgumentException.class, () -> anyLoss.fit(outOfRange));
            assertTrue(e.getMessage().contains("accuracy: label 3 at position 1 is out of range for an output with 3 "
                    + "classes"), e.getMessage());

            List<Tensor[]> single = List.<Tensor[]>of(new Tensor[] {Tensor.zeros(3, 2)});
            e = assertThrows(IllegalArgumentException.class, () -> trainer.fit(single));
            assertTrue(e.getMessage().contains("must be {input, target}, got 1 tensor(s)"), e.getMessage());

            Trainer vector = new Trainer(model, (o, t) -> o.square(), opt);
            List<Tensor[]> ok = List.<Tensor[]>of(new Tensor[] {Tensor.zeros(3, 2), Tensor.of(new long[] {0, 1, 2})});
            e = assertThrows(IllegalArgumentException.class, () -> vector.fit(ok));
            assertTrue(e.getMessage().contains("it must return a scalar"), e.getMessage());

            assertThrows(IllegalArgumentException.class, () -> new Trainer(model, new MSELoss(Reduction.NONE), opt));
            assertThrows(IllegalArgumentException.class, () -> trainer.metrics(new Accuracy()));
            assertThrows(IllegalArgumentException.class, () -> trainer.fit(List.of()));
        }
    }

    @Test
    void regressionMetricsAndPredictOfATensor() {
        List<Tensor[]> data = Blobs.regression(200, 20, 15);
        try (Linear model = new Linear(2, 1); SGD opt = new SGD(model.parameters(), 0.1)) {
            History h = new Trainer(model, new MSELoss(), opt).epochs(20).metrics(new R2Score()).fit(data, data);
            assertTrue(h.last("val_r2") > 0.99, "r2 " + h.get("val_r2"));
            try (Tensor x = Tensor.of(new float[] {1, 1}, 1, 2); Tensor y = new Trainer(model, new MSELoss(), opt).predict(x)) {
                assertEquals(1.5, y.item(), 0.05); // 3 - 2 + 0.5
            }
        } finally {
            Blobs.close(data);
        }
    }
}
