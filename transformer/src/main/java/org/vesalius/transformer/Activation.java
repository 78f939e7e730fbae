package org.vesalius.transformer;

import org.vesalius.nn.F;
import org.vesalius.tensor.Tensor;

/** The feed-forward activation of the transformer layers: PyTorch's {@code activation="relu"} or {@code "gelu"}. */
public enum Activation {
    RELU,
    /** The exact GELU, {@code x * Phi(x)}, as {@code F.gelu} without approximation. */
    GELU;

    /** The activation of {@code x} (same shape). */
    public Tensor apply(Tensor x) {
        return this == RELU ? F.relu(x) : F.gelu(x);
    }

    /** PyTorch's name ({@code "relu"}, {@code "gelu"}) to the constant. */
    public static Activation of(String name) {
        switch (name) {
            case "relu": return RELU;
            case "gelu": return GELU;
            default: throw new IllegalArgumentException("activation should be \"relu\" or \"gelu\", not \"" + name + "\"");
        }
    }

    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
