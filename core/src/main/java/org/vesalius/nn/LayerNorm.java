package org.vesalius.nn;

import java.util.Arrays;
import org.vesalius.tensor.Tensor;

/**
 * Layer normalisation over the trailing dims, like {@code torch.nn.LayerNorm}: each
 * {@code normalizedShape} block of {@code [*, *normalizedShape]} is normalised by its own mean and
 * variance, then scaled by {@code weight} (ones) and shifted by {@code bias} (zeros), both of shape
 * {@code normalizedShape}, when elementwise affine. Same shape out; the same in training and eval.
 */
public class LayerNorm extends Module {
    private final int[] normalizedShape;
    private final double eps;

    /** Normalises over the trailing dims {@code normalizedShape}, eps 1e-5, with affine parameters. */
    public LayerNorm(int... normalizedShape) {
        this(normalizedShape, 1e-5, true);
    }

    /** Normalises over the trailing dims {@code normalizedShape} with this eps, with or without affine parameters. */
    public LayerNorm(int[] normalizedShape, double eps, boolean elementwiseAffine) {
        if (normalizedShape.length == 0) {
            throw new IllegalArgumentException("LayerNorm: normalizedShape must name at least one dim");
        }
        this.normalizedShape = normalizedShape.clone();
        this.eps = eps;
        registerParameter("weight", elementwiseAffine ? Tensor.ones(normalizedShape) : null);
        registerParameter("bias", elementwiseAffine ? Tensor.zeros(normalizedShape) : null);
    }

    /** The scale (shape {@code normalizedShape}), or null. */
    public Tensor weight() {
        return getParameter("weight");
    }

    /** The shift (shape {@code normalizedShape}), or null. */
    public Tensor bias() {
        return getParameter("bias");
    }

    /** {@code [*, *normalizedShape]}, normalised, same shape out. */
    @Override
    public Tensor forward(Tensor input) {
        return input.layerNorm(normalizedShape, weight(), bias(), eps);
    }

    @Override
    protected String extraRepr() {
        return Arrays.toString(normalizedShape) + ", eps=" + eps + ", elementwiseAffine=" + (weight() != null);
    }
}
