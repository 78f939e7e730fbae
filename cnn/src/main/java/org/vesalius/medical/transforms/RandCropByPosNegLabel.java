package org.vesalius.medical.transforms;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vesalius.medical.MedicalImage;
import org.vesalius.tensor.Generator;

/**
 * Crops of fixed size centred on a foreground voxel with probability {@code pos / (pos + neg)}, else on
 * a background voxel, as MONAI's {@code RandCropByPosNegLabel}: patches that see the structure to
 * segment as often as asked, however small it is. Foreground is where any channel of the label entry is
 * nonzero; background is the rest, restricted (when {@link #imageKey} is set) to voxels where some
 * channel of that image exceeds {@link #imageThreshold}, so that empty air is not sampled. The centre is
 * moved as little as needed for the box to fit in the image; along an axis shorter than the box the box is
 * centred and padded. When the chosen class has no voxel the other is used.
 *
 * <p>{@link #apply(Sample, Generator)} gives one crop; {@link #samples} gives {@link #numSamples} crops
 * of the same sample (MONAI's list output).
 */
public final class RandCropByPosNegLabel implements Transform {
    private static final Logger LOG = LoggerFactory.getLogger(RandCropByPosNegLabel.class);

    private final int[] size;
    private double pos = 1;
    private double neg = 1;
    private int numSamples = 1;
    private String labelKey = Sample.LABEL;
    private String imageKey;
    private double imageThreshold;

    /** @param size crop size in voxels, index order (one per spatial axis, or one for all) */
    public RandCropByPosNegLabel(int... size) {
        for (int s : size) {
            if (s < 1) {
                throw new IllegalArgumentException("RandCropByPosNegLabel: size must be positive, got " + Arrays.toString(size));
            }
        }
        this.size = size.clone();
    }

    /** Relative weight of crops centred on foreground (default 1). */
    public RandCropByPosNegLabel pos(double weight) {
        this.pos = weight;
        return checkRatio();
    }

    /** Relative weight of crops centred on background (default 1). */
    public RandCropByPosNegLabel neg(double weight) {
        this.neg = weight;
        return checkRatio();
    }

    /** Crops returned by {@link #samples} (default 1). */
    public RandCropByPosNegLabel numSamples(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("RandCropByPosNegLabel: numSamples must be >= 1, got " + n);
        }
        this.numSamples = n;
        return this;
    }

    /** The label entry (default {@value Sample#LABEL}). */
    public RandCropByPosNegLabel labelKey(String key) {
        this.labelKey = key;
        return this;
    }

    /** An image entry that limits background centres to voxels above {@link #imageThreshold} (default none). */
    public RandCropByPosNegLabel imageKey(String key) {
        this.imageKey = key;
        return this;
    }

    /** See {@link #imageKey} (default 0). */
    public RandCropByPosNegLabel imageThreshold(double threshold) {
        this.imageThreshold = threshold;
        return this;
    }

    private RandCropByPosNegLabel checkRatio() {
        if (!(pos >= 0) || !(neg >= 0) || !(pos + neg > 0) || Double.isInfinite(pos + neg)) {
            throw new IllegalArgumentException("RandCropByPosNegLabel: pos and neg must be finite, >= 0 and not both 0, got pos="
                    + pos + ", neg=" + neg);
        }
        return this;
    }

    /** One crop. */
    @Override
    public Sample apply(Sample sample, Generator generator) {
        return draw(sample, generator, 1).get(0);
    }

    /** {@link #numSamples} crops of {@code sample}, each with its own centre. */
    public List<Sample> samples(Sample sample, Generator generator) {
        return draw(sample, generator, numSamples);
    }

    private List<Sample> draw(Sample sample, Generator generator, int count) {
        MedicalImage label = sample.get(labelKey);
        if (sample.kind(labelKey) != Sample.Kind.LABEL) {
            throw new IllegalArgumentException("RandCropByPosNegLabel: entry '" + labelKey + "' is not a label (Kind.LABEL)");
        }
        int[] n = Grids.spatialSize(label);
        int[] sz = Grids.perAxis("RandCropByPosNegLabel", "size", size, n.length);
        int[][] classes = foregroundBackground(label, imageKey == null ? null : sample.get(imageKey));
        List<Sample> out = new ArrayList<>(count);
        for (int s = 0; s < count; s++) {
            boolean wantPos = generator.nextDouble() < pos / (pos + neg);
            int[] pool = classes[wantPos ? 0 : 1];
            if (pool.length == 0) {
                LOG.debug("RandCropByPosNegLabel: no {} voxel, using the other class", wantPos ? "foreground" : "background");
                pool = classes[wantPos ? 1 : 0];
            }
            int[] start;
            if (pool.length == 0) {
                start = CropOrPad.centerStart(n, sz);
                LOG.warn("RandCropByPosNegLabel: neither foreground nor background voxels; centred crop");
            } else {
                int v = pool[generator.nextInt(pool.length)];
                int[] centre = {v % n[0], (v / n[0]) % n[1], n.length == 3 ? v / (n[0] * n[1]) : 0};
                start = new int[n.length];
                for (int a = 0; a < n.length; a++) {
                    start[a] = n[a] >= sz[a] ? Math.min(Math.max(centre[a] - sz[a] / 2, 0), n[a] - sz[a])
                            : -((sz[a] - n[a]) / 2);
                }
            }
            out.add(CropOrPad.crop(sample, start, sz, 0));
        }
        return out;
    }

    /** Voxel indices (within one channel) of foreground and of allowed background. */
    private int[][] foregroundBackground(MedicalImage label, MedicalImage image) {
        int voxels = label.size()[0] * label.size()[1] * label.size()[2];
        double[] l = label.data().toDoubleArray();
        double[] im = image == null ? null : image.data().toDoubleArray();
        int[] fg = new int[voxels];
        int[] bg = new int[voxels];
        int nf = 0;
        int nb = 0;
        for (int v = 0; v < voxels; v++) {
            boolean f = false;
            for (int c = 0; c < label.channels() && !f; c++) {
                f = l[c * voxels + v] != 0;
            }
            if (f) {
                fg[nf++] = v;
                continue;
            }
            boolean allowed = im == null;
            for (int c = 0; im != null && c < image.channels() && !allowed; c++) {
                allowed = im[c * voxels + v] > imageThreshold;
            }
            if (allowed) {
                bg[nb++] = v;
            }
        }
        return new int[][] {Arrays.copyOf(fg, nf), Arrays.copyOf(bg, nb)};
    }
}
