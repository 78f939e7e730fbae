package org.vesalius.gradcheck;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.vesalius.autograd.GradCheck;
import org.vesalius.parity.ParityTest;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/** Runs every {@link GradCheckCases} entry through {@link GradCheck#check}. */
class GradCheckTest {

    @TestFactory
    Stream<DynamicTest> firstOrder() {
        return GradCheckCases.all().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> ParityTest.named(c.name(), () -> {
            GradCheckCases.seed(c);
            try (Scope s = Scope.open()) {
                Tensor[] inputs = c.inputs().get();
                boolean anyGrad = false;
                for (Tensor t : inputs) {
                    anyGrad |= t.requiresGrad();
                }
                assertTrue(anyGrad, "case has no input that requires grad");
                GradCheck.check(c.f(), c.eps(), c.atol(), c.rtol(), inputs).orThrow();
            }
        })));
    }

    /** The non-contiguous cases must really be non-contiguous leaves, or they test nothing extra. */
    @Test
    void nonContiguousCasesAreNonContiguousLeaves() {
        int checked = 0;
        for (GradCheckCases.Case c : GradCheckCases.all()) {
            if (!(c.label().contains("permuted") || c.label().contains("sliced"))) {
                continue;
            }
            GradCheckCases.seed(c);
            try (Scope s = Scope.open()) {
                boolean found = false;
                for (Tensor t : c.inputs().get()) {
                    if (t.requiresGrad() && (!t.isContiguous() || t.offset() != 0)) {
                        assertTrue(t.isLeaf(), c.name() + ": a non-contiguous input is not a leaf");
                        found = true;
                    }
                }
                assertTrue(found, c.name() + ": labelled non-contiguous but every input is contiguous");
                checked++;
            }
        }
        assertTrue(checked > 50, "only " + checked + " non-contiguous cases");
    }

    /** The checker itself must reject a wrong gradient, or every pass above means nothing. */
    @Test
    void checkerCatchesAWrongGradient() {
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.of(new double[] {0.5, -1.0, 2.0}, 3).requiresGrad_(true);
            // forward is x * 2, but detach() hides one term from autograd: gradient 1 instead of 2
            GradCheck.Result r = GradCheck.check(in -> in[0].add(in[0].detach()), x);
            assertFalse(r.passed, "gradcheck passed a function whose gradient is wrong: " + r);
        }
    }

    @Test
    void checkerRejectsFloat32Inputs() {
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.of(new float[] {0.5f, -1.0f}, 2).requiresGrad_(true);
            GradCheck.Result r = GradCheck.check(in -> in[0].exp(), x);
            assertFalse(r.passed);
            assertTrue(r.message.contains(DType.FLOAT32.toString()), r.message);
        }
    }
}
