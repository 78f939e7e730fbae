package org.vesalius.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vesalius.autograd.NoGrad;
import org.vesalius.backend.Backends;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Device;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/** Module mechanics: modes, devices and dtypes, gradients, traversal, printing, ownership and registration errors. */
class ModuleTest {

    @Test
    void trainAndEvalReachEverySubmodule() {
        try (Sequential m = new Sequential(new Linear(2, 2), new Sequential(new Dropout(0.5), new BatchNorm1d(2)))) {
            assertTrue(m.isTraining());
            m.eval();
            for (Module sub : m.modules()) {
                assertFalse(sub.isTraining(), sub + " is still training");
            }
            m.train();
            for (Module sub : m.modules()) {
                assertTrue(sub.isTraining());
            }
        }
    }

    @Test
    void dropoutIsActiveOnlyInTraining() {
        try (Dropout d = new Dropout(0.5, new Generator(7)); Scope s = Scope.open()) {
            Tensor x = Tensor.ones(1000);
            float[] y = d.forward(x).toFloatArray();
            int zeros = 0;
            for (float v : y) {
                assertTrue(v == 0f || v == 2f, "survivors are scaled by 1/(1-p): " + v);
                zeros += v == 0f ? 1 : 0;
            }
            assertTrue(zeros > 400 && zeros < 600, zeros + " of 1000 dropped at p = 0.5");
            d.eval();
            assertSame(x, d.forward(x), "eval mode passes the input through");
            try (Dropout2d d2 = new Dropout2d(0.5, new Generator(3))) {
                float[] ch = d2.forward(Tensor.ones(4, 8, 3, 3)).toFloatArray();
                for (int c = 0; c < 32; c++) {
                    for (int i = 1; i < 9; i++) {
                        assertEquals(ch[c * 9], ch[c * 9 + i], "Dropout2d drops whole channels");
                    }
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> new Dropout(1.5));
    }

    @Test
    void batchNormUsesBatchStatisticsInTrainingAndRunningStatisticsInEval() {
        try (BatchNorm1d bn = new BatchNorm1d(2); Scope s = Scope.open()) {
            Tensor x = Tensor.of(new float[] {1, 10, 3, 20, 5, 30, 7, 40}, 4, 2);
            float[] y = bn.forward(x).toFloatArray();
            // batch statistics: each column normalised to mean 0
            assertEquals(0, y[0] + y[2] + y[4] + y[6], 1e-5);
            // running stats moved 10% toward the batch's (mean 4 and 25; unbiased variance 6.667 and 166.7)
            assertArrayEquals(new float[] {0.4f, 2.5f}, bn.runningMean().toFloatArray(), 1e-5f);
            assertArrayEquals(new float[] {0.9f + 0.1f * 20f / 3, 0.9f + 0.1f * 500f / 3}, bn.runningVar().toFloatArray(), 1e-4f);
            assertEquals(1, bn.numBatchesTracked());
            bn.eval();
            float[] mean = bn.runningMean().toFloatArray();
            float[] e = bn.forward(x).toFloatArray();
            assertEquals((1 - mean[0]) / Math.sqrt(bn.runningVar().toFloatArray()[0] + 1e-5), e[0], 1e-5);
            assertArrayEquals(mean, bn.runningMean().toFloatArray(), "eval does not update running statistics");
            assertEquals(1, bn.numBatchesTracked());
        }
        try (BatchNorm2d noStats = new BatchNorm2d(3, 1e-5, 0.1, false, false); Scope s = Scope.open()) {
            assertTrue(noStats.stateDict().isEmpty(), "no affine parameters and no running statistics");
            noStats.eval();
            float[] y = noStats.forward(Tensor.randn(2, 3, 2, 2)).toFloatArray();
            double sum = 0;
            for (int i = 0; i < 4; i++) {
                sum += y[i] + y[12 + i];
            }
            assertEquals(0, sum, 1e-4, "without running statistics eval also normalises by the batch");
        }
    }

    @Test
    void toDtypeConvertsFloatingTensorsAndKeepsCounters() {
        try (Sequential m = new Sequential(new Linear(3, 2), new BatchNorm1d(2))) {
            Tensor oldWeight = m.getParameter("0.weight");
            float[] values = oldWeight.toFloatArray();
            m.to(DType.FLOAT64);
            Tensor w = m.getParameter("0.weight");
            assertEquals(DType.FLOAT64, w.dtype());
            assertTrue(w.isLeaf() && w.requiresGrad());
            assertTrue(oldWeight.isClosed(), "the replaced tensor is freed");
            assertArrayEquals(toDouble(values), w.toDoubleArray(), 0);
            assertEquals(DType.FLOAT64, m.getBuffer("1.running_mean").dtype());
            assertEquals(DType.INT64, m.getBuffer("1.num_batches_tracked").dtype());
            assertSame(m, m.to(Device.CPU), "already there: nothing changes");
            assertSame(w, m.getParameter("0.weight"));
            try (Scope s = Scope.open()) {
                Tensor out = m.forward(Tensor.randn(DType.FLOAT64, Device.CPU, new Generator(1), 4, 3));
                assertEquals(DType.FLOAT64, out.dtype());
            }
            assertThrows(IllegalArgumentException.class, () -> m.to(DType.INT32));
        }
    }

    @Test
    void zeroGradFreezeAndApply() {
        try (Sequential m = new Sequential(new Linear(3, 2), new ReLU(), new Linear(2, 1)); Scope s = Scope.open()) {
            m.forward(Tensor.randn(5, 3)).sum().backward();
            for (Tensor p : m.parameters()) {
                assertTrue(p.grad() != null);
            }
            m.zeroGrad();
            for (Tensor p : m.parameters()) {
                assertNull(p.grad());
            }
            m.get(0).requiresGrad_(false);
            m.forward(Tensor.randn(5, 3)).sum().backward();
            assertNull(m.getParameter("0.weight").grad(), "a frozen layer gets no gradient");
            assertTrue(m.getParameter("2.weight").grad() != null);

            List<String> order = new ArrayList<>();
            m.apply(mod -> order.add(mod.name()));
            assertEquals(List.of("Linear", "ReLU", "Linear", "Sequential"), order, "children before parents, as PyTorch");
            m.apply(mod -> {
                if (mod instanceof Linear) {
                    Init.constant_(((Linear) mod).weight(), 0.5);
                }
            });
            assertArrayEquals(new float[] {0.5f, 0.5f}, m.getParameter("2.weight").toFloatArray());
        }
    }

    @Test
    void printsLikePyTorch() {
        try (Sequential m = new Sequential(new Linear(4, 3), new ReLU(),
                new Sequential(new Dropout(0.25), new BatchNorm1d(3)), new Softmax(1))) {
            assertEquals("Sequential(\n"
                    + "  (0): Linear(inFeatures=4, outFeatures=3, bias=true)\n"
                    + "  (1): ReLU()\n"
                    + "  (2): Sequential(\n"
                    + "    (0): Dropout(p=0.25)\n"
                    + "    (1): BatchNorm1d(3, eps=1.0E-5, momentum=0.1, affine=true, trackRunningStats=true)\n"
                    + "  )\n"
                    + "  (3): Softmax(dim=1)\n"
                    + ")", m.toString());
        }
        assertEquals("CrossEntropyLoss(reduction=sum, ignoreIndex=3, labelSmoothing=0.1)",
                new CrossEntropyLoss(null, 3, Reduction.SUM, 0.1).toString());
        assertEquals("MSELoss()", new MSELoss().toString());
    }

    @Test
    void aModelBuiltInsideAScopeOwnsItsParametersAndCloseFreesThem() {
        Sequential m;
        try (Scope s = Scope.open()) {
            m = new Sequential(new Linear(256, 256), new BatchNorm1d(256));
        }
        try (Scope s = Scope.open()) {
            // (views are made in a scope: a view holds the memory it views until it is closed)
            for (Tensor t : m.stateDict().values()) {
                assertFalse(t.isClosed(), "closing the scope must not free the model's tensors");
            }
            m.forward(Tensor.randn(4, 256)).sum().backward();
        }
        // one-sided: the GC cleaner may free other tests' garbage meanwhile, which only adds to the drop
        long alive = Backends.cpu().liveBytes();
        m.close();
        m.close(); // idempotent
        assertTrue(m.getParameter("0.weight").isClosed());
        assertNull(m.getParameter("0.weight").grad());
        long freed = alive - Backends.cpu().liveBytes();
        assertTrue(freed >= 2 * 256 * 256 * 4, "close frees weights and their gradients: only " + freed + " bytes freed");
    }

    @Test
    void registrationErrorsNameTheProblem() {
        try (Linear l = new Linear(2, 2); Scope s = Scope.open()) {
            assertMessage("registerModule: Linear already has a parameter named 'weight'",
                    () -> l.registerModule("weight", new ReLU()));
            assertMessage("registerParameter: name 'a.b' must not contain '.' (dots separate submodule names in state-dict keys)",
                    () -> l.registerParameter("a.b", Tensor.zeros(1)));
            assertMessage("registerParameter: parameter 'idx' must be a floating point tensor, got int64",
                    () -> l.registerParameter("idx", Tensor.zeros(DType.INT64, 2)));
            Tensor leaf = Tensor.zeros(2).requiresGrad_(true);
            Tensor computed = leaf.mul(2);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> l.registerParameter("scale", computed));
            assertTrue(e.getMessage().startsWith("registerParameter: parameter 'scale' must be a leaf tensor"), e.getMessage());
            assertMessage("getParameter: Linear has no parameter 'wieght' (it has: weight, bias)",
                    () -> l.getParameter("wieght"));
            assertMessage("getSubmodule: Linear has no submodule 'x' (in path 'x.y'; it has: )", () -> l.getSubmodule("x.y"));
            UnsupportedOperationException u = assertThrows(UnsupportedOperationException.class,
                    () -> new ModuleList(new ReLU()).forward(Tensor.zeros(1)));
            assertTrue(u.getMessage().startsWith("ModuleList has no forward(Tensor)"), u.getMessage());
        }
    }

    @Test
    void containers() {
        try (Scope s = Scope.open()) {
            Map<String, Module> named = new LinkedHashMap<>();
            named.put("fc", new Linear(3, 2));
            named.put("act", new Tanh());
            Sequential seq = new Sequential(named);
            assertEquals(List.of("fc.weight", "fc.bias"), new ArrayList<>(seq.stateDict().keySet()));
            assertSame(seq.get(-1), named.get("act"));
            assertThrows(IndexOutOfBoundsException.class, () -> seq.get(2));
            Tensor x = Tensor.randn(4, 3);
            assertArrayEquals(named.get("fc").forward(x).tanh().toFloatArray(), seq.forward(x).toFloatArray());

            ModuleList list = new ModuleList().add(new Linear(2, 2)).add(new Linear(2, 2));
            assertEquals(2, list.size());
            int n = 0;
            for (Module m : list) {
                n += m.parameters().size();
            }
            assertEquals(4, n);
            ModuleDict dict = new ModuleDict();
            dict.put("b", new Linear(1, 1));
            dict.put("a", new Linear(1, 1, false));
            assertEquals(List.of("b", "a"), new ArrayList<>(dict.keys()), "insertion order");
            assertEquals(List.of("b.weight", "b.bias", "a.weight"), new ArrayList<>(dict.stateDict().keySet()));
            assertMessage("ModuleDict.get: no module under 'c' (keys: b, a)", () -> dict.get("c"));
            seq.close();
            list.close();
            dict.close();
        }
    }

    @Test
    void stateDictValuesAreDetachedViews() {
        try (Linear l = new Linear(2, 2); Scope s = Scope.open()) {
            Tensor w = l.stateDict().get("weight");
            assertFalse(w.requiresGrad());
            assertSame(l.weight().storage(), w.storage());
            assertNotSame(l.weight(), w);
            try (NoGrad ng = NoGrad.open()) {
                l.weight().fill_(3);
            }
            assertArrayEquals(new float[] {3, 3, 3, 3}, w.toFloatArray(), "a view sees later changes");
            w.close();
            assertFalse(l.weight().isClosed(), "closing a view leaves the module alone");
        }
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    static void assertMessage(String message, org.junit.jupiter.api.function.Executable op) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, op);
        assertEquals(message, e.getMessage());
    }
}
