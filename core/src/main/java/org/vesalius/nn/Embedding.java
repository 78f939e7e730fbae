package org.vesalius.nn;

import java.util.Arrays;
import org.vesalius.autograd.NoGrad;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;

/**
 * A lookup table, like {@code torch.nn.Embedding}: int64 (or int32) indices of any shape to
 * {@code [*indices.shape, embeddingDim]}. The parameter {@code weight [numEmbeddings, embeddingDim]}
 * starts standard normal; the {@code paddingIdx} row, if any, starts at zero and gets no gradient.
 */
public class Embedding extends Module {
    private final int numEmbeddings;
    private final int embeddingDim;
    private final Integer paddingIdx;

    /** A table without padding index, initialised from the default generator. */
    public Embedding(int numEmbeddings, int embeddingDim) {
        this(numEmbeddings, embeddingDim, null, Generator.defaultGenerator());
    }

    /**
     * A table initialised from {@code generator}.
     *
     * @param paddingIdx a row that stays constant (zero at start, no gradient), negative counting from the
     *                   end, or null
     */
    public Embedding(int numEmbeddings, int embeddingDim, Integer paddingIdx, Generator generator) {
        this.numEmbeddings = numEmbeddings;
        this.embeddingDim = embeddingDim;
        this.paddingIdx = checkPadding(paddingIdx, numEmbeddings);
        registerParameter("weight", Tensor.empty(numEmbeddings, embeddingDim));
        Init.normal_(weight(), 0, 1, generator);
        if (this.paddingIdx != null) {
            try (NoGrad ng = NoGrad.open()) {
                weight().select(0, this.paddingIdx).zero_();
            }
        }
    }

    private Embedding(Tensor weights, Integer paddingIdx, boolean freeze) {
        if (weights.dim() != 2) {
            throw new IllegalArgumentException("Embedding.fromPretrained: weights must be [numEmbeddings, embeddingDim], got "
                    + Arrays.toString(weights.shape()));
        }
        this.numEmbeddings = weights.size(0);
        this.embeddingDim = weights.size(1);
        this.paddingIdx = checkPadding(paddingIdx, numEmbeddings);
        Tensor w;
        try (NoGrad ng = NoGrad.open()) {
            w = weights.detach().clone();
        }
        registerParameter("weight", w);
        w.requiresGrad_(!freeze);
    }

    /**
     * A table holding a copy of {@code weights [numEmbeddings, embeddingDim]} (for example word vectors),
     * frozen (no gradient) when {@code freeze}.
     */
    public static Embedding fromPretrained(Tensor weights, boolean freeze) {
        return new Embedding(weights, null, freeze);
    }

    private static Integer checkPadding(Integer paddingIdx, int numEmbeddings) {
        if (paddingIdx == null) {
            return null;
        }
        if (paddingIdx >= numEmbeddings || paddingIdx < -numEmbeddings) {
            throw new IllegalArgumentException("Embedding: paddingIdx " + paddingIdx + " is out of range for "
                    + numEmbeddings + " embeddings");
        }
        return paddingIdx < 0 ? paddingIdx + numEmbeddings : paddingIdx;
    }

    /** The table, {@code [numEmbeddings, embeddingDim]}. */
    public Tensor weight() {
        return getParameter("weight");
    }

    /** Indices of any shape to {@code [*indices.shape, embeddingDim]}. */
    @Override
    public Tensor forward(Tensor indices) {
        return paddingIdx == null ? F.embedding(indices, weight()) : F.embedding(indices, weight(), paddingIdx);
    }

    @Override
    protected String extraRepr() {
        return numEmbeddings + ", " + embeddingDim + (paddingIdx == null ? "" : ", paddingIdx=" + paddingIdx);
    }
}
