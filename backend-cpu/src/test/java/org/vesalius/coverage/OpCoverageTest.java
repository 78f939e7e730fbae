package org.vesalius.coverage;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.vesalius.gradcheck.GradCheckCases;
import org.vesalius.parity.Fixtures;
import org.vesalius.parity.ParityOps;
import org.vesalius.tensor.Tensor;

/**
 * Every public Tensor op must have a PyTorch parity fixture with a Java mapping, and every
 * differentiable one a float64 gradient check. Reads the same registries the suites run
 * ({@link ParityOps}, {@link Fixtures}, {@link GradCheckCases}), so adding an op without tests fails here.
 */
class OpCoverageTest {

    /** Public Tensor methods that are not ops, and which suite covers them instead. */
    static final Set<String> NOT_OPS = Set.of(
            // attributes
            "shape", "size", "dim", "numel", "checkedNumel", "dtype", "device", "strides", "offset", "storage", "backend",
            "isContiguous", "isClosed", "requiresGrad", "grad", "gradFn", "isLeaf", "retainsGrad",
            // autograd API (AutogradEngineTest)
            "requiresGrad_", "retainGrad", "setGrad", "accumulateGrad", "backward", "zeroGrad", "detach", "record",
            // creation without a PyTorch-identical result (random streams differ) or trivial fills
            "empty", "zeros", "ones", "full", "scalar", "of", "rand", "randn", "randint", "randperm", "manualSeed",
            "emptyLike", "zerosLike", "onesLike", "fullLike", "randLike", "randnLike", "randintLike",
            // conversion to Java values and devices
            "cpu", "item", "toFloatArray", "toDoubleArray", "toLongArray", "toIntArray", "toByteArray",
            "toBooleanArray", "toString",
            // lifetime
            "close",
            // a backend kernel's entry, float32 only (oneDNN): rnn's RNNParityTest checks it and its gradients
            // against PyTorch and against the composed layers, which are float64 gradient-checked there
            "rnnLayer",
            // the blocked attention kernel's entry: transformer's AttentionTest gradient-checks it in float64,
            // compares it with the composed path and PyTorch's formula (golden/attention.json), float32 and float64
            "blockedAttention");

    static Set<String> tensorOps() {
        return Arrays.stream(Tensor.class.getMethods())
                .filter(m -> m.getDeclaringClass() == Tensor.class && Modifier.isPublic(m.getModifiers()))
                .map(Method::getName)
                .filter(n -> !NOT_OPS.contains(n))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> publicMethodNames() {
        return Arrays.stream(Tensor.class.getMethods())
                .filter(m -> m.getDeclaringClass() == Tensor.class)
                .map(Method::getName)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void everyOpHasAParityFixtureAndMapping() {
        Set<String> fixtureMethods = Fixtures.opKeys().stream().map(ParityOps::method).collect(Collectors.toSet());
        Set<String> mappedMethods = ParityOps.OPS.keySet().stream().map(ParityOps::method).collect(Collectors.toSet());
        Set<String> missing = new TreeSet<>();
        for (String op : tensorOps()) {
            if (!fixtureMethods.contains(op) || !mappedMethods.contains(op)) {
                missing.add(op + (fixtureMethods.contains(op) ? " (no ParityOps mapping)" : " (no fixture)"));
            }
        }
        assertTrue(missing.isEmpty(), "public Tensor ops without PyTorch parity (add cases to tools/golden/generate.py "
                + "and a lambda to ParityOps): " + missing);
    }

    @Test
    void everyDifferentiableOpHasAGradientCheck() {
        Set<String> checked = GradCheckCases.ops();
        Set<String> missing = new TreeSet<>();
        for (String op : tensorOps()) {
            if (!GradCheckCases.NOT_DIFFERENTIABLE.contains(op) && !checked.contains(op)) {
                missing.add(op);
            }
        }
        assertTrue(missing.isEmpty(), "differentiable Tensor ops without a float64 gradient check in GradCheckCases "
                + "(or, if they have no gradient, list them in GradCheckCases.NOT_DIFFERENTIABLE): " + missing);
    }

    /** The lists above must name real methods, or a renamed op could hide behind a stale entry. */
    @Test
    void everyListedNameIsAPublicTensorMethod() {
        Set<String> methods = publicMethodNames();
        Set<String> stale = new TreeSet<>();
        for (String n : NOT_OPS) {
            if (!methods.contains(n)) {
                stale.add("NOT_OPS:" + n);
            }
        }
        for (String n : GradCheckCases.NOT_DIFFERENTIABLE) {
            if (!methods.contains(n)) {
                stale.add("NOT_DIFFERENTIABLE:" + n);
            }
        }
        for (String n : GradCheckCases.ops()) {
            if (!methods.contains(n)) {
                stale.add("GradCheckCases:" + n);
            }
        }
        for (String key : ParityOps.OPS.keySet()) {
            if (!methods.contains(ParityOps.method(key))) {
                stale.add("ParityOps:" + key);
            }
        }
        assertTrue(stale.isEmpty(), "entries that name no public Tensor method: " + stale);
    }

    /** An op both checked and declared non-differentiable is a contradiction one of the lists must lose. */
    @Test
    void differentiableAndNotDifferentiableDoNotOverlap() {
        Set<String> both = new TreeSet<>(GradCheckCases.ops());
        both.retainAll(GradCheckCases.NOT_DIFFERENTIABLE);
        assertTrue(both.isEmpty(), "ops both gradient-checked and listed as not differentiable: " + both);
    }
}
