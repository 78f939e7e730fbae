package org.vesalius.cnn.models;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.vesalius.cnn.ConvNd;
import org.vesalius.nn.Module;
import org.vesalius.nn.ReLU;
import org.vesalius.nn.Sequential;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;

/**
 * A convolutional encoder–decoder (deconvolution network) without skip connections, for 2-d images or
 * 3-d volumes: every encoder level halves the spatial size with a stride-2 3×3 convolution and refines
 * with a second 3×3 convolution; every decoder level doubles it with a 2×2 transposed convolution
 * ("deconvolution") of stride 2 and refines with a 3×3 convolution; each convolution is followed by the
 * normalisation and ReLU; a 1×1 convolution gives the output. Everything the output knows passes the
 * bottleneck of {@code channels[last]} channels at {@code 1 / 2^levels} of the input's size, which is
 * what an autoencoder or an image-to-image network with a compact code wants.
 *
 * <p>Input {@code [N, inChannels, *spatial]} with every spatial size a multiple of {@code 2^levels},
 * output {@code [N, outChannels, *spatial]} (no final activation); {@link #encode} gives the code
 * {@code [N, channels[last], *spatial / 2^levels]} and {@link #decode} maps it back.
 *
 * <p>State-dict keys: {@code encoder.<level>.<i>.*} and {@code decoder.<level>.<i>.*}, each level an
 * {@code nn.Sequential(conv, norm, ReLU, conv, norm, ReLU)} (without normalisation
 * {@code (conv, ReLU, conv, ReLU)}), and {@code head.weight/bias}. Weights start as PyTorch initialises them.
 * <pre>{@code
 * var net = new EncoderDecoder(2, 1, 1, new int[] {16, 32, 64}, Norm.BATCH, new Generator(0));
 * Tensor y = net.forward(x);                  // [N, 1, 64, 64] -> code [N, 64, 8, 8] -> [N, 1, 64, 64]
 * }</pre>
 */
public class EncoderDecoder extends Module {
    private final int spatialDims;
    private final int inChannels;
    private final int levels;
    private final Sequential encoder;
    private final Sequential decoder;
    private final ConvNd head;

    /**
     * @param spatialDims 2 or 3
     * @param inChannels  channels of the input
     * @param outChannels channels of the output
     * @param channels    each encoder level's channels (the decoder mirrors them); the last is the code's
     * @param norm        the normalisation after each convolution
     * @param generator   draws the initial weights
     */
    public EncoderDecoder(int spatialDims, int inChannels, int outChannels, int[] channels, Norm norm,
                          Generator generator) {
        Dims.check("EncoderDecoder", spatialDims);
        Dims.positive("EncoderDecoder", "inChannels and outChannels", inChannels, outChannels);
        if (channels == null || channels.length == 0) {
            throw new IllegalArgumentException("EncoderDecoder: channels must give at least one level, got "
                    + Arrays.toString(channels));
        }
        Dims.positive("EncoderDecoder", "channels", channels);
        this.spatialDims = spatialDims;
        this.inChannels = inChannels;
        this.levels = channels.length;
        encoder = registerModule("encoder", new Sequential());
        int cin = inChannels;
        for (int c : channels) {
            List<Module> m = new ArrayList<>();
            m.add(Dims.conv(spatialDims, cin, c, 3, 2, 1, norm.isNone(), generator));
            addNormRelu(m, norm, c);
            m.addAll(Blocks.convNorm(spatialDims, c, c, 3, norm, generator));
            m.add(new ReLU());
            encoder.append(new Sequential(m));
            cin = c;
        }
        decoder = registerModule("decoder", new Sequential());
        for (int i = channels.length - 1; i >= 0; i--) {
            int out = i == 0 ? channels[0] : channels[i - 1];
            List<Module> m = new ArrayList<>();
            m.add(Dims.convTranspose(spatialDims, cin, out, 2, 2, generator));
            addNormRelu(m, norm, out);
            m.addAll(Blocks.convNorm(spatialDims, out, out, 3, norm, generator));
            m.add(new ReLU());
            decoder.append(new Sequential(m));
            cin = out;
        }
        head = registerModule("head", Dims.conv(spatialDims, cin, outChannels, 1, 1, 0, true, generator));
    }

    private void addNormRelu(List<Module> m, Norm norm, int channels) {
        if (!norm.isNone()) {
            m.add(norm.create(spatialDims, channels));
        }
        m.add(new ReLU());
    }

    /** {@code [N, inChannels, *spatial]} to the code {@code [N, channels[last], *spatial / 2^levels]}. */
    public Tensor encode(Tensor input) {
        Dims.checkInput("EncoderDecoder", input, spatialDims, inChannels);
        int multiple = 1 << levels;
        for (int d = 2; d < input.dim(); d++) {
            if (input.size(d) % multiple != 0) {
                throw new IllegalArgumentException("EncoderDecoder: every spatial size must be a multiple of " + multiple
                        + " (2^levels), got input " + Arrays.toString(input.shape()));
            }
        }
        return encoder.forward(input);
    }

    /** The code {@code [N, channels[last], *s]} to the output {@code [N, outChannels, *s * 2^levels]}. */
    public Tensor decode(Tensor code) {
        return head.forward(decoder.forward(code));
    }

    /** {@code [N, inChannels, *spatial]} to {@code [N, outChannels, *spatial]}. */
    @Override
    public Tensor forward(Tensor input) {
        return decode(encode(input));
    }
}
