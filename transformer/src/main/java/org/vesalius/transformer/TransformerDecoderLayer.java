package org.vesalius.transformer;

import org.vesalius.nn.Dropout;
import org.vesalius.nn.LayerNorm;
import org.vesalius.nn.Linear;
import org.vesalius.nn.Module;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;

/**
 * One decoder layer, like {@code torch.nn.TransformerDecoderLayer}: self-attention over the target,
 * attention to the encoder's output ({@code memory}) and a feed-forward block, each with dropout and a
 * residual connection, and layer norm after each (default) or, with {@code normFirst}, before each.
 *
 * <p>{@code tgt [T, N, dModel]} and {@code memory [S, N, dModel]} ({@code [N, T, dModel]},
 * {@code [N, S, dModel]} with {@code batchFirst}; without {@code N} unbatched) give {@code tgt}'s
 * shape. {@code tgtMask} ({@code [T, T]}, e.g. {@link Transformer#generateSquareSubsequentMask}),
 * {@code memoryMask} ({@code [T, S]}) and the key padding masks ({@code [N, T]}, {@code [N, S]}) are
 * {@link MultiheadAttention}'s: bool true or float -inf where attention is not allowed. State-dict keys
 * are PyTorch's: {@code self_attn.*}, {@code multihead_attn.*}, {@code linear1.*}, {@code linear2.*},
 * {@code norm1.*} to {@code norm3.*}.
 */
public class TransformerDecoderLayer extends Module {
    private final LayerConfig config;
    private final Activation activation;
    private final boolean normFirst;
    private final MultiheadAttention selfAttn;
    private final MultiheadAttention multiheadAttn;
    private final Linear linear1;
    private final Dropout dropout;
    private final Linear linear2;
    private final LayerNorm norm1;
    private final LayerNorm norm2;
    private final LayerNorm norm3;
    private final Dropout dropout1;
    private final Dropout dropout2;
    private final Dropout dropout3;

    /** PyTorch's defaults: feed-forward 2048, dropout 0.1, relu, eps 1e-5, sequence-first, norm after. */
    public TransformerDecoderLayer(int dModel, int nhead) {
        this(dModel, nhead, 2048, 0.1, Activation.RELU, 1e-5, false, false, Generator.defaultGenerator());
    }

    /**
     * Every option of PyTorch's constructor.
     *
     * @param generator initialises the parameters (dropout draws from the default generator of the
     *                  thread that runs forward)
     */
    public TransformerDecoderLayer(int dModel, int nhead, int dimFeedforward, double dropout, Activation activation,
                                   double layerNormEps, boolean batchFirst, boolean normFirst, Generator generator) {
        this.config = new LayerConfig(dModel, nhead, dimFeedforward, dropout, activation, layerNormEps, batchFirst,
                normFirst);
        this.activation = activation;
        this.normFirst = normFirst;
        selfAttn = registerModule("self_attn", new MultiheadAttention(dModel, nhead, dropout, true, false, false, dModel,
                dModel, batchFirst, generator));
        multiheadAttn = registerModule("multihead_attn", new MultiheadAttention(dModel, nhead, dropout, true, false,
                false, dModel, dModel, batchFirst, generator));
        linear1 = registerModule("linear1", new Linear(dModel, dimFeedforward, true, generator));
        this.dropout = registerModule("dropout", new Dropout(dropout));
        linear2 = registerModule("linear2", new Linear(dimFeedforward, dModel, true, generator));
        norm1 = registerModule("norm1", new LayerNorm(new int[] {dModel}, layerNormEps, true));
        norm2 = registerModule("norm2", new LayerNorm(new int[] {dModel}, layerNormEps, true));
        norm3 = registerModule("norm3", new LayerNorm(new int[] {dModel}, layerNormEps, true));
        dropout1 = registerModule("dropout1", new Dropout(dropout));
        dropout2 = registerModule("dropout2", new Dropout(dropout));
        dropout3 = registerModule("dropout3", new Dropout(dropout));
    }

