package org.vesalius.medical.transforms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.vesalius.medical.MedicalImage;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;

/** One random draw moves an image and its label together; labels stay class ids; seeds reproduce. */
class PairedTest {
    private static final int[] SIZE_3D = {26, 22, 18};
    private static final int[] SIZE_2D = {48, 40};

    private static Map<String, Transform> randomPipelines(int dims) {
        Map<String, Transform> m = new LinkedHashMap<>();
        m.put("affine", new RandAffine(1).rotate(0.5).scale(0.15).shear(0.08).translate(3));
        m.put("rotate", new RandRotate(1, 0.6));
        m.put("zoom", new RandZoom(1, 0.8, 1.3));
        m.put("elastic", new RandElastic(1, 3, 4, dims == 3 ? 40 : 10, dims == 3 ? 60 : 15));
        m.put("flips+quarter turns", new Compose(new RandFlip(0.5), new RandRotate90(0.75)));
        m.put("spacing", dims == 3 ? new Spacing(0.9, 1.3, 1.7) : new Spacing(0.9, 1.3));
        m.put("orientation", new Orientation(dims == 3 ? "PIL" : "LP"));
        m.put("everything", new Compose(new RandFlip(0.5), new RandAffine(0.8).rotate(0.3).scale(0.1),
                new RandElastic(0.5, 3, 4, dims == 3 ? 40 : 10, dims == 3 ? 60 : 15), new RandGamma(0.5, 0.8, 1.2),
                new RandContrast(0.5, 0.9, 1.1)));
        return m;
    }

    @Test
    void imageAndLabelStayAlignedAndLabelsStayClassIds3d() {
        checkAlignment(SIZE_3D, TestImages.SPACING_3D);
    }

    @Test
    void imageAndLabelStayAlignedAndLabelsStayClassIds2d() {
        checkAlignment(SIZE_2D, new double[] {1.2, 0.8, 1});
    }

    private static void checkAlignment(int[] size, double[] spacing) {
        Sample in = TestImages.blobs(size, spacing);
        TreeSet<Long> classes = labelSet(in.label());
        assertEquals(List.of(0L, 1L, 2L, 3L), new ArrayList<>(classes));
        for (Map.Entry<String, Transform> e : randomPipelines(size.length).entrySet()) {
            for (long seed = 0; seed < 4; seed++) {
                String what = e.getKey() + " seed " + seed;
                Sample out = e.getValue().apply(in, new Generator(seed));
                assertEquals(DType.INT64, out.label().data().dtype(), what);
                assertEquals(classes, labelSet(out.label()), what + ": the set of labels is unchanged");
                assertArrayEquals(out.image().affine()[0], out.label().affine()[0], 1e-12, what);
                assertArrayEquals(out.image().size(), out.label().size(), what);
                boolean intensity = e.getKey().equals("everything");
                int bad = misaligned(out.image(), out.label(), intensity);
                assertEquals(0, bad, what + ": voxels where image != 100 * label away from a label boundary");
                int near = nearBoundary(out.image(), out.label());
                assertTrue(near < 0.2 * out.label().data().numel(), what + ": " + near + " voxels disagree near boundaries");
            }
        }
    }

    private static TreeSet<Long> labelSet(MedicalImage label) {
        TreeSet<Long> s = new TreeSet<>();
        for (long v : label.data().toLongArray()) {
            s.add(v);
        }
        return s;
    }

    /**
     * Voxels whose image value disagrees with 100 * label although the label is constant within 2 voxels
     * (linear and nearest interpolation agree wherever all interpolation corners share one label; the
     * corners lie within about 1.7 output voxels for these mild zooms, so disagreement is allowed only
     * in that band around a boundary). With intensity changes in the pipeline,
     * "agree" means the image is above 50 exactly where the label is foreground, and ordered like the labels.
     */
    private static int misaligned(MedicalImage image, MedicalImage label, boolean intensity) {
        int[] n = label.size();
        double[] im = image.data().toDoubleArray();
        long[] lab = label.data().toLongArray();
        double[] byClass = new double[4];
        int bad = 0;
        for (int k = 0; k < n[2]; k++) {
            for (int j = 0; j < n[1]; j++) {
                for (int i = 0; i < n[0]; i++) {
                    int v = (k * n[1] + j) * n[0] + i;
                    if (!uniform(lab, n, i, j, k)) {
                        continue;
                    }
                    if (intensity) {
                        byClass[(int) lab[v]] = im[v];
                        bad += (im[v] > 50) != (lab[v] > 0) ? 1 : 0;
                    } else {
                        bad += Math.abs(im[v] - 100 * lab[v]) > 1e-3 ? 1 : 0;
                    }
                }
            }
        }
        return bad;
    }

