package org.vesalius.medical.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vesalius.data.DataLoader;
import org.vesalius.medical.Affines;
import org.vesalius.medical.MedicalImage;
import org.vesalius.medical.transforms.Compose;
import org.vesalius.medical.transforms.RandAffine;
import org.vesalius.medical.transforms.RandCropByPosNegLabel;
import org.vesalius.medical.transforms.RandFlip;
import org.vesalius.medical.transforms.Sample;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;

class MedicalDatasetsTest {
    /** A [1, 6, 10, 12] volume: label 1 in a box, image = 100 * label + slice index. */
    private static Sample volume() {
        long[] lab = new long[6 * 10 * 12];
        float[] img = new float[lab.length];
        for (int k = 0; k < 6; k++) {
            for (int j = 0; j < 10; j++) {
                for (int i = 0; i < 12; i++) {
                    int v = (k * 10 + j) * 12 + i;
                    lab[v] = i >= 3 && i < 8 && j >= 2 && j < 7 && k >= 1 && k < 5 ? 1 : 0;
                    img[v] = 100 * lab[v] + k;
                }
            }
        }
        double[] spacing = {0.9, 1.1, 3};
        double[] origin = {-5, 7, 20};
        MedicalImage image = new MedicalImage(Tensor.of(img, 1, 6, 10, 12), spacing, origin, Affines.identity3(), Map.of());
        return Sample.of(image, image.withData(Tensor.of(lab, 1, 6, 10, 12)));
    }

    @Test
    void slicesOfAVolumeBatchThroughALoader() {
        Sample vol = volume();
        SliceDataset ds = new SliceDataset(vol, 2, 4, 0, 2);
        assertEquals(3, ds.size());
        assertEquals(0, ds.sliceIndex(1));
        Tensor[] s = ds.get(0);
        assertArrayEquals(new int[] {1, 10, 12}, s[0].shape());
        assertTrue(s[0].equal(vol.image().data().select(1, 4)));
        assertEquals(DType.INT64, s[1].dtype());
        MedicalImage plane = ds.sample(0).image();
        assertArrayEquals(vol.image().indexToWorld(3, 2, 4), plane.indexToWorld(3, 2), 1e-12, "the slice keeps its place");
        List<Tensor[]> batches = new ArrayList<>();
        for (Tensor[] b : DataLoader.of(new SliceDataset(vol, 2), 4)) {
            batches.add(b);
        }
        assertEquals(2, batches.size());
        assertArrayEquals(new int[] {4, 1, 10, 12}, batches.get(0)[0].shape());
        assertArrayEquals(new int[] {2, 1, 10, 12}, batches.get(1)[1].shape());
        assertEquals(5.0, batches.get(1)[0].select(0, 1).min().item(), 0, "slice 5 in order");
        for (Tensor[] b : batches) {
            for (Tensor t : b) {
                t.close();
            }
        }
        assertFalse(vol.image().data().isClosed(), "the volume outlives the batches");
        assertEquals(1, new SliceDataset(vol, 0).keys(Sample.LABEL).get(0).length);
    }

    @Test
    void augmentedSlicesReproduceForAnyNumberOfWorkers() {
        Sample vol = volume();
        SliceDataset ds = new SliceDataset(vol, 2).transform(new Compose(new RandFlip(0.5), new RandAffine(0.8).rotate(0.4)));
        List<float[]> serial = images(DataLoader.of(ds, 2).shuffle(true).seed(9));
        List<float[]> parallel = images(DataLoader.of(ds, 2).shuffle(true).seed(9).numWorkers(2));
        assertEquals(serial.size(), parallel.size());
        for (int i = 0; i < serial.size(); i++) {
            assertArrayEquals(serial.get(i), parallel.get(i));
        }
        List<float[]> other = images(DataLoader.of(ds, 2).shuffle(true).seed(10));
        assertFalse(java.util.Arrays.equals(serial.get(0), other.get(0)));
        // the label moved with the image: a voxel of the box is bright in the image
        for (Tensor[] b : DataLoader.of(ds, 6).seed(1)) {
            float[] im = b[0].toFloatArray();
            long[] lab = b[1].toLongArray();
            int agree = 0;
            for (int v = 0; v < lab.length; v++) {
                agree += (im[v] > 50) == (lab[v] > 0) ? 1 : 0;
            }
            assertTrue(agree > 0.95 * lab.length, agree + " of " + lab.length);
            b[0].close();
            b[1].close();
        }
    }

    private static List<float[]> images(DataLoader<Tensor[]> loader) {
        List<float[]> out = new ArrayList<>();
        for (Tensor[] b : loader) {
            out.add(b[0].toFloatArray());
            for (Tensor t : b) {
                t.close();
            }
        }
        return out;
    }

    @Test
    void patchesOfVolumes() {
        Sample vol = volume();
        PatchDataset ds = new PatchDataset(List.of(vol, vol), 5, new RandCropByPosNegLabel(4, 4, 2).pos(1).neg(0));
        assertEquals(10, ds.size());
        int batches = 0;
        for (Tensor[] b : DataLoader.of(ds, 4).shuffle(true).seed(2).numWorkers(2)) {
            assertArrayEquals(new int[] {1, 2, 4, 4}, java.util.Arrays.copyOfRange(b[0].shape(), 1, 5), "[B, 1, 2, 4, 4]");
            assertArrayEquals(new int[] {1, 2, 4, 4}, java.util.Arrays.copyOfRange(b[1].shape(), 1, 5));
            long[] lab = b[1].toLongArray();
            int centreFg = 0;
            for (int p = 0; p < b[1].size(0); p++) {
                centreFg += lab[p * 32 + (1 * 4 + 2) * 4 + 2] > 0 ? 1 : 0;
            }
            assertEquals(b[1].size(0), centreFg, "pos only: every patch is centred on the label");
            for (Tensor t : b) {
                t.close();
            }
            batches++;
        }
        assertEquals(3, batches);
        assertFalse(vol.image().data().isClosed());
        // a sampler that returns the whole volume: the dataset hands out views, the volume survives closing them
        PatchDataset whole = new PatchDataset(List.of(vol), 2, (s, g) -> s);
        Tensor[] t = whole.get(0);
        assertTrue(t[0].equal(vol.image().data()));
        t[0].close();
        assertFalse(vol.image().data().isClosed());
        MedicalImage patch = ds.sample(3).image();
        double[] q = vol.image().worldToIndex(patch.indexToWorld(0, 0, 0));
        assertEquals(Math.rint(q[0]), q[0], 1e-9, "patches lie on the volume's grid");
    }

    @Test
    void badArguments() {
        Sample vol = volume();
        assertThrows(IllegalArgumentException.class, () -> new SliceDataset(vol, 3));
        assertThrows(IllegalArgumentException.class, () -> new SliceDataset(vol, 2, 6));
        assertThrows(IllegalArgumentException.class, () -> new SliceDataset(vol, 2).keys("mask"));
        assertThrows(IllegalArgumentException.class, () -> new SliceDataset(Sample.of(vol.image().slice(2, 0)), 2));
        assertThrows(IllegalArgumentException.class, () -> new PatchDataset(List.of(), 1, (s, g) -> s));
        assertThrows(IllegalArgumentException.class, () -> new PatchDataset(List.of(vol), 0, (s, g) -> s));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SliceDataset(vol, 2).get(6));
        assertTrue(e.getMessage().contains("index 6"), e.getMessage());
        assertEquals(new Generator(1).nextDouble(), new Generator(1).nextDouble());
    }
}
