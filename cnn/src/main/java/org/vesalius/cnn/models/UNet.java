package org.vesalius.cnn.models;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.BinaryOperator;
import org.vesalius.autograd.NoGrad;
import org.vesalius.cnn.ConvNd;
import org.vesalius.nn.Module;
import org.vesalius.nn.ModuleList;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;

/**
 * U-Net (Ronneberger et al., 2015) for 2-d images or 3-d volumes: an encoder of {@code depth} levels,
 * each two 3×3 convolutions (conv → norm → ReLU, twice) followed by 2× max pooling; a bottleneck of
 * the same two convolutions; a decoder whose levels up-sample by a 2×2 transposed convolution of
 * stride 2, concatenate the encoder's output of that resolution (the skip) on the channel axis and
 * apply two convolutions again; and a 1×1 convolution to {@code outChannels} logits.
 *
 * <p>Input {@code [N, inChannels, *spatial]} with every spatial size a multiple of {@code 2^depth};
 * output logits {@code [N, outChannels, *spatial]} (apply a sigmoid or softmax, or use a loss that
 * takes logits).
 *
 * <p>{@code channels} gives the channels of each encoder level and, last, of the bottleneck:
 * {@code {16, 32, 64, 128}} is depth 3 with a 128-channel bottleneck. Options: the normalisation
 * ({@link Norm#BATCH}, {@link Norm#INSTANCE}, {@link Norm#GROUP}, {@link Norm#NONE}); residual units
 * ({@link ResidualUnit} instead of the plain two convolutions); deep supervision (an extra 1×1 head
 * on every decoder level but the last, see {@link #forwardWithDeepSupervision}).
 *
 * <p>State-dict keys are those of this PyTorch module (benchmark W3's U-Net, whose weights therefore
 * load): {@code enc.<level>.*}, {@code bott.*}, {@code up.<i>.weight/bias}, {@code dec.<i>.*},
 * {@code head.weight/bias} and, with deep supervision, {@code ds.<i>.weight/bias}, where a plain level
 * is {@code nn.Sequential(conv, norm, ReLU, conv, norm, ReLU)} ({@code 0.weight}, {@code 1.weight},
 * {@code 1.bias}, {@code 1.running_mean}, ..., {@code 3.weight}, {@code 4.*}); decoder index 0 is the
 * coarsest. W3 is {@code new UNet(2, 1, 1, 16, 32, 64, 128)}. Weights start as PyTorch initialises
 * them.
 * <pre>{@code
 * var net = new UNet(2, 1, 1, 16, 32, 64, 128);                       // batch norm, 2-d
 * Tensor logits = net.forward(x);                                     // [4, 1, 128, 128] -> [4, 1, 128, 128]
 * var net3d = new UNet(3, 1, 3, new int[] {8, 16, 32}, Norm.INSTANCE, true, true, new Generator(0));
 * }</pre>
 */
public class UNet extends Module {
    private final int spatialDims;
    private final int inChannels;
    private final int outChannels;
    private final int[] channels;
    private final Norm norm;
    private final boolean residual;
    private final ModuleList enc;
    private final Module bott;
    private final ModuleList up;
    private final ModuleList dec;
    private final ConvNd head;
    private final ModuleList ds;

    /** Batch normalisation, plain levels, no deep supervision, weights from the default generator. */
    public UNet(int spatialDims, int inChannels, int outChannels, int... channels) {
        this(spatialDims, inChannels, outChannels, channels, Norm.BATCH, false, false, Generator.defaultGenerator());
    }

    /** Plain levels with the given normalisation, no deep supervision, weights from the default generator. */
    public UNet(int spatialDims, int inChannels, int outChannels, Norm norm, int... channels) {
        this(spatialDims, inChannels, outChannels, channels, norm, false, false, Generator.defaultGenerator());
    }

