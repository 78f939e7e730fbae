package org.vesalius.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vesalius.nn.Dropout;
import org.vesalius.nn.F;
import org.vesalius.nn.Linear;
import org.vesalius.nn.Module;
import org.vesalius.optim.Adam;
import org.vesalius.optim.Optimizer;
import org.vesalius.optim.ParamGroup;
import org.vesalius.optim.ReduceLROnPlateau;
import org.vesalius.optim.SGD;
import org.vesalius.optim.StepLR;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/**
 * Checkpoints: a run stopped after N steps and resumed from its checkpoint in fresh objects computes
 * the uninterrupted run's next N losses bit for bit (model, SGD momentum buffers and group options,
 * the schedule, the default generator that dropout draws from, and a data generator kept in the
 * metadata); metadata round-trips; wrong use is reported; a save that fails midway leaves the previous
 * checkpoint and no temporary file.
 */
class CheckpointTest {
    private static final int N = 6;

    @TempDir
    Path dir;

    /** A small model with dropout, so the default generator's position matters. */
    static class Net extends Module {
        final Linear fc1 = registerModule("fc1", new Linear(4, 16));
        final Dropout drop = registerModule("drop", new Dropout(0.25));
        final Linear fc2 = registerModule("fc2", new Linear(16, 2));

        @Override
        public Tensor forward(Tensor x) {
            return fc2.forward(drop.forward(fc1.forward(x).relu()));
        }
    }

    /** Model, optimizer (two groups: fc2 has its own lr), schedule and the data stream of a run. */
    private static final class Run implements AutoCloseable {
        final Net net;
        final SGD opt;
        final StepLR sched;
        final Generator data;

        Run(long initSeed, long dataSeed) {
            Tensor.manualSeed(initSeed);
            net = new Net();
            List<Tensor> first = new ArrayList<>(net.fc1.parameters());
            opt = new SGD(first, 0.05, 0.9, 0, 1e-3, true);
            opt.addParamGroup(new ParamGroup(net.fc2.parameters(), Map.of("lr", 0.02)));
            sched = new StepLR(opt, 4, 0.5);
            data = new Generator(dataSeed);
        }

        /** One step; returns its loss. */
        double step() {
            try (Scope s = Scope.open()) {
                Tensor x = Tensor.randn(data, 8, 4);
                Tensor y = Tensor.randn(data, 8, 2);
                opt.zeroGrad();
                Tensor loss = F.mseLoss(net.forward(x), y);
                loss.backward();
                opt.step();
                sched.step();
                return loss.item();
            }
        }

        List<Double> steps(int n) {
            List<Double> losses = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                losses.add(step());
            }
            return losses;
        }

