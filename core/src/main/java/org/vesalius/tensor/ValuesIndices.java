package org.vesalius.tensor;

/** The result of {@code max(dim)} / {@code min(dim)}: values (differentiable) and int64 indices. */
public final class ValuesIndices {
    private final Tensor values;
    private final Tensor indices;

    ValuesIndices(Tensor values, Tensor indices) {
        this.values = values;
        this.indices = indices;
    }

    public Tensor values() {
        return values;
    }

    public Tensor indices() {
        return indices;
    }
}
