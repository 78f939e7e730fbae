package org.vesalius.medical.transforms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vesalius.medical.MedicalImage;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;

/**
 * The defining property of every spatial transform: a voxel's world coordinate names the same anatomy
 * before and after. A volume with one bright voxel is transformed and the world position of the
 * maximum compared with the original's, on an oblique, anisotropic, off-origin geometry.
 */
class GeometryTest {
    private static final int[] SIZE_3D = {7, 9, 5};
    private static final int[] AT_3D = {4, 6, 2};
    private static final int[] SIZE_2D = {7, 9};
    private static final int[] AT_2D = {4, 6};
    private static final double[] SPACING_2D = {1.2, 0.8, 1.0};

    /** Transforms that copy voxels (or hit grid points exactly): same world position to 1e-9 mm, value kept. */
    private static Map<String, Transform> exact3d() {
        Map<String, Transform> m = new LinkedHashMap<>();
        m.put("flip i", new Flip(0));
        m.put("flip j,k", new Flip(1, 2));
        m.put("rot90 k=1 (i,j)", new Rotate90(1));
        m.put("rot90 k=2 (i,j)", new Rotate90(2));
        m.put("rot90 k=-1 (i,k)", new Rotate90(-1, 0, 2));
        m.put("rot90 k=3 (j,k)", new Rotate90(3, 1, 2));
        m.put("orientation RAS", new Orientation("RAS"));
        m.put("orientation LPI", new Orientation("LPI"));
        m.put("orientation SRA", new Orientation("SRA"));
        m.put("spacing halved", new Spacing(0.6, 0.4, 1.25));
        m.put("spacing i/3", new Spacing(0.4, 0.8, 2.5));
        m.put("centre crop", CropOrPad.center(5, 7, 3));
        m.put("centre pad", CropOrPad.center(12, 10, 9));
        m.put("box crop+pad", CropOrPad.box(new int[] {2, 5, -2}, new int[] {6, 3, 6}));
        m.put("crop foreground", new CropForeground().margin(1, 2, 0));
        m.put("compose", new Compose(new Orientation("RAS"), new Flip(0), new Rotate90(1, 1, 2), new Spacing(0.6, 1.25, 0.4),
                CropOrPad.center(8, 8, 10)));
        return m;
    }

    @Test
    void exactTransformsKeepTheWorldPositionOfAVoxel3d() {
        MedicalImage img = TestImages.bright(SIZE_3D, AT_3D, TestImages.SPACING_3D);
        double[] before = img.indexToWorld(AT_3D[0], AT_3D[1], AT_3D[2]);
        assertArrayEquals(before, TestImages.worldOfMax(img), 1e-12);
        for (Map.Entry<String, Transform> e : exact3d().entrySet()) {
            MedicalImage out = e.getValue().apply(img, new Generator(1));
            assertArrayEquals(before, TestImages.worldOfMax(out), 1e-9, e.getKey());
            assertEquals(1.0, out.data().max().item(), 1e-6, e.getKey());
            if (copiesVoxels(e.getKey())) {
                assertEquals(1.0, out.data().sum().item(), 1e-6, e.getKey() + ": the voxel is not smeared");
            }
            assertEquals("test", out.metadata().get("source"), e.getKey() + ": metadata kept");
        }
    }

    @Test
    void exactTransformsKeepTheWorldPositionOfAVoxel2d() {
        MedicalImage img = TestImages.bright(SIZE_2D, AT_2D, SPACING_2D);
        double[] before = img.indexToWorld(AT_2D[0], AT_2D[1]);
        Map<String, Transform> m = new LinkedHashMap<>();
        m.put("flip i", new Flip(0));
        m.put("flip i,j", new Flip(0, 1));
        m.put("rot90 k=1", new Rotate90(1));
        m.put("rot90 k=-1", new Rotate90(-1));
        m.put("orientation " + flipped(img.orientation()), new Orientation(flipped(img.orientation())));
        m.put("orientation swapped", new Orientation("" + img.orientation().charAt(1) + img.orientation().charAt(0)));
        m.put("spacing halved", new Spacing(0.6, 0.4));
        m.put("centre crop/pad", CropOrPad.center(5, 12));
        m.put("crop foreground", new CropForeground().margin(1));
        for (Map.Entry<String, Transform> e : m.entrySet()) {
            MedicalImage out = e.getValue().apply(img, new Generator(1));
            assertEquals(2, out.spatialDims(), e.getKey());
            assertArrayEquals(before, TestImages.worldOfMax(out), 1e-9, e.getKey());
            assertEquals(1.0, out.data().max().item(), 1e-6, e.getKey());
            if (copiesVoxels(e.getKey())) {
                assertEquals(1.0, out.data().sum().item(), 1e-6, e.getKey());
            }
        }
    }

    /** Upsampling interpolates neighbours of the voxel too; everything else copies voxels. */
    private static boolean copiesVoxels(String name) {
        return !name.startsWith("spacing") && !name.equals("compose");
    }

    private static String flipped(String codes) {
        StringBuilder b = new StringBuilder();
        for (int a = 0; a < 2; a++) {
            b.append("RLAPSI".charAt("LRPAIS".indexOf(codes.charAt(a))));
        }
        return b.toString();
    }

