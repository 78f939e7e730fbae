package org.vesalius.medical.data;

import java.util.List;
import org.vesalius.data.DataLoader;
import org.vesalius.data.Dataset;
import org.vesalius.medical.transforms.Sample;
import org.vesalius.medical.transforms.Transform;
import org.vesalius.tensor.Tensor;

/**
 * Random patches of volumes as a {@link Dataset} for a {@link DataLoader}, MONAI's patch-based
 * training: sample n is a fresh draw of {@code sampler} (typically a {@link
 * org.vesalius.medical.transforms.RandCropByPosNegLabel} followed by augmentations) on volume
 * {@code n / patchesPerVolume}, returned as {@code {image, label, ...}} tensors in key order. Draws come
 * from {@link DataLoader#generator()}, so a loader with a seed gives the same patches for any number of
 * workers, and new ones each epoch.
 * <pre>{@code
 * Transform sampler = new Compose(new RandCropByPosNegLabel(64, 64, 32).pos(1).neg(1), new RandFlip(0.5));
 * var patches = new PatchDataset(List.of(Sample.of(ct, mask)), 100, sampler);
 * for (Tensor[] batch : DataLoader.of(patches, 4).shuffle(true).seed(3)) { ... [4, 1, 32, 64, 64] ... }
 * }</pre>
 */
public final class PatchDataset implements Dataset<Tensor[]> {
    private final List<Sample> volumes;
    private final int patchesPerVolume;
    private final Transform sampler;
    private String[] keys;

    public PatchDataset(List<Sample> volumes, int patchesPerVolume, Transform sampler) {
        if (volumes == null || volumes.isEmpty()) {
            throw new IllegalArgumentException("PatchDataset: give at least one volume");
        }
        if (patchesPerVolume < 1) {
            throw new IllegalArgumentException("PatchDataset: patchesPerVolume must be >= 1, got " + patchesPerVolume);
        }
        if (sampler == null) {
            throw new IllegalArgumentException("PatchDataset: sampler is null (e.g. a RandCropByPosNegLabel)");
        }
        this.volumes = List.copyOf(volumes);
        this.patchesPerVolume = patchesPerVolume;
        this.sampler = sampler;
        this.keys = SampleTensors.keys("PatchDataset", this.volumes.get(0), new String[0]);
        for (Sample v : this.volumes) {
            SampleTensors.keys("PatchDataset", v, keys);
        }
    }

    /** The entries returned by {@link #get}, in this order (default: all of the first volume's). */
    public PatchDataset keys(String... keys) {
        for (Sample v : volumes) {
            this.keys = SampleTensors.keys("PatchDataset", v, keys);
        }
        return this;
    }

    @Override
    public int size() {
        return volumes.size() * patchesPerVolume;
    }

    /** Patch {@code index} as a sample with geometry (a new draw each call). */
    public Sample sample(int index) {
        return sampler.apply(volumes.get(Dataset.checkIndex(index, size()) / patchesPerVolume), DataLoader.generator());
    }

    @Override
    public Tensor[] get(int index) {
        Sample volume = volumes.get(Dataset.checkIndex(index, size()) / patchesPerVolume);
        Sample out = sampler.apply(volume, DataLoader.generator());
        return SampleTensors.of(out, volume, volume, keys);
    }
}
