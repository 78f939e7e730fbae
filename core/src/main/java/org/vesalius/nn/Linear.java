package org.vesalius.nn;

import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;

/**
 * A fully connected layer, {@code y = x W^T + b}, like {@code torch.nn.Linear}: {@code [*, inFeatures]}
 * to {@code [*, outFeatures]}. Parameters {@code weight [outFeatures, inFeatures]} and
 * {@code bias [outFeatures]}, initialised as PyTorch does: the weight by Kaiming uniform with
 * {@code a = sqrt(5)} (bound {@code 1/sqrt(inFeatures)}), the bias uniform in
 * {@code ±1/sqrt(inFeatures)}.
 */
public class Linear extends Module {
    private final int inFeatures;
    private final int outFeatures;

    /** A layer with bias, initialised from the default generator. */
    public Linear(int inFeatures, int outFeatures) {
        this(inFeatures, outFeatures, true, Generator.defaultGenerator());
    }

    /** A layer with or without bias, initialised from the default generator. */
    public Linear(int inFeatures, int outFeatures, boolean bias) {
        this(inFeatures, outFeatures, bias, Generator.defaultGenerator());
    }

    /** A layer with or without bias, initialised from {@code generator}. */
    public Linear(int inFeatures, int outFeatures, boolean bias, Generator generator) {
        if (inFeatures < 0 || outFeatures < 0) {
            throw new IllegalArgumentException("Linear: feature counts must be >= 0, got inFeatures=" + inFeatures
                    + ", outFeatures=" + outFeatures);
        }
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        registerParameter("weight", Tensor.empty(outFeatures, inFeatures));
        registerParameter("bias", bias ? Tensor.empty(outFeatures) : null);
        resetParameters(generator);
    }

    /** Re-draws the parameters with PyTorch's default initialisation. */
    public void resetParameters(Generator generator) {
        Init.kaimingUniform_(weight(), Math.sqrt(5), Init.FanMode.FAN_IN, "leaky_relu", generator);
        if (bias() != null) {
            double bound = inFeatures > 0 ? 1 / Math.sqrt(inFeatures) : 0;
            Init.uniform_(bias(), -bound, bound, generator);
        }
    }

    /** The weight, {@code [outFeatures, inFeatures]}. */
    public Tensor weight() {
        return getParameter("weight");
    }

    /** The bias, {@code [outFeatures]}, or null for a layer without bias. */
    public Tensor bias() {
        return getParameter("bias");
    }

    /** The size of each input's last dim. */
    public int inFeatures() {
        return inFeatures;
    }

    /** The size of each output's last dim. */
    public int outFeatures() {
        return outFeatures;
    }

    /** {@code [*, inFeatures]} to {@code [*, outFeatures]}. */
    @Override
    public Tensor forward(Tensor input) {
        return F.linear(input, weight(), bias());
    }

    @Override
    protected String extraRepr() {
        return "inFeatures=" + inFeatures + ", outFeatures=" + outFeatures + ", bias=" + (bias() != null);
    }
}
