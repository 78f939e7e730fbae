package org.vesalius.optim;

import java.util.ArrayList;
import java.util.List;
import org.vesalius.autograd.NoGrad;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/**
 * Gradient clipping, like {@code torch.nn.utils.clip_grad_norm_} and {@code clip_grad_value_}: called
 * between {@code backward()} and {@code optimizer.step()}, it rescales or clamps the parameters'
 * gradients in place. Parameters without a gradient are skipped.
 */
public final class GradClip {
    private GradClip() {
    }

    /** {@link #clipGradNorm(Iterable, double, double, boolean)} with the 2-norm and no non-finite check. */
    public static double clipGradNorm(Iterable<Tensor> params, double maxNorm) {
        return clipGradNorm(params, maxNorm, 2, false);
    }

    /** {@link #clipGradNorm(Iterable, double, double, boolean)} without the non-finite check. */
    public static double clipGradNorm(Iterable<Tensor> params, double maxNorm, double normType) {
        return clipGradNorm(params, maxNorm, normType, false);
    }

    /**
     * Scales all gradients together so that their total norm (the norm of the vector of every
     * gradient's norm) is at most {@code maxNorm}: each is multiplied by
     * {@code min(1, maxNorm / (total + 1e-6))}.
     *
     * @param normType          p of the p-norm ({@code Double.POSITIVE_INFINITY} for the max-norm)
     * @param errorIfNonfinite  throw when the total norm is NaN or infinite instead of scaling by it
     * @return the total norm before clipping (0 when no parameter has a gradient)
     */
    public static double clipGradNorm(Iterable<Tensor> params, double maxNorm, double normType, boolean errorIfNonfinite) {
        if (!(normType > 0)) {
            throw new IllegalArgumentException("clipGradNorm: normType must be > 0 (or infinity), got " + normType);
        }
        List<Tensor> grads = grads(params);
        if (grads.isEmpty()) {
            return 0;
        }
        try (NoGrad ng = NoGrad.open(); Scope s = Scope.open()) {
            List<Tensor> norms = new ArrayList<>(grads.size());
            boolean inf = Double.isInfinite(normType);
            for (Tensor g : grads) {
                norms.add(inf ? g.abs().max() : g.norm(normType));
            }
            Tensor stacked = Tensor.stack(norms, 0);
            double total = (inf ? stacked.max() : stacked.norm(normType)).item();
            if (errorIfNonfinite && !Double.isFinite(total)) {
                throw new IllegalStateException("clipGradNorm: the total norm of order " + normType + " of the gradients is "
                        + total + "; the gradients cannot be clipped (pass errorIfNonfinite = false to scale anyway)");
            }
            double coef = maxNorm / (total + 1e-6);
            if (coef < 1 || Double.isNaN(coef)) {
                for (Tensor g : grads) {
                    g.mul_(coef);
                }
            }
            return total;
        }
    }

    /** Clamps every gradient element to {@code [-clipValue, clipValue]}. */
    public static void clipGradValue(Iterable<Tensor> params, double clipValue) {
        if (!(clipValue >= 0)) {
            throw new IllegalArgumentException("clipGradValue: clipValue must be >= 0, got " + clipValue);
        }
        try (NoGrad ng = NoGrad.open()) {
            for (Tensor g : grads(params)) {
                g.clamp_(-clipValue, clipValue);
            }
        }
    }

    private static List<Tensor> grads(Iterable<Tensor> params) {
        List<Tensor> grads = new ArrayList<>();
        for (Tensor p : params) {
            if (p.grad() != null) {
                grads.add(p.grad());
            }
        }
        return grads;
    }
}
