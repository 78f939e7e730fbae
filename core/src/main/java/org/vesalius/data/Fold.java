package org.vesalius.data;

/**
 * One train/validation split of sample indices, as {@link KFold}, {@link StratifiedKFold} and
 * {@link Datasets#stratifiedSplit} give them: disjoint, each sorted ascending.
 */
public record Fold(int[] train, int[] validation) {
    /** The training samples of {@code dataset}. */
    public <T> Subset<T> trainSet(Dataset<T> dataset) {
        return new Subset<>(dataset, train);
    }

    /** The validation samples of {@code dataset}. */
    public <T> Subset<T> validationSet(Dataset<T> dataset) {
        return new Subset<>(dataset, validation);
    }
}
