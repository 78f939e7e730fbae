package org.vesalius.cnn.models;

import org.vesalius.cnn.InstanceNorm2d;
import org.vesalius.cnn.InstanceNorm3d;
import org.vesalius.nn.GroupNorm;
import org.vesalius.nn.Module;

/**
 * The normalisation after each convolution of a {@link UNet} (and the other configurable models):
 * {@link #BATCH}, {@link #INSTANCE}, {@link #GROUP} (8 groups) or {@link #group(int)}, or {@link #NONE}.
 * Used like an enum: {@code new UNet(2, 1, 1, Norm.INSTANCE, 16, 32, 64, 128)}.
 *
 * <p>With a normalisation the convolutions before it have no bias (the norm's shift replaces it);
 * with {@code NONE} they have one.
 */
public final class Norm {
    private enum Kind { BATCH, INSTANCE, GROUP, NONE }

    /** {@code BatchNorm2d}/{@code 3d} with PyTorch's defaults: batch statistics in training, running ones in eval. */
    public static final Norm BATCH = new Norm(Kind.BATCH, 0);
    /**
     * {@code InstanceNorm2d}/{@code 3d} with a learned per-channel scale and shift ({@code affine = true}, as
     * nnU-Net uses it) and no running statistics: the same in training and eval.
     */
    public static final Norm INSTANCE = new Norm(Kind.INSTANCE, 0);
    /** {@code GroupNorm} with 8 groups (the channel counts must be multiples of 8). */
    public static final Norm GROUP = new Norm(Kind.GROUP, 8);
    /** No normalisation; the convolutions get a bias. */
    public static final Norm NONE = new Norm(Kind.NONE, 0);

    private final Kind kind;
    private final int groups;

    private Norm(Kind kind, int groups) {
        this.kind = kind;
        this.groups = groups;
    }

    /** {@code GroupNorm} with {@code groups} groups, which must divide every normalised channel count. */
    public static Norm group(int groups) {
        if (groups <= 0) {
            throw new IllegalArgumentException("Norm.group: the number of groups must be positive, got " + groups);
        }
        return new Norm(Kind.GROUP, groups);
    }

    /** Whether this is {@link #NONE}. */
    public boolean isNone() {
        return kind == Kind.NONE;
    }

    /**
     * The layer for {@code [N, channels, *spatial]} with 2 or 3 spatial dims, or null for {@link #NONE}.
     *
     * @throws IllegalArgumentException for group norm when {@code groups} does not divide {@code channels}
     */
    public Module create(int spatialDims, int channels) {
        switch (kind) {
            case BATCH:
                return Dims.batchNorm(spatialDims, channels);
            case INSTANCE:
                return spatialDims == 2 ? new InstanceNorm2d(channels, true, false) : new InstanceNorm3d(channels, true, false);
            case GROUP:
                if (channels % groups != 0) {
                    throw new IllegalArgumentException("Norm.GROUP: " + groups + " groups do not divide " + channels
                            + " channels; choose channel counts that are multiples of the group count, or Norm.group(n)");
                }
                return new GroupNorm(groups, channels);
            default:
                return null;
        }
    }

    /** {@code BATCH}, {@code INSTANCE}, {@code GROUP(8)} or {@code NONE}. */
    @Override
    public String toString() {
        return kind == Kind.GROUP ? "GROUP(" + groups + ")" : kind.name();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Norm && ((Norm) o).kind == kind && ((Norm) o).groups == groups;
    }

    @Override
    public int hashCode() {
        return kind.hashCode() * 31 + groups;
    }
}
