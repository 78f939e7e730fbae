package org.vesalius.medical.transforms;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.vesalius.medical.MedicalImage;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;

/** Bad arguments get an IllegalArgumentException that names what was wrong and what is accepted. */
class TransformErrorsTest {
    private static void fails(Executable e, String... fragments) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        for (String f : fragments) {
            assertTrue(ex.getMessage().contains(f), "message '" + ex.getMessage() + "' should mention '" + f + "'");
        }
    }

    private static final Sample SAMPLE_3D = TestImages.blobs(new int[] {8, 7, 6}, TestImages.SPACING_3D);
    private static final Sample SAMPLE_2D = TestImages.blobs(new int[] {8, 7}, new double[] {1, 1, 1});

    @Test
    void spacingMustBePositiveAndMatchTheRank() {
        fails(() -> new Spacing(0), "positive", "[0.0]");
        fails(() -> new Spacing(1, -2, 1), "positive");
        fails(() -> new Spacing(1, Double.NaN), "positive");
        fails(() -> new Spacing(1, 1).apply(SAMPLE_3D), "needs 3 values", "3-D");
        fails(() -> new Spacing(1, 1, 1).apply(SAMPLE_2D), "needs 2 values", "2-D");
        fails(() -> new Spacing(1, 1, 1, 1), "1, 2 or 3");
    }

    @Test
    void wrongRank() {
        fails(() -> new Orientation("RAS").apply(SAMPLE_2D), "2-D image needs 2 axis codes");
        fails(() -> new Orientation("RS").apply(SAMPLE_3D), "3-D image needs 3 axis codes");
        fails(() -> new Flip(2).apply(SAMPLE_2D), "axis 2", "2-D image");
        fails(() -> new Rotate90(1, 0, 2).apply(SAMPLE_2D), "axis 2");
        fails(() -> Affine.rotation(0.1, 0.2).apply(SAMPLE_3D), "rotate needs 3 values");
        fails(() -> Affine.rotation(0.1, 0.2, 0.3).apply(SAMPLE_2D), "rotate needs 1 values");
        fails(() -> new Affine().shear(0.1, 0.2, 0.3).apply(SAMPLE_3D), "shear needs 6 values");
        fails(() -> CropOrPad.center(4, 4).apply(SAMPLE_3D), "size needs 3 values");
        fails(() -> new MedicalImage(Tensor.zeros(5, 5), new double[] {1, 1, 1}, new double[3],
                org.vesalius.medical.Affines.identity3(), java.util.Map.of()), "[C, Y, X] or [C, Z, Y, X]");
        fails(() -> SAMPLE_3D.with("other", SAMPLE_2D.image(), Sample.Kind.IMAGE), "share one voxel grid");
    }

    @Test
    void labelsAreNeverInterpolatedLinearly() {
        fails(() -> new Spacing(1, 1, 1).mode(Sample.LABEL, Interpolation.LINEAR).apply(SAMPLE_3D),
                "label 'label' must be resampled with NEAREST");
        fails(() -> new RandAffine(0).rotate(0.1).mode(Sample.LABEL, Interpolation.LINEAR).apply(SAMPLE_3D, new Generator(0)),
                "NEAREST");
        MedicalImage soft = SAMPLE_3D.image().withData(SAMPLE_3D.image().data().div(7));
        fails(() -> Sample.of(SAMPLE_3D.image(), soft), "label 'label' has a non-integer value", "Kind.IMAGE");
        // the same tensor as an image may be interpolated any way
        Sample ok = Sample.of(SAMPLE_3D.image()).with("soft", soft, Sample.Kind.IMAGE);
        assertFalse(new Spacing(1, 1, 1).mode("soft", Interpolation.LINEAR).apply(ok).get("soft").data().isClosed());
    }

    @Test
    void badGeometryAndKeys() {
        MedicalImage moved = SAMPLE_3D.label().withGeometry(SAMPLE_3D.label().spacing(), new double[] {0, 0, 0},
                SAMPLE_3D.label().direction());
        fails(() -> Sample.of(SAMPLE_3D.image(), moved), "affine", "Resampler.resampleTo");
        fails(() -> SAMPLE_3D.get("mask"), "no entry 'mask'", "[image, label]");
        fails(() -> new RandCropByPosNegLabel(2).apply(Sample.of(SAMPLE_3D.image())), "no entry 'label'");
        fails(() -> new RandCropByPosNegLabel(2).labelKey(Sample.IMAGE).apply(SAMPLE_3D), "is not a label");
        fails(() -> new Transform() {
            @Override
            public Sample apply(Sample s, Generator g) {
                return s;
            }
        }.andThen(null).apply(SAMPLE_3D), "step 1 is null");
        fails(() -> new Flip(0).apply(Sample.empty()), "no entries");
    }

    @Test
    void badParameters() {
        fails(() -> new Orientation("RAX"), "'X'", "R, L, A, P, S, I");
        fails(() -> new Orientation("RLS"), "same world axis twice");
        fails(() -> new Flip(0, 0), "listed twice");
        fails(() -> new Rotate90(1, 1, 1), "two different axes");
        fails(() -> new RandFlip(1.5), "probability", "[0, 1]");
        fails(() -> new RandAffine(0.5).scale(1.2), "scale range must be < 1");
        fails(() -> new RandAffine(0.5).rotate(-0.1), ">= 0");
        fails(() -> Affine.zoom(0), "positive");
        fails(() -> new Affine().shear(1, 1).apply(SAMPLE_2D), "singular");
        fails(() -> new RandZoom(1, 1.2, 1.1), "minZoom <= maxZoom");
        fails(() -> new RandElastic(1, 0, 1, 1, 2), "sigmaMin");
        fails(() -> new ScaleIntensityRange(3, 3, 0, 1, true), "must not be empty");
        fails(() -> ScaleIntensityRange.window(40, 0), "width must be positive");
        fails(() -> new ScaleIntensityRangePercentiles(60, 20, 0, 1, true), "lower <= upper");
        fails(() -> new NormalizeIntensity(0, 0), "nonzero divisor");
        fails(() -> new RandGamma(1, 0, 1), "gammaMin");
        fails(() -> new RandGaussianNoise(1, 0, -1), "std >= 0");
        fails(() -> CropOrPad.center(0, 3), "positive");
        fails(() -> new CropForeground().margin(-1), ">= 0");
        fails(() -> new RandCropByPosNegLabel(4).pos(0).neg(0), "not both 0");
        fails(() -> new RandRotate90(1, 0, 0, 1), "maxK");
        fails(() -> Resampler.resample(SAMPLE_2D.image(), new int[] {4, 4}, Grids.translation(0, 0, 1),
                Interpolation.LINEAR, Padding.ZEROS, 0), "stay in its plane");
    }
}
