package org.vesalius.transformer;

import java.util.Arrays;
import org.vesalius.nn.Init;
import org.vesalius.nn.Module;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;

/**
 * A learned position embedding added to the input (BERT's and GPT-2's {@code position_embeddings}):
 * the parameter {@code weight [maxLen, dModel]}, initialised standard normal as
 * {@code torch.nn.Embedding}, whose row p is added at position p.
 *
 * <p>Input {@code [L, N, dModel]} ({@code [N, L, dModel]} with {@code batchFirst}, {@code [L, dModel]}
 * unbatched), same shape out; {@link #forward(Tensor, int)} starts at a later position.
 */
public class LearnedPositionalEmbedding extends Module {
    private final int maxLen;
    private final int dModel;
    private final boolean batchFirst;

    public LearnedPositionalEmbedding(int maxLen, int dModel, boolean batchFirst, Generator generator) {
        if (dModel <= 0 || maxLen <= 0) {
            throw new IllegalArgumentException("LearnedPositionalEmbedding: maxLen and dModel must be positive, got "
                    + maxLen + " and " + dModel);
        }
        this.maxLen = maxLen;
        this.dModel = dModel;
        this.batchFirst = batchFirst;
        Init.normal_(registerParameter("weight", Tensor.empty(maxLen, dModel)), 0, 1, generator);
    }

    public Tensor weight() {
        return getParameter("weight");
    }

    @Override
    public Tensor forward(Tensor x) {
        return forward(x, 0);
    }

    /** {@code x} plus rows {@code offset, offset + 1, ...} of the weight. */
    public Tensor forward(Tensor x, int offset) {
        if ((x.dim() != 2 && x.dim() != 3) || x.size(-1) != dModel) {
            throw new IllegalArgumentException("LearnedPositionalEmbedding: expected [L, N, " + dModel + "], [N, L, "
                    + dModel + "] (batchFirst) or [L, " + dModel + "], got " + Arrays.toString(x.shape()));
        }
        int len = x.size(x.dim() == 3 && batchFirst ? 1 : 0);
        if (offset < 0 || offset + len > maxLen) {
            throw new IllegalArgumentException("LearnedPositionalEmbedding: positions " + offset + " to "
                    + (offset + len - 1) + " exceed maxLen " + maxLen);
        }
        Tensor pe = weight().narrow(0, offset, len);
        if (x.dim() == 3 && !batchFirst) {
            pe = pe.unsqueeze(1);
        }
        return x.add(pe);
    }

    @Override
    protected String extraRepr() {
        return "maxLen=" + maxLen + ", dModel=" + dModel + ", batchFirst=" + batchFirst;
    }
}