    @Test
    void orientationReachesTheRequestedCodes() {
        MedicalImage img = TestImages.bright(SIZE_3D, AT_3D, TestImages.SPACING_3D);
        assertEquals("RAS", img.orientation());
        for (String codes : new String[] {"LPS", "LPI", "ASR", "IRP", "RAS"}) {
            MedicalImage out = new Orientation(codes).apply(img);
            assertEquals(codes, out.orientation());
            MedicalImage back = new Orientation("RAS").apply(out);
            assertTrue(back.data().equal(img.data()), codes + " and back is the identity");
            assertArrayEquals(img.affine()[0], back.affine()[0], 1e-12);
        }
    }

    /** A quarter turn about the centre of a square, isotropic plane maps voxel centres onto voxel centres. */
    @Test
    void rightAngleAffineRotationIsExactOnAnIsotropicPlane() {
        MedicalImage img = TestImages.bright(new int[] {9, 9, 5}, AT_3D, new double[] {1.1, 1.1, 2.5});
        double[] before = TestImages.worldOfMax(img);
        MedicalImage out = Affine.rotation(0, 0, Math.PI / 2).apply(img);
        assertArrayEquals(before, TestImages.worldOfMax(out), 1e-9);
        assertEquals(1.0, out.data().max().item(), 1e-6);
        // content turned from i towards j: the voxel moved from (4, 6) to (9 - 1 - 6, 4) = (2, 4) in the plane
        assertArrayEquals(new int[] {2, 4, 2}, TestImages.argmax(out));
        MedicalImage shifted = new Affine().translate(2.2, -1.1, 5).apply(img);
        assertArrayEquals(new int[] {AT_3D[0] + 2, AT_3D[1] - 1, AT_3D[2] + 2}, TestImages.argmax(shifted),
                "content moves by whole voxels along the index axes");
        assertArrayEquals(before, TestImages.worldOfMax(shifted), 1e-9, "and keeps its world position");
    }

    /**
     * Interpolating transforms: the maximum of the output is the output voxel nearest (in input voxel
     * units) to the bright voxel, so its world position is within one voxel diagonal of the original.
     */
    @Test
    void resamplingTransformsKeepTheWorldPositionWithinAVoxel() {
        Map<String, Transform> m = new LinkedHashMap<>();
        m.put("rotate", Affine.rotation(0.3, -0.2, 0.5));
        m.put("zoom", Affine.zoom(1.3));
        m.put("shear+scale", new Affine().shear(0.1, 0, -0.1, 0.05, 0, 0.1).scale(1.1, 0.9, 1.2).translate(1, 2, -1));
        m.put("spacing", new Spacing(0.7, 0.55, 1.9));
        m.put("rand affine", new RandAffine(1).rotate(0.4).scale(0.2).shear(0.1).translate(3));
        m.put("rand rotate", new RandRotate(1, 0.5));
        m.put("rand zoom", new RandZoom(1, 1.1, 1.4));
        double[] spacing = {1.0, 0.9, 1.3};
        MedicalImage img = TestImages.bright(new int[] {11, 13, 9}, new int[] {5, 7, 4}, spacing);
        double[] before = TestImages.worldOfMax(img);
        double diagonal = Math.sqrt(1.0 * 1.0 + 0.9 * 0.9 + 1.3 * 1.3);
        for (Map.Entry<String, Transform> e : m.entrySet()) {
            for (long seed = 0; seed < 3; seed++) {
                MedicalImage out = e.getValue().apply(img, new Generator(seed));
                assertTrue(out.data().max().item() > 0.1, e.getKey() + ": the voxel is still there");
                double d = TestImages.distance(before, TestImages.worldOfMax(out));
                assertTrue(d <= diagonal, e.getKey() + " seed " + seed + ": moved " + d + " mm");
            }
        }
    }

    /** The output geometry of a resampling is the input's composed with the index map, exactly. */
    @Test
    void resampledGeometryComposesTheIndexMap() {
        MedicalImage img = TestImages.bright(SIZE_3D, AT_3D, TestImages.SPACING_3D);
        MedicalImage out = new Spacing(2, 1, 1).apply(img);
        assertArrayEquals(new double[] {2, 1, 1}, out.spacing(), 1e-12);
        assertArrayEquals(img.origin(), out.origin(), 1e-12);
        assertArrayEquals(img.direction(), out.direction(), 1e-12);
        // n' = round((n - 1) * s / s') + 1
        assertArrayEquals(new int[] {(int) Math.rint(6 * 1.2 / 2) + 1, (int) Math.rint(8 * 0.8) + 1, 11}, out.size());
        for (int[] p : new int[][] {{0, 0, 0}, {3, 5, 7}, {1, 2, 10}}) {
            double[] w = out.indexToWorld(p[0], p[1], p[2]);
            double[] q = img.worldToIndex(w);
            assertArrayEquals(new double[] {p[0] * 2 / 1.2, p[1] / 0.8, p[2] / 2.5}, q, 1e-9);
        }
    }

    @Test
    void sliceTransformsAgreeWithTheVolume() {
        MedicalImage vol = TestImages.bright(SIZE_3D, AT_3D, TestImages.SPACING_3D);
        MedicalImage slice = vol.slice(2, AT_3D[2]);
        MedicalImage flipped = new Flip(1).apply(slice);
        assertArrayEquals(vol.indexToWorld(AT_3D[0], AT_3D[1], AT_3D[2]), TestImages.worldOfMax(flipped), 1e-9);
        Tensor plane = new Flip(1).apply(vol).slice(2, AT_3D[2]).data();
        assertTrue(plane.equal(flipped.data()));
    }
}
