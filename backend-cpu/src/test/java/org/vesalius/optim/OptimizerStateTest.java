package org.vesalius.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.vesalius.nn.F;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/**
 * Optimizer and schedule state: a run resumed from state dicts reproduces the uninterrupted run bit for
 * bit; parameter groups; skipped parameters; and the errors for bad options and mismatched state.
 */
class OptimizerStateTest {
    private static final Tensor X = OptimFixtures.problem("X", DType.FLOAT64);
    private static final Tensor Y = OptimFixtures.problem("Y", DType.FLOAT64);

    /** An optimizer and, optionally, a schedule over given parameters. */
    private record Setup(Optimizer opt, LRScheduler sched) {
    }

    private static List<Function<List<Tensor>, Setup>> setups() {
        List<Function<List<Tensor>, Setup>> s = new ArrayList<>();
        s.add(p -> new Setup(new SGD(p, 0.05, 0.9, 0, 0.01, true), null));
        s.add(p -> {
            SGD o = new SGD(p, 0.05, 0.9);
            return new Setup(o, new OneCycleLR(o, 0.2, 20));
        });
        s.add(p -> {
            Adam o = new Adam(p, 0.05, 0.9, 0.999, 1e-8, 0.01, true);
            return new Setup(o, new CosineAnnealingWarmRestarts(o, 3, 2, 0.001));
        });
        s.add(p -> {
            AdamW o = new AdamW(p, 0.05);
            return new Setup(o, new StepLR(o, 3, 0.5));
        });
        s.add(p -> {
            RMSprop o = new RMSprop(p, 0.01, 0.9, 1e-8, 0.01, 0.5, true);
            return new Setup(o, new LinearLR(o, 0.2, 1.0, 5));
        });
        s.add(p -> new Setup(new Adagrad(p, 0.1, 0.05, 0.01, 0.1, 1e-10), null));
        return s;
    }

    private static void steps(Setup s, Tensor[] wb, int n) {
        for (int i = 0; i < n; i++) {
            try (Scope sc = Scope.open()) {
                s.opt().zeroGrad();
                F.mseLoss(F.linear(X, wb[0], wb[1]), Y).backward();
                s.opt().step();
                if (s.sched() != null) {
                    s.sched().step();
                }
            }
        }
    }

    @Test
    void resumingFromStateDictsReproducesTheUninterruptedRun() {
        for (Function<List<Tensor>, Setup> make : setups()) {
            Tensor[] a = OptimFixtures.params(DType.FLOAT64);
            Setup straight = make.apply(List.of(a));
            steps(straight, a, 20);

            Tensor[] b = OptimFixtures.params(DType.FLOAT64);
            Setup first = make.apply(List.of(b));
            steps(first, b, 10);
            // snapshot, as a checkpoint would: copies of the parameters and of the state tensors
            Optimizer.StateDict sd = first.opt().stateDict();
            Map<Integer, Optimizer.SavedState> copied = new LinkedHashMap<>();
            sd.state().forEach((k, v) -> {
                Map<String, Tensor> ts = new LinkedHashMap<>();
                v.tensors().forEach((n, t) -> ts.put(n, t.clone()));
                copied.put(k, new Optimizer.SavedState(v.step(), ts));
            });
            Optimizer.StateDict snapshot = new Optimizer.StateDict(sd.paramGroups(), copied);
            Map<String, Object> schedState = first.sched() == null ? null : first.sched().stateDict();
            Tensor[] c = {b[0].detach().clone().requiresGrad_(true), b[1].detach().clone().requiresGrad_(true)};
            first.opt().close();

            // resume: build the same optimizer and schedule, then load their states (optimizer first,
            // since creating a schedule sets the lr of epoch 0)
            Setup resumed = make.apply(List.of(c));
            resumed.opt().loadStateDict(snapshot);
            if (schedState != null) {
                resumed.sched().loadStateDict(schedState);
            }
            steps(resumed, c, 10);
            String what = straight.opt().getClass().getSimpleName();
            assertArrayEquals(a[0].toDoubleArray(), c[0].toDoubleArray(), 0, what + ": W after resuming");
            assertArrayEquals(a[1].toDoubleArray(), c[1].toDoubleArray(), 0, what + ": b after resuming");
            assertEquals(straight.opt().paramGroups().get(0).lr(), resumed.opt().paramGroups().get(0).lr(), 0, what + " lr");
            straight.opt().close();
            resumed.opt().close();
        }
    }