    /** A layer with this one's configuration and a copy of its parameters (PyTorch's deep copy). */
    public TransformerDecoderLayer copy() {
        LayerConfig k = config;
        TransformerDecoderLayer c = new TransformerDecoderLayer(k.dModel(), k.nhead(), k.dimFeedforward(), k.dropout(),
                k.activation(), k.layerNormEps(), k.batchFirst(), k.normFirst(), new Generator(0));
        c.loadStateDict(stateDict());
        c.train(isTraining());
        return c;
    }

    public MultiheadAttention selfAttn() {
        return selfAttn;
    }

    public MultiheadAttention multiheadAttn() {
        return multiheadAttn;
    }

    public boolean batchFirst() {
        return config.batchFirst();
    }

    /** Without masks. */
    public Tensor forward(Tensor tgt, Tensor memory) {
        return forward(tgt, memory, null, null, null, null);
    }

    /** The layer's output for {@code tgt} attending to {@code memory}, with the masks of the class comment (any may be null). */
    public Tensor forward(Tensor tgt, Tensor memory, Tensor tgtMask, Tensor memoryMask, Tensor tgtKeyPaddingMask,
                          Tensor memoryKeyPaddingMask) {
        Tensor x = tgt;
        if (normFirst) {
            x = x.add(selfAttentionBlock(norm1.forward(x), tgtMask, tgtKeyPaddingMask));
            x = x.add(crossAttentionBlock(norm2.forward(x), memory, memoryMask, memoryKeyPaddingMask));
            x = x.add(feedForwardBlock(norm3.forward(x)));
        } else {
            x = norm1.forward(x.add(selfAttentionBlock(x, tgtMask, tgtKeyPaddingMask)));
            x = norm2.forward(x.add(crossAttentionBlock(x, memory, memoryMask, memoryKeyPaddingMask)));
            x = norm3.forward(x.add(feedForwardBlock(x)));
        }
        return x;
    }

    /**
     * The layer's output for new target positions, with the earlier positions' keys and values in
     * {@code cache} (layer {@code layer}'s slots): equal to {@link #forward} over the whole prefix
     * with a causal target mask, restricted to the new positions. {@code tgt [t, N, dModel]}
     * ({@code [N, t, dModel]} batch-first), batched only; {@code memoryKeyPaddingMask [N, S]} or null.
     */
    public Tensor forwardCached(Tensor tgt, Tensor memory, KVCache cache, int layer, Tensor memoryKeyPaddingMask) {
        Tensor x = tgt;
        KVCache.Slot selfSlot = cache.self(layer);
        KVCache.Slot crossSlot = cache.cross(layer);
        if (normFirst) {
            Tensor h = norm1.forward(x);
            x = x.add(dropout1.forward(selfAttn.forwardCached(h, h, h, selfSlot, true, null)));
            x = x.add(dropout2.forward(multiheadAttn.forwardCached(norm2.forward(x), memory, memory, crossSlot, false,
                    memoryKeyPaddingMask)));
            x = x.add(feedForwardBlock(norm3.forward(x)));
        } else {
            x = norm1.forward(x.add(dropout1.forward(selfAttn.forwardCached(x, x, x, selfSlot, true, null))));
            x = norm2.forward(x.add(dropout2.forward(multiheadAttn.forwardCached(x, memory, memory, crossSlot, false,
                    memoryKeyPaddingMask))));
            x = norm3.forward(x.add(feedForwardBlock(x)));
        }
        return x;
    }

    private Tensor selfAttentionBlock(Tensor x, Tensor mask, Tensor keyPaddingMask) {
        return dropout1.forward(selfAttn.forward(x, x, x, keyPaddingMask, false, mask, true).output());
    }

    private Tensor crossAttentionBlock(Tensor x, Tensor memory, Tensor mask, Tensor keyPaddingMask) {
        return dropout2.forward(multiheadAttn.forward(x, memory, memory, keyPaddingMask, false, mask, true).output());
    }

    private Tensor feedForwardBlock(Tensor x) {
        return dropout3.forward(linear2.forward(dropout.forward(activation.apply(linear1.forward(x)))));
    }

    @Override
    protected String extraRepr() {
        return "activation=" + activation + ", normFirst=" + normFirst;
    }
}