        @Override
        public void close() {
            net.close();
            opt.close();
        }
    }

    /** Asserts two optimizer states are equal: options, steps and tensors bit for bit. */
    private static void assertSameState(Optimizer.StateDict a, Optimizer.StateDict b) {
        assertEquals(a.paramGroups(), b.paramGroups());
        assertEquals(a.state().keySet(), b.state().keySet());
        for (Integer i : a.state().keySet()) {
            assertEquals(a.state().get(i).step(), b.state().get(i).step());
            assertEquals(a.state().get(i).tensors().keySet(), b.state().get(i).tensors().keySet());
            for (String k : a.state().get(i).tensors().keySet()) {
                assertArrayEquals(a.state().get(i).tensors().get(k).toDoubleArray(),
                        b.state().get(i).tensors().get(k).toDoubleArray(), "state " + i + "." + k);
            }
        }
    }

    @Test
    void aResumedRunComputesTheUninterruptedRunsLosses() throws IOException {
        Path file = dir.resolve("last.ckpt");
        try (Scope s = Scope.open(); Run whole = new Run(1, 123)) {
            List<Double> expected = whole.steps(2 * N);

            List<Double> firstHalf;
            Optimizer.StateDict saved;
            try (Run first = new Run(1, 123)) {
                firstHalf = first.steps(N);
                Map<String, Object> meta = new LinkedHashMap<>();
                meta.put("step", N);
                meta.put("losses", firstHalf);
                meta.put("data", first.data);
                Checkpoint.save(file, first.net, first.opt, first.sched, meta);
                saved = first.opt.stateDict();
                Tensor.manualSeed(77); // the run ends; the default generator moves on elsewhere
                Tensor.randn(100);
                assertSameState(saved, first.opt.stateDict());
            }
            assertEquals(expected.subList(0, N), firstHalf);

            try (Run resumed = new Run(999, 5); Checkpoint c = Checkpoint.load(file)) {
                c.restore(resumed.net, resumed.opt, resumed.sched);
                c.restoreGenerator("data", resumed.data);
                assertEquals((long) N, c.metadata().get("step"));
                assertEquals(firstHalf, c.metadata().get("losses"));
                assertEquals(whole.sched.lastEpoch() - N, resumed.sched.lastEpoch());
                List<Double> secondHalf = resumed.steps(N);
                assertEquals(expected.subList(N, 2 * N), secondHalf, "losses after resuming, bit for bit");
                assertSameState(whole.opt.stateDict(), resumed.opt.stateDict());
                assertArrayEquals(whole.sched.lastLr(), resumed.sched.lastLr());
                for (Map.Entry<String, Tensor> p : whole.net.stateDict().entrySet()) {
                    assertArrayEquals(p.getValue().toFloatArray(), resumed.net.stateDict().get(p.getKey()).toFloatArray(),
                            p.getKey());
                }
            }
        }
    }

    @Test
    void theFileIsSafetensorsWithReadableParts() throws IOException {
        Path file = dir.resolve("c.safetensors");
        try (Scope s = Scope.open(); Run r = new Run(3, 4)) {
            r.steps(2);
            Checkpoint.save(file, r.net, r.opt, r.sched, Map.of("epoch", 1));
            try (SafetensorsFile f = Safetensors.open(file)) {
                assertTrue(f.names().containsAll(List.of("model.fc1.weight", "model.fc2.bias",
                        "optimizer.state.0.momentumBuffer", "optimizer.state.3.momentumBuffer")), f.names().toString());
                assertEquals(Checkpoint.FORMAT, f.metadata().get("format"));
                assertTrue(f.metadata().get("optimizer").contains("\"type\":\"SGD\""), f.metadata().get("optimizer"));
                assertTrue(f.metadata().get("scheduler").startsWith("{\"type\":\"StepLR\""), f.metadata().get("scheduler"));
                assertEquals("{\"epoch\":1}", f.metadata().get("metadata"));
            }
            try (Checkpoint c = Checkpoint.load(file)) {
                assertEquals("StepLR", c.schedulerType());
                assertTrue(c.hasOptimizerState());
                assertArrayEquals(r.net.fc1.getParameter("weight").toFloatArray(),
                        c.modelState().get("fc1.weight").toFloatArray());
            }
        }
    }

    @Test
    void metadataRoundTrips() throws IOException {
        Path file = dir.resolve("m.ckpt");
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("epoch", 3);
        meta.put("loss", 0.25);
        meta.put("nan", Double.NaN);
        meta.put("inf", Float.NEGATIVE_INFINITY);
        meta.put("big", Long.MAX_VALUE);
        meta.put("name", "run-7");
        meta.put("nothing", null);
        meta.put("flags", List.of(true, false));
        meta.put("nested", Map.of("a", List.of(1, 2.5)));
        meta.put("curve", new double[] {1.5, 2});
        meta.put("gen", new Generator(11).manualSeed(12));
        try (Scope s = Scope.open(); Net net = new Net()) {
            Checkpoint.save(file, net, null, meta);
            try (Checkpoint c = Checkpoint.load(file)) {
                Map<String, Object> m = c.metadata();
                assertEquals(List.copyOf(meta.keySet()), List.copyOf(m.keySet()));
                assertEquals(3L, m.get("epoch"));
                assertEquals(0.25, m.get("loss"));
                assertTrue(Double.isNaN((Double) m.get("nan")));
                assertEquals(Double.NEGATIVE_INFINITY, m.get("inf"));
                assertEquals(Long.MAX_VALUE, m.get("big"));
                assertEquals("run-7", m.get("name"));
                assertEquals(null, m.get("nothing"));
                assertEquals(List.of(true, false), m.get("flags"));
                assertEquals(Map.of("a", List.of(1L, 2.5)), m.get("nested"));
                assertEquals(List.of(1.5, 2.0), m.get("curve"));
                Generator g = new Generator(0);
                g.nextDouble();
                c.restoreGenerator("gen", g);
                assertEquals(12, g.initialSeed());
                assertEquals(0, g.offset());
                assertThrows(IllegalArgumentException.class, () -> c.restoreGenerator("name", g));
                assertTrue(!c.hasOptimizerState());
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> c.restore(net, new SGD(net.parameters(), 0.1)));
                assertTrue(e.getMessage().contains("no optimizer state"), e.getMessage());
            }
            Map<String, Object> bad = Map.of("model", new Object());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Checkpoint.save(dir.resolve("bad.ckpt"), net, null, bad));
            assertTrue(e.getMessage().contains("metadata.model") && e.getMessage().contains("java.lang.Object"),
                    e.getMessage());
            IoFixtures.assertFiles(dir, "m.ckpt");
        }
    }

    @Test
    void aPlateauScheduleIsSavedAndRestored() throws IOException {
        Path file = dir.resolve("p.ckpt");
        try (Scope s = Scope.open(); Net net = new Net(); Net other = new Net()) {
            SGD opt = new SGD(net.parameters(), 0.1);
            ReduceLROnPlateau plateau = new ReduceLROnPlateau(opt, ReduceLROnPlateau.Mode.MIN, 0.5, 0);
            Checkpoint.save(file, net, opt, plateau, Map.of()); // best is still +infinity
            plateau.step(1.0);
            plateau.step(2.0);
            plateau.step(3.0);
            Map<String, Object> before = plateau.stateDict();

            SGD opt2 = new SGD(other.parameters(), 0.1);
            ReduceLROnPlateau plateau2 = new ReduceLROnPlateau(opt2, ReduceLROnPlateau.Mode.MIN, 0.5, 0);
            try (Checkpoint c = Checkpoint.load(file)) {
                c.restore(other, opt2, plateau2);
                assertEquals(Double.POSITIVE_INFINITY, plateau2.best());
            }
            Checkpoint.save(file, net, opt, plateau, Map.of());
            try (Checkpoint c = Checkpoint.load(file)) {
                c.restore(other, opt2, plateau2);
            }
            assertEquals(before.toString(), plateau2.stateDict().toString());
            assertEquals(opt.paramGroups().get(0).lr(), opt2.paramGroups().get(0).lr());
        }
    }

    @Test
    void mismatchesAreReported() throws IOException {
        Path file = dir.resolve("x.ckpt");
        try (Scope s = Scope.open(); Run r = new Run(1, 2); Linear wrong = new Linear(4, 3)) {
            r.steps(1);
            Checkpoint.save(file, r.net, r.opt, r.sched, null);
            try (Checkpoint c = Checkpoint.load(file)) {
                Adam adam = new Adam(r.net.parameters());
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.restore(r.net, adam));
                assertTrue(e.getMessage().contains("SGD optimizer, not of a Adam"), e.getMessage());
                e = assertThrows(IllegalArgumentException.class, () -> c.restore(wrong));
                assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains("unexpected keys"),
                        e.getMessage());
            }
            Path plain = dir.resolve("plain.safetensors");
            Safetensors.saveStateDict(r.net, plain);
            IOException e = assertThrows(IOException.class, () -> Checkpoint.load(plain));
            assertTrue(e.getMessage().contains("not a Vesalius checkpoint"), e.getMessage());
        }
    }

    @Test
    void aSaveThatFailsMidwayLeavesThePreviousCheckpoint() throws IOException {
        Path file = dir.resolve("last.ckpt");
        try (Scope s = Scope.open(); Run r = new Run(1, 2)) {
            r.steps(2);
            Checkpoint.save(file, r.net, r.opt, r.sched, Map.of("step", 2));
            byte[] before = Files.readAllBytes(file);

            // a model whose last state-dict tensor cannot be read: the header and the other tensors are
            // written before the failure
            Module broken = new Net() {
                @Override
                public Map<String, Tensor> stateDict() {
                    Map<String, Tensor> sd = new LinkedHashMap<>(super.stateDict());
                    Tensor gone = Tensor.zeros(3);
                    gone.close();
                    sd.put("zzz", gone);
                    return sd;
                }
            };
            RuntimeException e = assertThrows(RuntimeException.class,
                    () -> Checkpoint.save(file, broken, r.opt, r.sched, Map.of("step", 4)));
            assertTrue(e.getMessage().contains("model.zzz"), e.getMessage());
            assertArrayEquals(before, Files.readAllBytes(file));
            IoFixtures.assertFiles(dir, "last.ckpt");
            try (Checkpoint c = Checkpoint.load(file)) {
                assertEquals(2L, c.metadata().get("step"));
            }
            broken.close();
        }
    }
}
