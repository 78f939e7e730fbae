package org.vesalius.medical.transforms;

import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vesalius.medical.MedicalImage;
import org.vesalius.tensor.Generator;

/**
 * Crops every entry to the bounding box of the foreground of one entry, widened by a margin, as MONAI's
 * {@code CropForeground}: foreground is where any channel of the source entry exceeds the threshold
 * (default: the first entry, values > 0). The box is clipped to the image. When nothing is foreground
 * the sample is returned unchanged and a warning logged.
 */
public final class CropForeground implements Transform {
    private static final Logger LOG = LoggerFactory.getLogger(CropForeground.class);

    private String source;
    private double threshold;
    private int[] margin = {0};

    public CropForeground() {
    }

    /** The entry whose foreground defines the box (default: the sample's first entry). */
    public CropForeground source(String key) {
        this.source = key;
        return this;
    }

    /** Foreground is {@code value > threshold} (default 0). */
    public CropForeground threshold(double threshold) {
        this.threshold = threshold;
        return this;
    }

    /** Voxels added around the box on each side: one per spatial axis, or one for all (default 0). */
    public CropForeground margin(int... voxels) {
        for (int m : voxels) {
            if (m < 0) {
                throw new IllegalArgumentException("CropForeground: margin must be >= 0, got " + Arrays.toString(voxels));
            }
        }
        this.margin = voxels.clone();
        return this;
    }

    @Override
    public Sample apply(Sample sample, Generator generator) {
        MedicalImage src = source == null ? sample.reference("CropForeground") : sample.get(source);
        int dims = src.spatialDims();
        int[] pad = Grids.perAxis("CropForeground", "margin", margin, dims);
        int[] box = boundingBox(src, threshold);
        if (box == null) {
            LOG.warn("CropForeground: no voxel of {} exceeds {}; sample left uncropped", src, threshold);
            return sample;
        }
        int[] n = src.size();
        int[] start = new int[dims];
        int[] size = new int[dims];
        for (int a = 0; a < dims; a++) {
            start[a] = Math.max(box[a] - pad[a], 0);
            size[a] = Math.min(box[3 + a] + pad[a], n[a] - 1) - start[a] + 1;
        }
        return CropOrPad.crop(sample, start, size, 0);
    }

    /** {min i, min j, min k, max i, max j, max k} of voxels above threshold in any channel, or null. */
    static int[] boundingBox(MedicalImage img, double threshold) {
        int[] n = img.size();
        int voxels = n[0] * n[1] * n[2];
        double[] v = img.data().toDoubleArray();
        int[] box = {Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, -1, -1, -1};
        for (int idx = 0; idx < v.length; idx++) {
            if (v[idx] > threshold) {
                int p = idx % voxels;
                int i = p % n[0];
                int j = (p / n[0]) % n[1];
                int k = p / (n[0] * n[1]);
                box[0] = Math.min(box[0], i);
                box[1] = Math.min(box[1], j);
                box[2] = Math.min(box[2], k);
                box[3] = Math.max(box[3], i);
                box[4] = Math.max(box[4], j);
                box[5] = Math.max(box[5], k);
            }
        }
        return box[3] < 0 ? null : box;
    }
}
