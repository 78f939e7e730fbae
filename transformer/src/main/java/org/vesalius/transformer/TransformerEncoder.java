package org.vesalius.transformer;

import java.util.ArrayList;
import java.util.List;
import org.vesalius.nn.LayerNorm;
import org.vesalius.nn.Module;
import org.vesalius.nn.ModuleList;
import org.vesalius.tensor.Tensor;

/**
 * A stack of encoder layers, like {@code torch.nn.TransformerEncoder}: {@code numLayers} copies of a
 * layer (with its parameters, as PyTorch's deep copies) applied in turn, then an optional final norm.
 * Shapes and masks are {@link TransformerEncoderLayer}'s; state-dict keys {@code layers.0.*},
 * {@code layers.1.*}, ..., {@code norm.*}.
 */
public class TransformerEncoder extends Module {
    private final ModuleList layers;
    private final LayerNorm norm;

    /**
     * @param encoderLayer the layer to copy (it is not used itself; close it when done)
     * @param numLayers    how many copies
     * @param norm         applied to the last layer's output, or null
     */
    public TransformerEncoder(TransformerEncoderLayer encoderLayer, int numLayers, LayerNorm norm) {
        if (numLayers < 1) {
            throw new IllegalArgumentException("TransformerEncoder: numLayers must be >= 1, got " + numLayers);
        }
        List<Module> copies = new ArrayList<>();
        for (int i = 0; i < numLayers; i++) {
            copies.add(encoderLayer.copy());
        }
        layers = registerModule("layers", new ModuleList(copies));
        this.norm = registerModule("norm", norm);
    }

    /** The layer at {@code index}. */
    public TransformerEncoderLayer layer(int index) {
        return (TransformerEncoderLayer) layers.get(index);
    }

    public int numLayers() {
        return layers.size();
    }

    @Override
    public Tensor forward(Tensor src) {
        return forward(src, null, null);
    }

    /** {@code src} through every layer with the same masks, then the norm. */
    public Tensor forward(Tensor src, Tensor mask, Tensor srcKeyPaddingMask) {
        Tensor x = src;
        for (Module layer : layers) {
            x = ((TransformerEncoderLayer) layer).forward(x, mask, srcKeyPaddingMask);
        }
        return norm == null ? x : norm.forward(x);
    }
}
