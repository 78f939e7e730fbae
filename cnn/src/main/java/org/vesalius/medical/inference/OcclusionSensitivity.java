package org.vesalius.medical.inference;

import java.util.Arrays;
import java.util.function.Function;
import org.vesalius.autograd.NoGrad;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/**
 * Occlusion sensitivity (Zeiler and Fergus, 2014), as MONAI's {@code OcclusionSensitivity}: a patch of
 * the image is replaced by a fill value, slid over the image, and the drop in the target class's score
 * is recorded; regions the decision relies on show large drops. Model-agnostic: it needs only the
 * model's outputs, no gradients.
 */
public final class OcclusionSensitivity {
    private final int[] patch;
    private final int[] stride;
    private double fill;
    private int batchSize = 16;

    /**
     * @param patch  occluder size per spatial axis
     * @param stride step between occluder positions per spatial axis
     */
    public OcclusionSensitivity(int[] patch, int[] stride) {
        if (patch.length == 0 || patch.length != stride.length) {
            throw new IllegalArgumentException("OcclusionSensitivity: patch " + Arrays.toString(patch) + " and stride "
                    + Arrays.toString(stride) + " must give one size per spatial axis");
        }
        for (int i = 0; i < patch.length; i++) {
            if (patch[i] < 1 || stride[i] < 1) {
                throw new IllegalArgumentException("OcclusionSensitivity: patch and stride must be >= 1, got "
                        + Arrays.toString(patch) + " and " + Arrays.toString(stride));
            }
        }
        this.patch = patch.clone();
        this.stride = stride.clone();
    }

    /** Value written into the occluded patch (default 0: the background of a normalised image). */
    public OcclusionSensitivity fill(double value) {
        this.fill = value;
        return this;
    }

    /** Occluded copies the model sees at once (default 16). */
    public OcclusionSensitivity batchSize(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("OcclusionSensitivity: batchSize must be >= 1, got " + n);
        }
        this.batchSize = n;
        return this;
    }

    /**
     * The sensitivity map of one image.
     *
     * @param model       maps {@code [B, C, *spatial]} to class scores {@code [B, classes]}
     * @param image       {@code [1, C, *spatial]}
     * @param targetClass the class whose score is watched
     * @return {@code [*spatial]} float32: at each voxel, the mean over the occluder positions covering it of
     *         (score of the intact image - score with the occluder); 0 where no position covers it
     */
    public Tensor compute(Function<Tensor, Tensor> model, Tensor image, int targetClass) {
        int k = patch.length;
        if (image.dim() != k + 2 || image.size(0) != 1) {
            throw new IllegalArgumentException("OcclusionSensitivity: image must be [1, C, " + k + " spatial axes], got "
                    + Arrays.toString(image.shape()));
        }
        int[] spatial = Arrays.copyOfRange(image.shape(), 2, image.dim());
        for (int d = 0; d < k; d++) {
            if (patch[d] > spatial[d]) {
                throw new IllegalArgumentException("OcclusionSensitivity: patch " + Arrays.toString(patch)
                        + " is larger than the image " + Arrays.toString(spatial));
            }
        }
        int[][] starts = new int[k][];
        int positions = 1;
        for (int d = 0; d < k; d++) {
            int count = (spatial[d] - patch[d]) / stride[d] + 1;
            starts[d] = new int[count];
            for (int i = 0; i < count; i++) {
                starts[d][i] = i * stride[d];
            }
            positions *= count;
        }
        int numel = 1;
        for (int s : spatial) {
            numel *= s;
        }
        double[] sum = new double[numel];
        int[] hits = new int[numel];
        try (Scope run = Scope.open(); NoGrad ng = NoGrad.open()) {
            double baseline = score(model.apply(image), targetClass, 0);
            int[][] pos = new int[positions][];
            for (int p = 0; p < positions; p++) {
                int rest = p;
                pos[p] = new int[k];
                for (int d = k - 1; d >= 0; d--) {
                    pos[p][d] = starts[d][rest % starts[d].length];
                    rest /= starts[d].length;
                }
            }
            for (int from = 0; from < positions; from += batchSize) {
                int to = Math.min(from + batchSize, positions);
                try (Scope step = Scope.open()) {
                    Tensor batch = image.expand(withFirst(to - from, image.shape())).clone();
                    for (int p = from; p < to; p++) {
                        Tensor v = batch.narrow(0, p - from, 1);
                        for (int d = 0; d < k; d++) {
                            v = v.narrow(d + 2, pos[p][d], patch[d]);
                        }
                        v.fill_(fill);
                    }
                    Tensor scores = model.apply(batch);
                    for (int p = from; p < to; p++) {
                        double drop = baseline - score(scores, targetClass, p - from);
                        accumulate(sum, hits, spatial, pos[p], drop);
                    }
                }
            }
        }
        for (int i = 0; i < numel; i++) {
            sum[i] = hits[i] == 0 ? 0 : sum[i] / hits[i];
        }
        return Tensor.of(sum, spatial).toFloat();
    }

    private static double score(Tensor scores, int targetClass, int row) {
        if (scores.dim() != 2 || targetClass < 0 || targetClass >= scores.size(1)) {
            throw new IllegalArgumentException("OcclusionSensitivity: the model must return scores [B, classes] with class "
                    + targetClass + " among them, got " + Arrays.toString(scores.shape()));
        }
        return scores.select(0, row).select(0, targetClass).item();
    }

    private void accumulate(double[] sum, int[] hits, int[] spatial, int[] start, double drop) {
        int k = spatial.length;
        int[] idx = new int[k];
        while (true) {
            int flat = 0;
            for (int d = 0; d < k; d++) {
                flat = flat * spatial[d] + start[d] + idx[d];
            }
            sum[flat] += drop;
            hits[flat]++;
            int d = k - 1;
            while (d >= 0 && ++idx[d] == patch[d]) {
                idx[d] = 0;
                d--;
            }
            if (d < 0) {
                return;
            }
        }
    }

    private static int[] withFirst(int n, int[] shape) {
        int[] s = shape.clone();
        s[0] = n;
        return s;
    }
}
