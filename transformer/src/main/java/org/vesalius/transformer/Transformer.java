package org.vesalius.transformer;

import java.util.Arrays;
import org.vesalius.autograd.NoGrad;
import org.vesalius.nn.Init;
import org.vesalius.nn.LayerNorm;
import org.vesalius.nn.Module;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;

/**
 * The encoder-decoder transformer of "Attention Is All You Need", like {@code torch.nn.Transformer}:
 * a {@link TransformerEncoder} over the source and a {@link TransformerDecoder} over the target that
 * attends to the encoder's output, each stack ending in a layer norm. Parameters with more than one
 * dim are Xavier-uniform initialised, as PyTorch does; state-dict keys are PyTorch's
 * ({@code encoder.layers.0.self_attn.in_proj_weight}, ..., {@code decoder.norm.bias}), so a PyTorch
 * state dict loads by name.
 *
 * <p>{@code src [S, N, dModel]} and {@code tgt [T, N, dModel]} ({@code [N, S, dModel]},
 * {@code [N, T, dModel]} with {@code batchFirst}; without {@code N} unbatched) give
 * {@code [T, N, dModel]} (tgt's layout). Masks: {@code srcMask [S, S]}, {@code tgtMask [T, T]},
 * {@code memoryMask [T, S]} (or with {@code N * nhead} in front), {@code srcKeyPaddingMask [N, S]},
 * {@code tgtKeyPaddingMask [N, T]}, {@code memoryKeyPaddingMask [N, S]}; bool true or float -inf where
 * attention is not allowed. The model takes embeddings; tokens, position encodings and the output
 * projection are the caller's.
 */
public class Transformer extends Module {
    private final int dModel;
    private final int nhead;
    private final boolean batchFirst;
    private final TransformerEncoder encoder;
    private final TransformerDecoder decoder;

    /** PyTorch's defaults: dModel 512, 8 heads, 6 + 6 layers, feed-forward 2048, dropout 0.1, relu. */
    public Transformer() {
        this(512, 8, 6, 6, 2048, 0.1, Activation.RELU, 1e-5, false, false, Generator.defaultGenerator());
    }

    /** Every option of PyTorch's constructor but custom encoder and decoder. */
    public Transformer(int dModel, int nhead, int numEncoderLayers, int numDecoderLayers, int dimFeedforward,
                       double dropout, Activation activation, double layerNormEps, boolean batchFirst,
                       boolean normFirst, Generator generator) {
        this.dModel = dModel;
        this.nhead = nhead;
        this.batchFirst = batchFirst;
        try (TransformerEncoderLayer el = new TransformerEncoderLayer(dModel, nhead, dimFeedforward, dropout, activation,
                layerNormEps, batchFirst, normFirst, generator);
             TransformerDecoderLayer dl = new TransformerDecoderLayer(dModel, nhead, dimFeedforward, dropout, activation,
                layerNormEps, batchFirst, normFirst, generator)) {
            encoder = registerModule("encoder", new TransformerEncoder(el, numEncoderLayers,
                    new LayerNorm(new int[] {dModel}, layerNormEps, true)));
            decoder = registerModule("decoder", new TransformerDecoder(dl, numDecoderLayers,
                    new LayerNorm(new int[] {dModel}, layerNormEps, true)));
        }
        for (Tensor p : parameters()) {
            if (p.dim() > 1) {
                Init.xavierUniform_(p, generator);
            }
        }
    }

    public TransformerEncoder encoder() {
        return encoder;
    }

    public TransformerDecoder decoder() {
        return decoder;
    }

    public int dModel() {
        return dModel;
    }

    public int nhead() {
        return nhead;
    }

    public boolean batchFirst() {
        return batchFirst;
    }

    /** Without masks. */
    public Tensor forward(Tensor src, Tensor tgt) {
        return forward(src, tgt, null, null, null, null, null, null);
    }

    /** PyTorch's {@code forward}: the decoder's output for {@code tgt} given the encoded {@code src}. */
    public Tensor forward(Tensor src, Tensor tgt, Tensor srcMask, Tensor tgtMask, Tensor memoryMask,
                          Tensor srcKeyPaddingMask, Tensor tgtKeyPaddingMask, Tensor memoryKeyPaddingMask) {
        boolean batched = src.dim() == 3;
        if (src.dim() != tgt.dim() || (src.dim() != 2 && src.dim() != 3)) {
            throw new IllegalArgumentException("Transformer: src and tgt must both be 3-D (batched) or 2-D, got "
                    + Arrays.toString(src.shape()) + " and " + Arrays.toString(tgt.shape()));
        }
        int b = batchFirst ? 0 : 1;
        if (batched && src.size(b) != tgt.size(b)) {
            throw new IllegalArgumentException("Transformer: the batch size of src and tgt must be equal, got "
                    + Arrays.toString(src.shape()) + " and " + Arrays.toString(tgt.shape()));
        }
        if (src.size(-1) != dModel || tgt.size(-1) != dModel) {
            throw new IllegalArgumentException("Transformer: the feature size of src and tgt must be dModel = " + dModel
                    + ", got " + Arrays.toString(src.shape()) + " and " + Arrays.toString(tgt.shape()));
        }
        Tensor memory = encoder.forward(src, srcMask, srcKeyPaddingMask);
        return decoder.forward(tgt, memory, tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask);
    }

    /**
     * PyTorch's {@code generate_square_subsequent_mask}: a float32 {@code [size, size]} mask with -inf
     * above the diagonal and 0 on and below it, so that position i attends to positions up to i.
     */
    public static Tensor generateSquareSubsequentMask(int size) {
        return generateSquareSubsequentMask(size, DType.FLOAT32);
    }

    /** {@link #generateSquareSubsequentMask(int)} in {@code dtype}. */
    public static Tensor generateSquareSubsequentMask(int size, DType dtype) {
        if (size < 0) {
            throw new IllegalArgumentException("generateSquareSubsequentMask: size must be >= 0, got " + size);
        }
        try (NoGrad ng = NoGrad.open()) {
            Tensor above = Tensor.arange(size).unsqueeze(0).gt(Tensor.arange(size).unsqueeze(1));
            return Tensor.zeros(dtype, size, size).maskedFill(above, Double.NEGATIVE_INFINITY);
        }
    }
}
