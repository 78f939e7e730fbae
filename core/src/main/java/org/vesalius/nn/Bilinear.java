package org.vesalius.nn;

import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;

/**
 * A bilinear layer, {@code y[o] = x1^T W[o] x2 + b[o]}, like {@code torch.nn.Bilinear}:
 * {@code [*, in1]} and {@code [*, in2]} to {@code [*, out]}. Parameters {@code weight [out, in1, in2]}
 * and {@code bias [out]}, both uniform in {@code ±1/sqrt(in1)} as PyTorch initialises them.
 */
public class Bilinear extends Module {
    private final int in1Features;
    private final int in2Features;
    private final int outFeatures;

    /** A layer with bias, initialised from the default generator. */
    public Bilinear(int in1Features, int in2Features, int outFeatures) {
        this(in1Features, in2Features, outFeatures, true, Generator.defaultGenerator());
    }

    /** A layer with or without bias, initialised from {@code generator}. */
    public Bilinear(int in1Features, int in2Features, int outFeatures, boolean bias, Generator generator) {
        this.in1Features = in1Features;
        this.in2Features = in2Features;
        this.outFeatures = outFeatures;
        registerParameter("weight", Tensor.empty(outFeatures, in1Features, in2Features));
        registerParameter("bias", bias ? Tensor.empty(outFeatures) : null);
        resetParameters(generator);
    }

    /** Re-draws the parameters uniformly in {@code ±1/sqrt(in1Features)}. */
    public void resetParameters(Generator generator) {
        double bound = in1Features > 0 ? 1 / Math.sqrt(in1Features) : 0;
        Init.uniform_(weight(), -bound, bound, generator);
        if (bias() != null) {
            Init.uniform_(bias(), -bound, bound, generator);
        }
    }

    /** The weight, {@code [out, in1, in2]}. */
    public Tensor weight() {
        return getParameter("weight");
    }

    /** The bias, {@code [out]}, or null. */
    public Tensor bias() {
        return getParameter("bias");
    }

    /** {@code [*, in1]} and {@code [*, in2]} (same leading dims) to {@code [*, out]}. */
    public Tensor forward(Tensor input1, Tensor input2) {
        return F.bilinear(input1, input2, weight(), bias());
    }

    @Override
    protected String extraRepr() {
        return "in1Features=" + in1Features + ", in2Features=" + in2Features + ", outFeatures=" + outFeatures
                + ", bias=" + (bias() != null);
    }
}
