package org.vesalius.medical;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vesalius.tensor.Tensor;

class MedicalImageTest {
    private static double[][] oblique() {
        double c = Math.cos(0.3);
        double s = Math.sin(0.3);
        // rotation about z, spacing (0.8, 1.2, 2.5), origin (-10, 20, 5)
        return new double[][] {{c * 0.8, -s * 1.2, 0, -10}, {s * 0.8, c * 1.2, 0, 20}, {0, 0, 2.5, 5}, {0, 0, 0, 1}};
    }

    @Test
    void affineRoundTripsThroughSpacingOriginDirection() {
        try (MedicalImage img = MedicalImage.fromAffine(Tensor.zeros(1, 4, 5, 6), oblique(), Map.of())) {
            assertArrayEquals(new double[] {0.8, 1.2, 2.5}, img.spacing(), 1e-12);
            assertArrayEquals(new double[] {-10, 20, 5}, img.origin(), 0);
            double[][] a = img.affine();
            for (int r = 0; r < 4; r++) {
                assertArrayEquals(oblique()[r], a[r], 1e-12);
            }
            assertArrayEquals(new int[] {6, 5, 4}, img.size());
            double[] w = img.indexToWorld(2, 3, 1);
            assertArrayEquals(new double[] {2, 3, 1}, img.worldToIndex(w), 1e-12);
            double[][] lps = img.affineLps();
            assertEquals(-a[0][3], lps[0][3]);
            assertEquals(a[2][3], lps[2][3]);
            assertEquals("RAS", img.orientation());
        }
    }

    @Test
    void sliceKeepsItsPlaceInTheWorld() {
        try (Tensor t = Tensor.arange(120).reshape(1, 4, 5, 6);
             MedicalImage img = MedicalImage.fromAffine(t, oblique(), Map.of("k", "v"))) {
            for (int axis = 0; axis < 3; axis++) {
                MedicalImage s = img.slice(axis, 2);
                assertEquals(2, s.spatialDims());
                int[] ij = {1, 1};
                double[] in3d = axis == 0 ? new double[] {2, 1, 1} : axis == 1 ? new double[] {1, 2, 1} : new double[] {1, 1, 2};
                assertArrayEquals(img.indexToWorld(in3d), s.indexToWorld(ij[0], ij[1]), 1e-12, "axis " + axis);
                int ti = (int) in3d[0];
                int tj = (int) in3d[1];
                int tk = (int) in3d[2];
                double want = tk * 30 + tj * 6 + ti;
                assertEquals(want, s.data().select(0, 0).select(0, 1).select(0, 1).item(), "axis " + axis);
                assertEquals("v", s.metadata().get("k"));
            }
        }
    }

    @Test
    void readPicksTheReaderByContent() throws Exception {
        java.nio.file.Path root = java.nio.file.Path.of(MedicalImageTest.class.getResource("/medical/manifest.json").toURI()).getParent();
        try (MedicalImage d = MedicalImages.read(root.resolve("python3-pydicom/CT_small.dcm"));
             MedicalImage n = MedicalImages.read(root.resolve("python3-nibabel/standard.nii.gz"));
             MedicalImage s = MedicalImages.read(root.resolve("python3-pydicom/dicomdirtests/98892001/CT5N"))) {
            assertEquals("DICOM", d.metadata().get("format"));
            assertEquals("NIfTI-1", n.metadata().get("format"));
            assertArrayEquals(new int[] {1, 5, 16, 16}, s.data().shape());
        }
        assertThrows(java.io.IOException.class, () -> MedicalImages.read(root.resolve("README.md")));
    }

    @Test
    void badGeometryIsRejectedWithAReason() {
        try (Tensor t = Tensor.zeros(1, 2, 2)) {
            assertThrows(IllegalArgumentException.class, () -> new MedicalImage(t, new double[] {1, 0, 1}, new double[3],
                    Affines.identity3(), Map.of()));
            assertThrows(IllegalArgumentException.class, () -> new MedicalImage(t, new double[] {1, 1, 1}, new double[3],
                    new double[] {1, 0, 0, 1, 0, 0, 0, 0, 1}, Map.of()));
            assertThrows(IllegalArgumentException.class, () -> MedicalImage.of(Tensor.zeros(4, 4)));
        }
    }
}
