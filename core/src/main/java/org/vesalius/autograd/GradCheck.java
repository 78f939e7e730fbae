package org.vesalius.autograd;

import java.util.Arrays;
import java.util.function.Function;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Tensor;

/**
 * Compares autograd's gradients with central finite differences, like {@code torch.autograd.gradcheck}.
 *
 * <p>Inputs should be float64. The function's output is reduced with fixed random weights
 * ({@code sum(out * w)}), so every output element's gradient is checked by one backward pass.
 * {@link #checkSecondOrder} does the same for the gradient itself (gradgradcheck).
 */
public final class GradCheck {
    private GradCheck() {
    }

    /** Outcome of a check: the largest mismatch and where it was. */
    public static final class Result {
        public final boolean passed;
        public final String message;

        Result(boolean passed, String message) {
            this.passed = passed;
            this.message = message;
        }

        /** Throws an AssertionError with the mismatch when the check failed. */
        public void orThrow() {
            if (!passed) {
                throw new AssertionError(message);
            }
        }

        @Override
        public String toString() {
            return message;
        }
    }

    /** Checks with eps 1e-6, atol 1e-5, rtol 1e-3 (PyTorch's defaults). */
    public static Result check(Function<Tensor[], Tensor> f, Tensor... inputs) {
        return check(f, 1e-6, 1e-5, 1e-3, inputs);
    }

    /**
     * Checks d(sum(f(inputs) * w))/d(input) against central differences for every input that
     * requires grad. Inputs are modified during the check and restored.
     */
    public static Result check(Function<Tensor[], Tensor> f, double eps, double atol, double rtol, Tensor... inputs) {
        for (Tensor t : inputs) {
            if (t.requiresGrad() && t.dtype() != DType.FLOAT64) {
                return new Result(false, "gradcheck: inputs that require grad must be float64, got " + t.dtype());
            }
        }
        Tensor out0;
        try (NoGrad ng = NoGrad.open()) {
            out0 = f.apply(inputs);
        }
        Tensor weights = Tensor.randn(org.vesalius.tensor.DType.FLOAT64, out0.device(),
                new org.vesalius.tensor.Generator(1234), out0.shape());
        Function<Tensor[], Tensor> scalar = in -> f.apply(in).to(DType.FLOAT64).mul(weights).sum();

        // analytic
        Tensor[] leaves = inputs;
        for (Tensor t : leaves) {
            if (t.requiresGrad()) {
                t.zeroGrad();
            }
        }
        Tensor y = scalar.apply(leaves);
        if (!y.requiresGrad()) {
            return new Result(false, "gradcheck: output does not depend on any input that requires grad");
        }
        y.backward();

        for (int i = 0; i < inputs.length; i++) {
            Tensor x = inputs[i];
            if (!x.requiresGrad()) {
                continue;
            }
            double[] analytic = x.grad() == null ? new double[x.checkedNumel("gradCheck")] : x.grad().toDoubleArray();
            double[] numeric = numericGradient(scalar, inputs, i, eps);
            for (int k = 0; k < numeric.length; k++) {
                double diff = Math.abs(analytic[k] - numeric[k]);
                if (!(diff <= atol + rtol * Math.abs(numeric[k]))) {
                    return new Result(false, String.format(java.util.Locale.ROOT,
                            "gradcheck: input %d (shape %s), element %d: analytic %.8g vs numeric %.8g (diff %.3g)",
                            i, Arrays.toString(x.shape()), k, analytic[k], numeric[k], diff));
                }
            }
        }
        return new Result(true, "gradcheck passed");
    }

    /** Checks the gradient of the gradient (with {@code createGraph}). */
    public static Result checkSecondOrder(Function<Tensor[], Tensor> f, Tensor... inputs) {
        Tensor out0;
        try (NoGrad ng = NoGrad.open()) {
            out0 = f.apply(inputs);
        }
        Tensor weights = Tensor.randn(DType.FLOAT64, out0.device(), new org.vesalius.tensor.Generator(99), out0.shape());
        int[] idx = differentiable(inputs);
        // g(inputs) = sum over inputs of sum(d(sum(f*w))/dx * v): its gradient needs second derivatives
        Function<Tensor[], Tensor> firstGrad = in -> {
            // the first gradient needs a graph even while the outer check evaluates without one
            boolean previous = GradMode.set(true);
            try {
                return weightedGradient(f, in, weights, idx);
            } finally {
                GradMode.set(previous);
            }
        };
        return check(firstGrad, inputs);
    }

    private static Tensor weightedGradient(Function<Tensor[], Tensor> f, Tensor[] in, Tensor weights, int[] idx) {
        Tensor y = f.apply(in).mul(weights).sum();
        Tensor[] wrt = new Tensor[idx.length];
        for (int k = 0; k < idx.length; k++) {
            wrt[k] = in[idx[k]];
        }
        Tensor[] grads = Autograd.grad(new Tensor[] {y}, wrt, null, true, true, true);
        Tensor total = null;
        for (int k = 0; k < grads.length; k++) {
            if (grads[k] == null) {
                continue;
            }
            Tensor v = Tensor.randn(DType.FLOAT64, grads[k].device(), new org.vesalius.tensor.Generator(7 + k),
                    grads[k].shape());
            Tensor term = grads[k].mul(v).sum();
            total = total == null ? term : total.add(term);
        }
        return total == null ? Tensor.zeros(DType.FLOAT64) : total;
    }

    private static int[] differentiable(Tensor[] inputs) {
        return java.util.stream.IntStream.range(0, inputs.length).filter(i -> inputs[i].requiresGrad()).toArray();
    }

    private static double[] numericGradient(Function<Tensor[], Tensor> scalar, Tensor[] inputs, int which, double eps) {
        Tensor x = inputs[which];
        double[] base = x.toDoubleArray();
        double[] grad = new double[base.length];
        try (NoGrad ng = NoGrad.open()) {
            for (int k = 0; k < base.length; k++) {
                double saved = base[k];
                base[k] = saved + eps;
                overwrite(x, base);
                double plus = scalar.apply(inputs).item();
                base[k] = saved - eps;
                overwrite(x, base);
                double minus = scalar.apply(inputs).item();
                base[k] = saved;
                grad[k] = (plus - minus) / (2 * eps);
            }
            overwrite(x, base);
        }
        return grad;
    }

    /** Writes new values into x's elements in place, through its strides. */
    private static void overwrite(Tensor x, double[] values) {
        // Tensor.of reads an empty shape as 1-D, so build 1-D and reshape (0-dim inputs)
        x.copy_(Tensor.of(values).reshape(x.shape()).to(x.dtype()));
    }
}