    @Test
    void stateDictNumbersParametersAcrossGroupsAndNamesTheState() {
        Tensor[] wb = OptimFixtures.params(DType.FLOAT64);
        Adam opt = new Adam(List.of(wb[0]), 0.01, 0.9, 0.999, 1e-8, 0, true);
        opt.addParamGroup(new ParamGroup(List.of(wb[1]), Map.of("lr", 0.1)));
        Optimizer.StateDict empty = opt.stateDict();
        assertTrue(empty.state().isEmpty(), "no state before the first step");
        steps(new Setup(opt, null), wb, 3);
        Optimizer.StateDict sd = opt.stateDict();
        assertEquals(List.of(0), sd.paramGroups().get(0).params());
        assertEquals(List.of(1), sd.paramGroups().get(1).params());
        assertEquals(0.1, sd.paramGroups().get(1).options().get("lr"));
        assertEquals(0.01, sd.paramGroups().get(0).options().get("lr"));
        assertEquals(List.of("expAvg", "expAvgSq", "maxExpAvgSq"), new ArrayList<>(sd.state().get(1).tensors().keySet()));
        assertEquals(3, sd.state().get(0).step());
        assertArrayEquals(new int[] {3}, sd.state().get(1).tensors().get("expAvg").shape());
        opt.close();
    }

    @Test
    void parametersWithoutGradientsAreLeftAlone() {
        Tensor[] wb = OptimFixtures.params(DType.FLOAT64);
        SGD opt = new SGD(List.of(wb[0], wb[1]), 0.1, 0.9, 0, 0.1, false);
        double[] before = wb[1].toDoubleArray();
        try (Scope s = Scope.open()) {
            // only W gets a gradient (b does not enter the loss)
            F.mseLoss(X.matmul(wb[0].t()), Y).backward();
            opt.step();
        }
        assertArrayEquals(before, wb[1].toDoubleArray(), 0, "b has no gradient and no weight decay is applied to it");
        assertNull(opt.state(wb[1]));
        assertNotNull(opt.state(wb[0]).get("momentumBuffer"));
        assertTrue(wb[0].isLeaf() && wb[0].requiresGrad(), "the step records no graph");
        opt.zeroGrad();
        assertNull(wb[0].grad());
        opt.close();
    }