    /**
     * Every option.
     *
     * @param spatialDims     2 (images {@code [N, C, H, W]}) or 3 (volumes {@code [N, C, D, H, W]})
     * @param inChannels      channels of the input
     * @param outChannels     logits per pixel (classes, or 1 for a binary mask)
     * @param channels        each encoder level's channels, then the bottleneck's (at least two values)
     * @param norm            the normalisation after each 3×3 convolution
     * @param residual        whether each level is a {@link ResidualUnit}
     * @param deepSupervision whether the decoder levels but the last get a 1×1 head of their own
     * @param generator       draws the initial weights
     */
    public UNet(int spatialDims, int inChannels, int outChannels, int[] channels, Norm norm, boolean residual,
                boolean deepSupervision, Generator generator) {
        Dims.check("UNet", spatialDims);
        Dims.positive("UNet", "inChannels and outChannels", inChannels, outChannels);
        if (channels == null || channels.length < 2) {
            throw new IllegalArgumentException("UNet: channels must give at least one encoder level and the bottleneck "
                    + "(e.g. {16, 32, 64, 128}), got " + Arrays.toString(channels));
        }
        Dims.positive("UNet", "channels", channels);
        this.spatialDims = spatialDims;
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.channels = channels.clone();
        this.norm = norm;
        this.residual = residual;
        int depth = channels.length - 1;
        enc = registerModule("enc", new ModuleList());
        int cin = inChannels;
        for (int i = 0; i < depth; i++) {
            enc.add(Blocks.level(spatialDims, cin, channels[i], norm, residual, generator));
            cin = channels[i];
        }
        bott = registerModule("bott", Blocks.level(spatialDims, cin, channels[depth], norm, residual, generator));
        up = registerModule("up", new ModuleList());
        dec = registerModule("dec", new ModuleList());
        cin = channels[depth];
        for (int i = depth - 1; i >= 0; i--) {
            up.add(Dims.convTranspose(spatialDims, cin, channels[i], 2, 2, generator));
            dec.add(Blocks.level(spatialDims, 2 * channels[i], channels[i], norm, residual, generator));
            cin = channels[i];
        }
        head = registerModule("head", Dims.conv(spatialDims, channels[0], outChannels, 1, 1, 0, true, generator));
        if (deepSupervision) {
            ds = registerModule("ds", new ModuleList());
            for (int j = 0; j < depth - 1; j++) {
                ds.add(Dims.conv(spatialDims, channels[depth - 1 - j], outChannels, 1, 1, 0, true, generator));
            }
        } else {
            ds = null;
        }
    }

    /** Encoder levels (the number of 2× down-samplings). */
    public int depth() {
        return channels.length - 1;
    }

    /** Each level's channels and the bottleneck's (a copy). */
    public int[] channels() {
        return channels.clone();
    }

    /** 2 or 3. */
    public int spatialDims() {
        return spatialDims;
    }

    /** The normalisation after each convolution. */
    public Norm norm() {
        return norm;
    }

    /** Whether the levels are residual units. */
    public boolean residual() {
        return residual;
    }

    /** Whether there are deep-supervision heads. */
    public boolean deepSupervision() {
        return ds != null;
    }

    /** {@code [N, inChannels, *spatial]} to logits {@code [N, outChannels, *spatial]}. */
    @Override
    public Tensor forward(Tensor input) {
        return run(input, false).get(0);
    }

    /**
     * The final logits and, with deep supervision, each auxiliary head's logits at its decoder level's
     * resolution: {@code [N, outChannels, *spatial]} first, then {@code spatial / 2}, {@code spatial / 4}, ...
     * (finest to coarsest, {@code depth - 1} of them). Train on them with {@link #deepSupervisionLoss};
     * predict with {@link #forward}. Without deep supervision the list holds the final logits only.
     */
    public List<Tensor> forwardWithDeepSupervision(Tensor input) {
        return run(input, true);
    }

