package org.vesalius.medical.data;

import java.util.Arrays;
import org.vesalius.data.DataLoader;
import org.vesalius.data.Dataset;
import org.vesalius.medical.MedicalImage;
import org.vesalius.medical.transforms.Sample;
import org.vesalius.medical.transforms.Transform;
import org.vesalius.tensor.Tensor;

/**
 * The 2-D slices of a 3-D sample (image, label, ...) along one index axis as a {@link Dataset} for a
 * {@link DataLoader}: sample n is {@code {image [C, H, W], label [C', H, W], ...}}, the entries in the
 * sample's key order (or those of {@link #keys}), after an optional {@link Transform} applied to the
 * 2-D slice sample with {@link DataLoader#generator()} (seeded per batch inside a loader).
 * <pre>{@code
 * Sample brain = Sample.of(t1, mask);                                   // [1, Z, Y, X] each
 * var train = new SliceDataset(brain, 2, trainSlices).transform(new Compose(new RandFlip(0.5), new RandAffine(0.5).rotate(0.2)));
 * var loader = DataLoader.of(train, 8).shuffle(true).seed(1).numWorkers(2);
 * for (Tensor[] batch : loader) { ... batch[0]: [8, 1, Y, X] image, batch[1]: [8, 1, Y, X] int64 mask ... }
 * }</pre>
 * {@link #sample(int)} gives the same slice with its geometry, for results in millimetres.
 */
public final class SliceDataset implements Dataset<Tensor[]> {
    private final Sample volume;
    private final int axis;
    private final int[] slices;
    private Transform transform;
    private String[] keys;

    /**
     * @param volume a sample of 3-D images
     * @param axis   index axis across which to slice: 2 = k (axial planes of an axial volume), 1 = j, 0 = i
     * @param slices the slice indices, in dataset order (none: every slice)
     */
    public SliceDataset(Sample volume, int axis, int... slices) {
        MedicalImage ref = volume.images().values().stream().findFirst()
                .orElseThrow(() -> new IllegalArgumentException("SliceDataset: the sample has no entries"));
        if (ref.spatialDims() != 3) {
            throw new IllegalArgumentException("SliceDataset: needs a sample of 3-D images, got " + ref);
        }
        if (axis < 0 || axis > 2) {
            throw new IllegalArgumentException("SliceDataset: axis must be 0 (i), 1 (j) or 2 (k), got " + axis);
        }
        int n = ref.size()[axis];
        int[] s = slices.length == 0 ? java.util.stream.IntStream.range(0, n).toArray() : slices.clone();
        for (int i : s) {
            if (i < 0 || i >= n) {
                throw new IllegalArgumentException("SliceDataset: slice " + i + " is outside [0, " + n + ") along axis " + axis);
            }
        }
        this.volume = volume;
        this.axis = axis;
        this.slices = s;
        this.keys = SampleTensors.keys("SliceDataset", volume, new String[0]);
    }

    /** A transform applied to each 2-D slice sample as it is read (default none). */
    public SliceDataset transform(Transform t) {
        this.transform = t;
        return this;
    }

    /** The entries returned by {@link #get}, in this order (default: all, in the sample's order). */
    public SliceDataset keys(String... keys) {
        this.keys = SampleTensors.keys("SliceDataset", volume, keys);
        return this;
    }

    @Override
    public int size() {
        return slices.length;
    }

    /** The volume's slice index of sample {@code index}. */
    public int sliceIndex(int index) {
        return slices[Dataset.checkIndex(index, slices.length)];
    }

    /** Sample {@code index} as a 2-D sample with geometry (transformed, if a transform is set). */
    public Sample sample(int index) {
        Sample plane = plane(sliceIndex(index));
        return transform == null ? plane : transform.apply(plane, DataLoader.generator());
    }

    @Override
    public Tensor[] get(int index) {
        Sample plane = plane(sliceIndex(index));
        Sample out = transform == null ? plane : transform.apply(plane, DataLoader.generator());
        return SampleTensors.of(out, plane, volume, keys);
    }

    private Sample plane(int k) {
        Sample s = Sample.empty();
        for (String key : volume.keys()) {
            s = s.with(key, volume.get(key).slice(axis, k), volume.kind(key));
        }
        return s;
    }

    @Override
    public String toString() {
        return "SliceDataset(axis=" + axis + ", slices=" + slices.length + ", keys=" + Arrays.toString(keys) + ")";
    }
}
