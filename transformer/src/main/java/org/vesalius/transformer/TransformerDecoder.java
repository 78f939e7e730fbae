package org.vesalius.transformer;

import java.util.ArrayList;
import java.util.List;
import org.vesalius.nn.LayerNorm;
import org.vesalius.nn.Module;
import org.vesalius.nn.ModuleList;
import org.vesalius.tensor.Tensor;

/**
 * A stack of decoder layers, like {@code torch.nn.TransformerDecoder}: {@code numLayers} copies of a
 * layer (with its parameters) applied in turn, each attending to the same memory, then an optional
 * final norm. Shapes and masks are {@link TransformerDecoderLayer}'s; state-dict keys
 * {@code layers.0.*}, ..., {@code norm.*}.
 */
public class TransformerDecoder extends Module {
    private final ModuleList layers;
    private final LayerNorm norm;

    /**
     * @param decoderLayer the layer to copy (it is not used itself; close it when done)
     * @param numLayers    how many copies
     * @param norm         applied to the last layer's output, or null
     */
    public TransformerDecoder(TransformerDecoderLayer decoderLayer, int numLayers, LayerNorm norm) {
        if (numLayers < 1) {
            throw new IllegalArgumentException("TransformerDecoder: numLayers must be >= 1, got " + numLayers);
        }
        List<Module> copies = new ArrayList<>();
        for (int i = 0; i < numLayers; i++) {
            copies.add(decoderLayer.copy());
        }
        layers = registerModule("layers", new ModuleList(copies));
        this.norm = registerModule("norm", norm);
    }

    /** The layer at {@code index}. */
    public TransformerDecoderLayer layer(int index) {
        return (TransformerDecoderLayer) layers.get(index);
    }

    public int numLayers() {
        return layers.size();
    }

    /** The final norm, or null. */
    public LayerNorm norm() {
        return norm;
    }

    /** Without masks. */
    public Tensor forward(Tensor tgt, Tensor memory) {
        return forward(tgt, memory, null, null, null, null);
    }

    /** {@code tgt} through every layer, each attending to {@code memory}, then the norm. */
    public Tensor forward(Tensor tgt, Tensor memory, Tensor tgtMask, Tensor memoryMask, Tensor tgtKeyPaddingMask,
                          Tensor memoryKeyPaddingMask) {
        Tensor x = tgt;
        for (Module layer : layers) {
            x = ((TransformerDecoderLayer) layer).forward(x, memory, tgtMask, memoryMask, tgtKeyPaddingMask,
                    memoryKeyPaddingMask);
        }
        return norm == null ? x : norm.forward(x);
    }

    /**
     * The stack's output for new target positions given the keys and values {@code cache} holds for
     * the earlier ones (see {@link KVCache}; an empty cache starts a sequence), then the norm; the
     * cache takes the new positions. Equal to {@link #forward} over the whole prefix with a causal
     * target mask, at the new positions. {@code tgt [t, N, dModel]} ({@code [N, t, dModel]}
     * batch-first), batched only.
     */
    public Tensor forwardCached(Tensor tgt, Tensor memory, KVCache cache, Tensor memoryKeyPaddingMask) {
        if (cache.numLayers() != layers.size()) {
            throw new IllegalArgumentException("TransformerDecoder.forwardCached: the cache has " + cache.numLayers()
                    + " layers, the decoder " + layers.size());
        }
        Tensor x = tgt;
        int i = 0;
        for (Module layer : layers) {
            x = ((TransformerDecoderLayer) layer).forwardCached(x, memory, cache, i++, memoryKeyPaddingMask);
        }
        cache.advance(tgt.size(layer(0).batchFirst() ? 1 : 0));
        return norm == null ? x : norm.forward(x);
    }
}
