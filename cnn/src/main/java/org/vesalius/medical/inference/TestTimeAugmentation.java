package org.vesalius.medical.inference;

import java.util.Arrays;
import java.util.function.Function;
import org.vesalius.autograd.NoGrad;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/**
 * Test-time augmentation by mirroring, as nnU-Net does: the prediction is the mean over every
 * combination of flips of the chosen axes, each flipped back before averaging. For a network that is
 * nearly (but not exactly) mirror-equivariant this removes some of its orientation bias and usually
 * gains a little Dice.
 */
public final class TestTimeAugmentation {
    private TestTimeAugmentation() {
    }

    /**
     * A predictor that averages {@code predictor} over all {@code 2^dims.length} flip combinations.
     *
     * @param predictor maps {@code [N, C, *spatial]} to {@code [N, C', *spatial]} (same spatial size)
     * @param dims      the axes to mirror, e.g. {@code 2, 3} for the two spatial axes of an {@code [N, C, H, W]} batch
     * @return the averaging predictor (runs without a graph)
     */
    public static Function<Tensor, Tensor> flips(Function<Tensor, Tensor> predictor, int... dims) {
        if (dims.length == 0 || dims.length > 16) {
            throw new IllegalArgumentException("TestTimeAugmentation.flips: give 1 to 16 axes to mirror, got "
                    + Arrays.toString(dims));
        }
        int[] axes = dims.clone();
        return x -> {
            for (int d : axes) {
                if (d < 2 || d >= x.dim()) {
                    throw new IllegalArgumentException("TestTimeAugmentation.flips: axis " + d + " is not a spatial axis of "
                            + Arrays.toString(x.shape()) + " (spatial axes are 2.." + (x.dim() - 1) + ")");
                }
            }
            try (Scope s = Scope.open(); NoGrad ng = NoGrad.open()) {
                Tensor sum = null;
                int combos = 1 << axes.length;
                for (int mask = 0; mask < combos; mask++) {
                    int[] flip = new int[axes.length];
                    int n = 0;
                    for (int i = 0; i < axes.length; i++) {
                        if ((mask & (1 << i)) != 0) {
                            flip[n++] = axes[i];
                        }
                    }
                    int[] f = Arrays.copyOf(flip, n);
                    Tensor in = n == 0 ? x : x.flip(f);
                    Tensor out = predictor.apply(in);
                    Tensor back = n == 0 ? out : out.flip(f);
                    sum = sum == null ? back : sum.add(back);
                }
                return s.keep(sum.div(combos));
            }
        };
    }
}
