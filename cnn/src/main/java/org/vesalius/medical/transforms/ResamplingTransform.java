package org.vesalius.medical.transforms;

import java.util.HashMap;
import java.util.Map;
import org.vesalius.medical.MedicalImage;
import org.vesalius.tensor.Generator;

/**
 * A transform that resamples every entry of a sample onto one new grid (through {@link Resampler}):
 * images linearly unless {@link #mode} says otherwise, labels always by nearest neighbour.
 */
public abstract class ResamplingTransform implements Transform {
    private Interpolation imageMode = Interpolation.LINEAR;
    private final Map<String, Interpolation> keyModes = new HashMap<>();
    private Padding padding;
    private double padValue;

    ResamplingTransform(Padding defaultPadding) {
        this.padding = defaultPadding;
    }

    /** Interpolation of image entries (default LINEAR). Labels are always resampled with NEAREST. */
    public ResamplingTransform mode(Interpolation mode) {
        if (mode == null) {
            throw new IllegalArgumentException(name() + ": mode must not be null");
        }
        this.imageMode = mode;
        return this;
    }

    /**
     * Interpolation of entry {@code key} (e.g. NEAREST for a probability map kept as an image). Asking
     * for LINEAR on a label entry is an error when the transform is applied.
     */
    public ResamplingTransform mode(String key, Interpolation mode) {
        if (key == null || mode == null) {
            throw new IllegalArgumentException(name() + ": key and mode must not be null");
        }
        keyModes.put(key, mode);
        return this;
    }

    /** What is read outside the input grid (each transform documents its default). */
    public ResamplingTransform padding(Padding padding) {
        if (padding == null) {
            throw new IllegalArgumentException(name() + ": padding must not be null");
        }
        this.padding = padding;
        return this;
    }

    /** Value of images outside the input under {@link Padding#ZEROS} (default 0; labels always get 0). */
    public ResamplingTransform padValue(double value) {
        this.padValue = value;
        return this;
    }

    /** The new grid for a sample whose entries share {@code reference}'s grid, or null to leave it as is. */
    abstract Plan plan(MedicalImage reference, Generator generator);

    /**
     * Output voxel counts (index order), the map from output index to input index, and an optional
     * displacement field in input voxels (see {@link Resampler}).
     */
    static final class Plan {
        final int[] size;
        final double[][] outToIn;
        final double[][] displacement;

        Plan(int[] size, double[][] outToIn, double[][] displacement) {
            this.size = size;
            this.outToIn = outToIn;
            this.displacement = displacement;
        }
    }

    @Override
    public final Sample apply(Sample sample, Generator generator) {
        MedicalImage reference = sample.reference(name());
        for (String key : sample.keys()) {
            modeFor(sample, key);
        }
        Plan plan = plan(reference, generator);
        if (plan == null) {
            return sample;
        }
        return sample.map((key, kind, image) -> Resampler.resample(image, plan.size, plan.outToIn, plan.displacement,
                modeFor(sample, key), padding, kind == Sample.Kind.LABEL ? 0 : padValue));
    }

    private Interpolation modeFor(Sample sample, String key) {
        Interpolation m = keyModes.get(key);
        if (sample.kind(key) == Sample.Kind.LABEL) {
            if (m == Interpolation.LINEAR) {
                throw new IllegalArgumentException(name() + ": label '" + key + "' must be resampled with NEAREST "
                        + "(LINEAR would blend class ids into values that are no class); add it as Kind.IMAGE if it is "
                        + "a soft mask");
            }
            return Interpolation.NEAREST;
        }
        return m != null ? m : imageMode;
    }

    String name() {
        return getClass().getSimpleName();
    }
}
