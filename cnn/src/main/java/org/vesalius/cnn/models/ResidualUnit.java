package org.vesalius.cnn.models;

import java.util.ArrayList;
import java.util.List;
import org.vesalius.nn.Module;
import org.vesalius.nn.ReLU;
import org.vesalius.nn.Sequential;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;

/**
 * A residual unit of two 3×3 convolutions, as a U-Net level with residual units uses it:
 * {@code relu(body(x) + shortcut(x))} where {@code body} is conv → norm → ReLU → conv → norm and
 * {@code shortcut} is the identity when the channel count stays, else a 1×1 convolution and norm that
 * project {@code x} to the new channel count. Input {@code [N, in, *spatial]}, output
 * {@code [N, out, *spatial]} (2 or 3 spatial dims, sizes kept).
 *
 * <p>State-dict keys: {@code body.0.weight}, {@code body.1.*} (the norm), {@code body.3.weight},
 * {@code body.4.*}, and with a projection {@code shortcut.0.weight}, {@code shortcut.1.*}; without
 * normalisation the convolutions have biases and the norms are absent ({@code body.0.*}, {@code body.2.*},
 * {@code shortcut.0.*}).
 */
public class ResidualUnit extends Module {
    private final Sequential body;
    private final Sequential shortcut;

    /**
     * @param spatialDims 2 or 3
     * @param inChannels  channels of the input
     * @param outChannels channels of the output
     * @param norm        the normalisation after each convolution
     * @param generator   draws the initial weights (PyTorch's default initialisation)
     */
    public ResidualUnit(int spatialDims, int inChannels, int outChannels, Norm norm, Generator generator) {
        Dims.check("ResidualUnit", spatialDims);
        Dims.positive("ResidualUnit", "channel counts", inChannels, outChannels);
        List<Module> b = new ArrayList<>(Blocks.convNorm(spatialDims, inChannels, outChannels, 3, norm, generator));
        b.add(new ReLU());
        b.addAll(Blocks.convNorm(spatialDims, outChannels, outChannels, 3, norm, generator));
        body = registerModule("body", new Sequential(b));
        shortcut = registerModule("shortcut", inChannels == outChannels ? null
                : new Sequential(Blocks.convNorm(spatialDims, inChannels, outChannels, 1, norm, generator)));
    }

    /** {@code [N, in, *spatial]} to {@code [N, out, *spatial]}. */
    @Override
    public Tensor forward(Tensor input) {
        Tensor identity = shortcut == null ? input : shortcut.forward(input);
        return body.forward(input).add(identity).relu();
    }
}