    private List<Tensor> run(Tensor input, boolean auxiliary) {
        checkInput(input);
        int depth = depth();
        List<Tensor> skips = new ArrayList<>(depth);
        Tensor x = input;
        for (int i = 0; i < depth; i++) {
            x = enc.get(i).forward(x);
            skips.add(x);
            x = pool(x);
        }
        x = bott.forward(x);
        List<Tensor> aux = new ArrayList<>();
        for (int j = 0; j < depth; j++) {
            Tensor u = up.get(j).forward(x);
            x = dec.get(j).forward(Tensor.cat(1, u, skips.get(depth - 1 - j)));
            if (auxiliary && ds != null && j < depth - 1) {
                aux.add(ds.get(j).forward(x));
            }
        }
        List<Tensor> out = new ArrayList<>(aux.size() + 1);
        out.add(head.forward(x));
        Collections.reverse(aux);
        out.addAll(aux);
        return out;
    }

    private Tensor pool(Tensor x) {
        return spatialDims == 2 ? x.maxPool2d(2) : x.maxPool3d(2);
    }

    private void checkInput(Tensor input) {
        int[] s = input.shape();
        int multiple = 1 << depth();
        boolean ok = s.length == spatialDims + 2 && s[1] == inChannels;
        for (int d = 2; ok && d < s.length; d++) {
            ok = s[d] > 0 && s[d] % multiple == 0;
        }
        if (!ok) {
            throw new IllegalArgumentException("UNet: expected input [N, " + inChannels + (spatialDims == 2 ? ", H, W]" : ", D, H, W]")
                    + " with every spatial size a multiple of " + multiple + " (2^depth, depth " + depth() + "), got "
                    + Arrays.toString(s));
        }
    }

    /**
     * The deep-supervision loss as nnU-Net weighs it: {@code sum_i w_i * loss(outputs[i], target_i)} with
     * {@code w_i} proportional to {@code 1 / 2^i} and summing to 1, where {@code target_i} is the target
     * resized to output i's spatial size by nearest-neighbour sampling (so labels stay labels).
     *
     * @param outputs what {@link #forwardWithDeepSupervision} returned: {@code [N, C, *spatial]} first,
     *                then coarser
     * @param target  a floating-point target {@code [N, C', *spatial]} at the first output's size (a mask,
     *                one-hot labels or a label map, as {@code loss} takes it)
     * @param loss    (logits, target) to a scalar, e.g. {@code F::binaryCrossEntropyWithLogits}
     * @return the weighted scalar loss
     */
    public static Tensor deepSupervisionLoss(List<Tensor> outputs, Tensor target, BinaryOperator<Tensor> loss) {
        if (outputs.isEmpty()) {
            throw new IllegalArgumentException("UNet.deepSupervisionLoss: no outputs");
        }
        if (!target.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("UNet.deepSupervisionLoss: the target must be floating point (it is "
                    + "resized by nearest-neighbour sampling), got " + target.dtype() + "; convert it with to(DType)");
        }
        double norm = 0;
        for (int i = 0; i < outputs.size(); i++) {
            norm += Math.pow(0.5, i);
        }
        Tensor total = null;
        for (int i = 0; i < outputs.size(); i++) {
            Tensor out = outputs.get(i);
            if (out.dim() != target.dim()) {
                throw new IllegalArgumentException("UNet.deepSupervisionLoss: output " + i + " has shape "
                        + Arrays.toString(out.shape()) + ", the target " + Arrays.toString(target.shape()));
            }
            Tensor t = target;
            int[] size = Arrays.copyOfRange(out.shape(), 2, out.dim());
            if (!Arrays.equals(size, Arrays.copyOfRange(target.shape(), 2, target.dim()))) {
                try (NoGrad ng = NoGrad.open()) {
                    t = target.interpolate(size, "nearest");
                }
            }
            Tensor term = loss.apply(out, t).mul(Math.pow(0.5, i) / norm);
            total = total == null ? term : total.add(term);
        }
        return total;
    }

    @Override
    protected String extraRepr() {
        return "spatialDims=" + spatialDims + ", inChannels=" + inChannels + ", outChannels=" + outChannels + ", channels="
                + Arrays.toString(channels) + ", norm=" + norm + ", residual=" + residual + ", deepSupervision="
                + (ds != null);
    }
}