    @Test
    void badOptionsAreRejectedWithTheirNames() {
        Tensor[] wb = OptimFixtures.params(DType.FLOAT64);
        List<Tensor> p = List.of(wb[0], wb[1]);
        assertMessage("SGD: got an empty parameter list", () -> new SGD(List.of(), 0.1));
        assertMessage("SGD: invalid lr -0.1 (must be >= 0)", () -> new SGD(p, -0.1));
        assertMessage("Adam: invalid beta2 1.0 (must be in [0, 1))", () -> new Adam(p, 0.1, 0.9, 1.0, 1e-8, 0, false));
        assertMessage("SGD: Nesterov momentum requires a momentum > 0 and zero dampening, got momentum 0.0 and dampening 0.0",
                () -> new SGD(p, 0.1, 0, 0, 0, true));
        SGD opt = new SGD(List.of(wb[0]), 0.1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> opt.addParamGroup(new ParamGroup(List.of(wb[1]), Map.of("lrr", 0.1))));
        assertEquals("SGD: unknown option 'lrr' in parameter group 1 (known: lr, momentum, dampening, weightDecay)",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> opt.addParamGroup(new ParamGroup(List.of(wb[0]))));
        assertTrue(e.getMessage().contains("appears more than once"), e.getMessage());
        try (Scope s = Scope.open()) {
            Tensor nonLeaf = wb[1].mul(2);
            e = assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(nonLeaf), 0.1));
            assertTrue(e.getMessage().startsWith("SGD: cannot optimize a non-leaf tensor"), e.getMessage());
        }
        assertEquals(1, opt.paramGroups().size(), "a rejected group is not added");
    }

    @Test
    void mismatchedStateIsRejectedAndChangesNothing() {
        Tensor[] wb = OptimFixtures.params(DType.FLOAT64);
        Adam a = new Adam(List.of(wb[0], wb[1]), 0.01);
        steps(new Setup(a, null), wb, 2);
        Optimizer.StateDict sd = a.stateDict();
        Adam twoGroups = new Adam(List.of(wb[0]), 0.01);
        twoGroups.addParamGroup(new ParamGroup(List.of(wb[1])));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> twoGroups.loadStateDict(sd));
        assertEquals("Adam.loadStateDict: the state has 1 parameter groups, the optimizer 2", e.getMessage());

        Tensor other = Tensor.zeros(DType.FLOAT64, 4, 3).requiresGrad_(true);
        Adam wrongShape = new Adam(List.of(other, wb[1]), 0.5);
        e = assertThrows(IllegalArgumentException.class, () -> wrongShape.loadStateDict(sd));
        assertEquals("Adam.loadStateDict: state 'expAvg' of parameter 0 has shape [3, 4], the parameter [4, 3]", e.getMessage());
        assertEquals(0.5, wrongShape.paramGroups().get(0).lr(), "options untouched after a failed load");
        Adam fewer = new Adam(List.of(wb[0]), 0.01);
        e = assertThrows(IllegalArgumentException.class, () -> fewer.loadStateDict(sd));
        assertEquals("Adam.loadStateDict: parameter group 0 has 2 parameters in the state, 1 in the optimizer", e.getMessage());
        a.close();
    }

    @Test
    void oneCycleRefusesToStepPastItsEnd() {
        Tensor[] wb = OptimFixtures.params(DType.FLOAT64);
        SGD opt = new SGD(List.of(wb[0], wb[1]), 0.1, 0.9);
        OneCycleLR s = new OneCycleLR(opt, 0.5, 3);
        s.step();
        s.step();
        s.step();
        IllegalStateException e = assertThrows(IllegalStateException.class, s::step);
        assertEquals("OneCycleLR: tried to step 5 times; the schedule has 3 total steps", e.getMessage());
        Adagrad noMomentum = new Adagrad(List.of(wb[0]), 0.1);
        IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class, () -> new OneCycleLR(noMomentum, 0.5, 3));
        assertTrue(e2.getMessage().contains("no momentum or beta1"), e2.getMessage());
    }

    @Test
    void schedulesShareInitialLrAndPlateauStateRoundTrips() {
        Tensor[] wb = OptimFixtures.params(DType.FLOAT64);
        SGD opt = new SGD(List.of(wb[0], wb[1]), 0.1);
        LinearLR warm = new LinearLR(opt, 0.5, 1.0, 2);
        assertEquals(0.05, opt.paramGroups().get(0).lr(), 1e-15);
        ExponentialLR decay = new ExponentialLR(opt, 0.5);
        // the second schedule records no new initialLr: both start from 0.1
        assertEquals(0.1, opt.paramGroups().get(0).get("initialLr"));
        assertEquals(0, decay.lastEpoch());
        assertArrayEquals(new double[] {0.05}, warm.lastLr());

        ReduceLROnPlateau plateau = new ReduceLROnPlateau(opt, ReduceLROnPlateau.Mode.MIN, 0.5, 0);
        plateau.step(1.0);
        plateau.step(2.0);
        Map<String, Object> st = plateau.stateDict();
        ReduceLROnPlateau again = new ReduceLROnPlateau(opt, ReduceLROnPlateau.Mode.MIN, 0.5, 0);
        again.loadStateDict(st);
        assertEquals(1.0, again.best());
        assertEquals(0, again.numBadEpochs());
        assertEquals(0.025, again.lastLr()[0], 1e-15);
    }

    private static void assertMessage(String message, org.junit.jupiter.api.function.Executable op) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, op);
        assertEquals(message, e.getMessage());
    }
}
