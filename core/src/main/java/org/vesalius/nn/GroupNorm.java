package org.vesalius.nn;

import org.vesalius.tensor.Tensor;

/**
 * Group normalisation, like {@code torch.nn.GroupNorm}: the C channels of {@code [N, C, *]} split into
 * {@code numGroups} groups, each (sample, group) normalised by its own statistics, then a per-channel
 * {@code weight [C]} (ones) and {@code bias [C]} (zeros) when affine. Same shape out; independent of
 * the batch size, and the same in training and eval.
 */
public class GroupNorm extends Module {
    private final int numGroups;
    private final int numChannels;
    private final double eps;

    /** {@code numGroups} groups of {@code numChannels} channels, eps 1e-5, affine. */
    public GroupNorm(int numGroups, int numChannels) {
        this(numGroups, numChannels, 1e-5, true);
    }

    /** {@code numGroups} must divide {@code numChannels}. */
    public GroupNorm(int numGroups, int numChannels, double eps, boolean affine) {
        if (numGroups <= 0 || numChannels % numGroups != 0) {
            throw new IllegalArgumentException("GroupNorm: numChannels (" + numChannels
                    + ") must be divisible by numGroups (" + numGroups + ")");
        }
        this.numGroups = numGroups;
        this.numChannels = numChannels;
        this.eps = eps;
        registerParameter("weight", affine ? Tensor.ones(numChannels) : null);
        registerParameter("bias", affine ? Tensor.zeros(numChannels) : null);
    }

    /** The per-channel scale {@code [C]}, or null. */
    public Tensor weight() {
        return getParameter("weight");
    }

    /** The per-channel shift {@code [C]}, or null. */
    public Tensor bias() {
        return getParameter("bias");
    }

    /** {@code [N, C, *]} normalised per group, same shape out. */
    @Override
    public Tensor forward(Tensor input) {
        return input.groupNorm(numGroups, weight(), bias(), eps);
    }

    @Override
    protected String extraRepr() {
        return numGroups + ", " + numChannels + ", eps=" + eps + ", affine=" + (weight() != null);
    }
}