    /** Voxels whose image value differs from 100 * label by more than half a class step. */
    private static int nearBoundary(MedicalImage image, MedicalImage label) {
        double[] im = image.data().toDoubleArray();
        long[] lab = label.data().toLongArray();
        int n = 0;
        for (int v = 0; v < lab.length; v++) {
            n += Math.abs(im[v] - 100 * lab[v]) > 50 ? 1 : 0;
        }
        return n;
    }

    private static boolean uniform(long[] lab, int[] n, int i, int j, int k) {
        long c = lab[(k * n[1] + j) * n[0] + i];
        int r = 2;
        for (int dk = n[2] > 1 ? -r : 0; dk <= (n[2] > 1 ? r : 0); dk++) {
            for (int dj = -r; dj <= r; dj++) {
                for (int di = -r; di <= r; di++) {
                    int a = i + di;
                    int b = j + dj;
                    int d = k + dk;
                    if (a < 0 || b < 0 || d < 0 || a >= n[0] || b >= n[1] || d >= n[2]) {
                        continue;
                    }
                    if (lab[(d * n[1] + b) * n[0] + a] != c) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /** Smoothing uniform noise (variance 1/3) by a normalised Gaussian divides its variance by (2 sqrt(pi) sigma)^dims. */
    @Test
    void elasticDisplacementHasTheExpectedSize() {
        MedicalImage ref = MedicalImage.of(Tensor.zeros(1, 120, 120));
        ResamplingTransform.Plan plan = new RandElastic(1, 4, 4, 100, 100).plan(ref, new Generator(5));
        double expected = 100 * Math.sqrt(1.0 / 3) / (2 * Math.sqrt(Math.PI) * 4);
        for (int a = 0; a < 2; a++) {
            double ss = 0;
            int count = 0;
            for (int j = 20; j < 100; j++) {
                for (int i = 20; i < 100; i++) {
                    double d = plan.displacement[a][j * 120 + i];
                    ss += d * d;
                    count++;
                }
            }
            assertEquals(expected, Math.sqrt(ss / count), 0.2 * expected, "axis " + a);
        }
        assertEquals(null, plan.displacement[2], "2-D: no displacement along k");
        assertSame(null, new RandElastic(0, 4, 4, 100, 100).plan(ref, new Generator(5)));
    }

    @Test
    void theSameSeedGivesTheSameSampleAndOthersDiffer() {
        Sample in = TestImages.blobs(SIZE_3D, TestImages.SPACING_3D);
        Transform t = new Compose(new RandFlip(0.5), new RandRotate90(0.5), new RandAffine(0.9).rotate(0.3).translate(2),
                new RandElastic(0.9, 3, 4, 80, 100), new RandGaussianNoise(0.9, 0, 5), new RandRicianNoise(0.9, 0, 3),
                new RandCropByPosNegLabel(12, 10, 8));
        Sample a = t.apply(in, new Generator(42));
        Sample b = t.apply(in, new Generator(42));
        assertTrue(a.image().data().equal(b.image().data()));
        assertTrue(a.label().data().equal(b.label().data()));
        assertArrayEquals(a.image().affine()[1], b.image().affine()[1], 0);
        int differ = 0;
        for (long seed = 43; seed < 46; seed++) {
            Sample c = t.apply(in, new Generator(seed));
            differ += c.image().data().equal(a.image().data()) ? 0 : 1;
        }
        assertEquals(3, differ);
        Generator g = new Generator(7);
        Sample first = t.apply(in, g);
        Sample second = t.apply(in, g);
        assertFalse(first.image().data().equal(second.image().data()), "one generator, two draws");
    }

    @Test
    void cropsBalanceForegroundAndBackground() {
        Sample in = TestImages.blobs(SIZE_3D, TestImages.SPACING_3D);
        RandCropByPosNegLabel crop = new RandCropByPosNegLabel(5, 5, 3).pos(3).neg(1).numSamples(400);
        List<Sample> crops = crop.samples(in, new Generator(11));
        assertEquals(400, crops.size());
        int fg = 0;
        for (Sample s : crops) {
            assertArrayEquals(new int[] {5, 5, 3}, s.label().size());
            assertArrayEquals(s.image().affine()[2], s.label().affine()[2], 0);
            // a crop's centre voxel (2, 2, 1) is the drawn voxel unless the box had to move inside the image
            long centre = s.label().data().toLongArray()[(1 * 5 + 2) * 5 + 2];
            fg += centre > 0 ? 1 : 0;
            MedicalImage img = s.image();
            double[] world = img.indexToWorld(2, 2, 1);
            double[] q = in.image().worldToIndex(world);
            for (double x : q) {
                assertEquals(Math.rint(x), x, 1e-9, "a crop is on the input's voxel grid");
            }
            long original = in.label().data().toLongArray()[(int) ((Math.rint(q[2]) * SIZE_3D[1] + Math.rint(q[1])) * SIZE_3D[0]
                    + Math.rint(q[0]))];
            assertEquals(original, centre, "the crop's voxel shows the same anatomy");
        }
        assertEquals(0.75, fg / 400.0, 0.07);
        // background restricted to the body: the image has a body (value 1) around the label, air 0 outside
        Tensor body = in.image().data().add(1);
        body.narrow(3, 0, 3).zero_();
        Sample withBody = Sample.of(in.image().withData(body), in.label());
        List<Sample> negs = new RandCropByPosNegLabel(1, 1, 1).pos(0).neg(1).imageKey(Sample.IMAGE).imageThreshold(0.5)
                .numSamples(200).samples(withBody, new Generator(12));
        for (Sample s : negs) {
            assertEquals(0, s.label().data().toLongArray()[0]);
            assertEquals(1.0, s.image().data().item(), 0, "negative centres lie in the body");
        }
    }

    @Test
    void randomCropsStayInsideAndPadSmallImages() {
        Sample in = TestImages.blobs(SIZE_2D, new double[] {1.2, 0.8, 1});
        for (long seed = 0; seed < 20; seed++) {
            Sample out = new RandSpatialCrop(10, 50).apply(in, new Generator(seed));
            assertArrayEquals(new int[] {10, 50, 1}, out.image().size());
            double[] q = in.image().worldToIndex(out.image().indexToWorld(0, 0));
            assertTrue(q[0] >= -1e-9 && q[0] <= SIZE_2D[0] - 10 + 1e-9, "inside along i: " + q[0]);
            assertEquals(-5, q[1], 1e-9, "centred and padded along j");
        }
    }

    @Test
    void intensityTransformsLeaveLabelsAlone() {
        Sample in = TestImages.blobs(SIZE_2D, new double[] {1.2, 0.8, 1});
        for (Transform t : new Transform[] {ScaleIntensityRange.window(50, 100), new NormalizeIntensity().nonzero(true),
            new RandGamma(1), new RandContrast(1), new RandGaussianNoise(1, 0, 1), new RandRicianNoise(1, 0, 1),
            new ScaleIntensityRangePercentiles(1, 99, 0, 1, true)}) {
            Sample out = t.apply(in, new Generator(1));
            assertSame(in.label(), out.label(), t.getClass().getSimpleName());
            assertNotEquals(in.image(), out.image());
        }
    }

    @Test
    void composeClosesIntermediatesOnly() {
        Sample in = TestImages.blobs(SIZE_2D, new double[] {1.2, 0.8, 1});
        List<Sample> seen = new ArrayList<>();
        Transform spy = (s, g) -> {
            seen.add(s);
            return s;
        };
        Sample out = new Compose(new Flip(0), spy, ScaleIntensityRange.window(100, 200), spy, new Flip(0)).apply(in);
        Sample afterFirstFlip = seen.get(0);
        assertTrue(afterFirstFlip.image().data().isClosed());
        assertTrue(afterFirstFlip.label().data().isClosed());
        Sample afterWindow = seen.get(1);
        assertTrue(afterWindow.image().data().isClosed());
        assertFalse(in.image().data().isClosed());
        assertFalse(in.label().data().isClosed());
        assertFalse(out.image().data().isClosed());
        assertFalse(out.label().data().isClosed());
        assertTrue(out.label().data().equal(in.label().data()), "flipped twice");
        // the window passed the intermediate label through; it was closed once, and the final flip made its own
        Sample passThrough = new Compose(ScaleIntensityRange.window(100, 200), new RandGamma(1)).apply(in);
        assertSame(in.label(), passThrough.label());
        assertFalse(in.label().data().isClosed());
    }

    @Test
    void extraEntriesFollowTheirKind() {
        Sample in = TestImages.blobs(SIZE_2D, new double[] {1.2, 0.8, 1});
        MedicalImage prob = in.image().withData(in.image().data().div(300));
        MedicalImage second = in.image().withData(in.image().data().mul(2));
        Sample three = in.with("prob", prob, Sample.Kind.IMAGE).with("t2", second, Sample.Kind.IMAGE);
        Sample out = new RandAffine(1).rotate(0.4).mode("prob", Interpolation.NEAREST).apply(three, new Generator(2));
        assertEquals(List.of("image", "label", "prob", "t2"), new ArrayList<>(out.keys()));
        double[] p = out.get("prob").data().toDoubleArray();
        long[] l = out.label().data().toLongArray();
        for (int v = 0; v < p.length; v++) {
            assertEquals(l[v] / 3.0, p[v], 1e-6, "nearest on 'prob' picks the label's voxel");
        }
        assertTrue(out.get("t2").data().allclose(out.image().data().mul(2), 1e-5, 1e-4), "same draw for every entry");
    }
}
