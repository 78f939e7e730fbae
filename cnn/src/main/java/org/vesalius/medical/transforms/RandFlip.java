package org.vesalius.medical.transforms;

import java.util.Arrays;
import org.vesalius.medical.MedicalImage;
import org.vesalius.tensor.Generator;

/**
 * Mirrors every entry along each of the given index axes independently with probability {@code prob}
 * (nnU-Net's mirroring; MONAI's {@code RandFlip} would flip all listed axes together). One draw per
 * axis, in the order given, shared by all entries. Geometry as {@link Flip}.
 */
public final class RandFlip implements Transform {
    private final double prob;
    private final int[] axes;

    /** @param axes index axes that may be mirrored (default: every spatial axis of the sample) */
    public RandFlip(double prob, int... axes) {
        Grids.probability("RandFlip", prob);
        this.prob = prob;
        this.axes = Flip.checkAxes("RandFlip", axes);
    }

    @Override
    public Sample apply(Sample sample, Generator generator) {
        MedicalImage ref = sample.reference("RandFlip");
        int dims = ref.spatialDims();
        int[] candidates = axes.length > 0 ? axes : (dims == 2 ? new int[] {0, 1} : new int[] {0, 1, 2});
        int[] chosen = new int[candidates.length];
        int n = 0;
        for (int a : candidates) {
            Grids.axis("RandFlip", a, dims);
            if (generator.nextDouble() < prob) {
                chosen[n++] = a;
            }
        }
        if (n == 0) {
            return sample;
        }
        int[] flip = Arrays.copyOf(chosen, n);
        return sample.map((key, kind, image) -> IndexOps.flip(image, flip));
    }
}
