package org.vesalius.transformer;

import org.vesalius.nn.Dropout;
import org.vesalius.nn.LayerNorm;
import org.vesalius.nn.Linear;
import org.vesalius.nn.Module;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;

/**
 * One encoder layer, like {@code torch.nn.TransformerEncoderLayer}: self-attention and a feed-forward
 * block ({@code linear2(dropout(activation(linear1(x))))}), each with dropout and a residual
 * connection, and layer norm after each (default) or, with {@code normFirst}, before each.
 *
 * <p>Input and output {@code [S, N, dModel]} ({@code [N, S, dModel]} with {@code batchFirst},
 * {@code [S, dModel]} unbatched). {@code srcMask} ({@code [S, S]} or {@code [N * nhead, S, S]}) and
 * {@code srcKeyPaddingMask} ({@code [N, S]}) are {@link MultiheadAttention}'s masks: bool true or
 * float -inf where attention is not allowed. State-dict keys are PyTorch's: {@code self_attn.*},
 * {@code linear1.*}, {@code linear2.*}, {@code norm1.*}, {@code norm2.*}.
 */
public class TransformerEncoderLayer extends Module {
    private final LayerConfig config;
    private final Activation activation;
    private final boolean normFirst;
    private final MultiheadAttention selfAttn;
    private final Linear linear1;
    private final Dropout dropout;
    private final Linear linear2;
    private final LayerNorm norm1;
    private final LayerNorm norm2;
    private final Dropout dropout1;
    private final Dropout dropout2;

    /** PyTorch's defaults: feed-forward 2048, dropout 0.1, relu, eps 1e-5, sequence-first, norm after. */
    public TransformerEncoderLayer(int dModel, int nhead) {
        this(dModel, nhead, 2048, 0.1, Activation.RELU, 1e-5, false, false, Generator.defaultGenerator());
    }

    /**
     * Every option of PyTorch's constructor.
     *
     * @param generator initialises the parameters (dropout draws from the default generator of the
     *                  thread that runs forward, as {@link Dropout} does)
     */
    public TransformerEncoderLayer(int dModel, int nhead, int dimFeedforward, double dropout, Activation activation,
                                   double layerNormEps, boolean batchFirst, boolean normFirst, Generator generator) {
        this.config = new LayerConfig(dModel, nhead, dimFeedforward, dropout, activation, layerNormEps, batchFirst,
                normFirst);
        this.activation = activation;
        this.normFirst = normFirst;
        selfAttn = registerModule("self_attn", new MultiheadAttention(dModel, nhead, dropout, true, false, false, dModel,
                dModel, batchFirst, generator));
        linear1 = registerModule("linear1", new Linear(dModel, dimFeedforward, true, generator));
        this.dropout = registerModule("dropout", new Dropout(dropout));
        linear2 = registerModule("linear2", new Linear(dimFeedforward, dModel, true, generator));
        norm1 = registerModule("norm1", new LayerNorm(new int[] {dModel}, layerNormEps, true));
        norm2 = registerModule("norm2", new LayerNorm(new int[] {dModel}, layerNormEps, true));
        dropout1 = registerModule("dropout1", new Dropout(dropout));
        dropout2 = registerModule("dropout2", new Dropout(dropout));
    }

    /** A layer with this one's configuration and a copy of its parameters (PyTorch's deep copy). */
    public TransformerEncoderLayer copy() {
        LayerConfig k = config;
        TransformerEncoderLayer c = new TransformerEncoderLayer(k.dModel(), k.nhead(), k.dimFeedforward(), k.dropout(),
                k.activation(), k.layerNormEps(), k.batchFirst(), k.normFirst(), new Generator(0));
        c.loadStateDict(stateDict());
        c.train(isTraining());
        return c;
    }

    public MultiheadAttention selfAttn() {
        return selfAttn;
    }

    public boolean batchFirst() {
        return config.batchFirst();
    }

    @Override
    public Tensor forward(Tensor src) {
        return forward(src, null, null);
    }

    /** The layer's output for {@code src}, with the masks of the class comment (either may be null). */
    public Tensor forward(Tensor src, Tensor srcMask, Tensor srcKeyPaddingMask) {
        Tensor x = src;
        if (normFirst) {
            x = x.add(selfAttentionBlock(norm1.forward(x), srcMask, srcKeyPaddingMask));
            x = x.add(feedForwardBlock(norm2.forward(x)));
        } else {
            x = norm1.forward(x.add(selfAttentionBlock(x, srcMask, srcKeyPaddingMask)));
            x = norm2.forward(x.add(feedForwardBlock(x)));
        }
        return x;
    }

    private Tensor selfAttentionBlock(Tensor x, Tensor mask, Tensor keyPaddingMask) {
        return dropout1.forward(selfAttn.forward(x, x, x, keyPaddingMask, false, mask, true).output());
    }

    private Tensor feedForwardBlock(Tensor x) {
        return dropout2.forward(linear2.forward(dropout.forward(activation.apply(linear1.forward(x)))));
    }

    @Override
    protected String extraRepr() {
        return "activation=" + activation + ", normFirst=" + normFirst;
    }
}
