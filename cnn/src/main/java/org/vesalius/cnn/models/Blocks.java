package org.vesalius.cnn.models;

import java.util.ArrayList;
import java.util.List;
import org.vesalius.nn.Module;
import org.vesalius.nn.ReLU;
import org.vesalius.nn.Sequential;
import org.vesalius.tensor.Generator;

/** The convolution blocks the encoder–decoder models share. */
final class Blocks {
    private Blocks() {
    }

    /**
     * A convolution ({@code kernel}, stride 1, padding keeping the size) and its normalisation: the
     * convolution has a bias only without normalisation.
     */
    static List<Module> convNorm(int dims, int in, int out, int kernel, Norm norm, Generator g) {
        List<Module> m = new ArrayList<>();
        m.add(Dims.conv(dims, in, out, kernel, 1, kernel / 2, norm.isNone(), g));
        if (!norm.isNone()) {
            m.add(norm.create(dims, out));
        }
        return m;
    }

    /**
     * U-Net's level: twice (conv 3×3 → norm → ReLU), as a {@code Sequential} whose state-dict keys are
     * those of {@code nn.Sequential(conv, norm, ReLU, conv, norm, ReLU)}: {@code 0.weight}, {@code 1.*},
     * {@code 3.weight}, {@code 4.*} (without normalisation: {@code 0.*}, {@code 2.*}).
     */
    static Sequential doubleConv(int dims, int in, int out, Norm norm, Generator g) {
        List<Module> m = new ArrayList<>(convNorm(dims, in, out, 3, norm, g));
        m.add(new ReLU());
        m.addAll(convNorm(dims, out, out, 3, norm, g));
        m.add(new ReLU());
        return new Sequential(m);
    }

    /** {@link #doubleConv} or, when {@code residual}, a {@link ResidualUnit} of the same convolutions. */
    static Module level(int dims, int in, int out, Norm norm, boolean residual, Generator g) {
        return residual ? new ResidualUnit(dims, in, out, norm, g) : doubleConv(dims, in, out, norm, g);
    }
}
