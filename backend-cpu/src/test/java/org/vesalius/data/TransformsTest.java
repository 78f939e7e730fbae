package org.vesalius.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;

class TransformsTest {
    /** {@code 1, 2, ..., h*w} as float32 {@code [h, w]}. */
    static Tensor grid(int h, int w) {
        return Tensor.arange(1, h * w + 1, 1, DType.FLOAT32).reshape(h, w);
    }

    static void assertValues(float[] expected, Tensor actual) {
        assertArrayEquals(expected, actual.toFloatArray(), 1e-5f);
    }

    @Test
    void normalizeSubtractsAndDividesPerChannel() {
        Tensor x = Tensor.of(new float[] {1, 3, 2, 4}, 2, 1, 2);
        assertValues(new float[] {0, 1, 0, 0.5f}, new Normalize(new double[] {1, 2}, new double[] {2, 4}).apply(x));
        assertValues(new float[] {(float) ((0.5 - 0.1307) / 0.3081)}, new Normalize(0.1307, 0.3081).apply(Tensor.of(new float[] {0.5f}, 1, 1)));
        Tensor d = new Normalize(new double[] {1, 2}, new double[] {2, 4}).apply(x.toDouble());
        assertEquals(DType.FLOAT64, d.dtype(), "keeps the image's dtype");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Normalize(new double[] {0, 0, 0}, new double[] {1, 1, 1}).apply(x));
        assertTrue(e.getMessage().contains("[3, H, W]") && e.getMessage().contains("[2, 1, 2]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Normalize(0, 1).apply(Tensor.zeros(DType.UINT8, 2, 2)));
        assertTrue(e.getMessage().contains("ToDtype"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Normalize(0, 0));
    }

    @Test
    void toDtypeScalesGreyLevels() {
        Tensor u = Tensor.of(new byte[] {0, (byte) 255, 51}, 3);
        Tensor f = new ToDtype(DType.FLOAT32, true).apply(u);
        assertValues(new float[] {0, 1, 0.2f}, f);
        Tensor back = new ToDtype(DType.UINT8, true).apply(Tensor.of(new float[] {0.2f, 1.2f, -0.1f}, 3));
        assertEquals(DType.UINT8, back.dtype());
        assertArrayEquals(new long[] {51, 255, 0}, back.toLongArray());
        assertValues(new float[] {0, 255, 51}, new ToDtype(DType.FLOAT32, false).apply(u));
    }

    @Test
    void flipsMirrorTheLastTwoDims() {
        Tensor x = grid(2, 3);
        assertValues(new float[] {3, 2, 1, 6, 5, 4}, new RandomHorizontalFlip(1).apply(x));
        assertValues(new float[] {4, 5, 6, 1, 2, 3}, new RandomVerticalFlip(1).apply(x));
        assertSame(x, new RandomHorizontalFlip(0).apply(x));
        Tensor chw = Tensor.stack(0, x, x.mul(10));
        assertValues(new float[] {3, 2, 1, 6, 5, 4, 30, 20, 10, 60, 50, 40}, new RandomHorizontalFlip(1).apply(chw));

        // p = 0.5 flips about half the time, and the same generator seed flips the same images
        RandomHorizontalFlip a = new RandomHorizontalFlip(0.5, new Generator(4));
        RandomHorizontalFlip b = new RandomHorizontalFlip(0.5, new Generator(4));
        int flipped = 0;
        for (int i = 0; i < 1000; i++) {
            boolean fa = a.apply(x) != x;
            assertEquals(fa, b.apply(x) != x);
            flipped += fa ? 1 : 0;
        }
        assertTrue(flipped > 430 && flipped < 570, "flipped " + flipped + " of 1000");
        assertThrows(IllegalArgumentException.class, () -> new RandomVerticalFlip(1.5));
        assertThrows(IllegalArgumentException.class, () -> new RandomVerticalFlip(1).apply(Tensor.zeros(3)));
    }

    @Test
    void randomCropPicksSeededPositionsAndPads() {
        Tensor x = grid(4, 4);
        Generator twin = new Generator(9);
        RandomCrop crop = new RandomCrop(2, 2, 0, 0, new Generator(9));
        boolean[][] seen = new boolean[3][3];
        for (int i = 0; i < 200; i++) {
            int top = twin.nextInt(3);
            int left = twin.nextInt(3);
            seen[top][left] = true;
            float v = 1 + 4 * top + left;
            assertValues(new float[] {v, v + 1, v + 4, v + 5}, crop.apply(x));
        }
        for (boolean[] row : seen) {
            for (boolean s : row) {
                assertTrue(s, "every position can be drawn");
            }
        }
        // padding 1 of a 1x1 image to a 3x3 crop has one position: the padded image
        Tensor padded = new RandomCrop(3, 3, 1, -1, new Generator(0)).apply(Tensor.full(7, 1, 1, 1));
        assertArrayEquals(new int[] {1, 3, 3}, padded.shape());
        assertValues(new float[] {-1, -1, -1, -1, 7, -1, -1, -1, -1}, padded);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RandomCrop(5).apply(x));
        assertTrue(e.getMessage().contains("larger than the image"), e.getMessage());
    }

    @Test
    void centerCropRoundsHalfToEvenAndPadsSmallImages() {
        assertValues(new float[] {7, 8, 9, 12, 13, 14}, new CenterCrop(2, 3).apply(grid(4, 5)));
        // (5 - 2) / 2 = 1.5 rounds to 2, as Python's round does
        assertValues(new float[] {13, 14, 18, 19}, new CenterCrop(2).apply(grid(5, 5)));
        assertValues(new float[] {0, 0, 7, 0, 0, 0}, new CenterCrop(3, 2).apply(Tensor.full(7, 1, 1)));
        Tensor x = grid(3, 3);
        assertSame(x, new CenterCrop(3).apply(x));
    }

    @Test
    void rotationByRightAnglesMovesPixelsExactly() {
        Tensor x = grid(3, 3);
        // counter-clockwise, as torchvision: the top row becomes the left column, read upwards
        assertValues(new float[] {3, 6, 9, 2, 5, 8, 1, 4, 7}, RandomRotation.rotate(x, 90, 0));
        assertValues(new float[] {7, 4, 1, 8, 5, 2, 9, 6, 3}, RandomRotation.rotate(x, -90, 0));
        assertValues(new float[] {9, 8, 7, 6, 5, 4, 3, 2, 1}, RandomRotation.rotate(x, 180, 0));
        Tensor rect = grid(2, 4);
        assertValues(new float[] {8, 7, 6, 5, 4, 3, 2, 1}, RandomRotation.rotate(rect, 180, 0));
        Tensor chw = Tensor.stack(0, x, x.neg());
        assertValues(new float[] {3, 6, 9, 2, 5, 8, 1, 4, 7, -3, -6, -9, -2, -5, -8, -1, -4, -7},
                RandomRotation.rotate(chw, 90, 0));
    }

    @Test
    void rotationInterpolatesBilinearlyAndFillsOutside() {
        Tensor x = grid(3, 3);
        // at 45 degrees output (0, 0) samples column 1, row 1 - sqrt(2): 0.586 of pixel (0, 1) = 2 and
        // 0.414 of the row above the image, which is fill
        double w = 2 - Math.sqrt(2); // weight of row 0: 1 - (sqrt(2) - 1)
        float[] zeroFill = RandomRotation.rotate(x, 45, 0).toFloatArray();
        assertEquals(2 * w, zeroFill[0], 1e-5);
        assertEquals(5, zeroFill[4], 1e-5, "the centre stays");
        float[] tenFill = RandomRotation.rotate(x, 45, 10).toFloatArray();
        assertEquals(2 * w + 10 * (1 - w), tenFill[0], 1e-5);
        assertEquals(5, tenFill[4], 1e-5);
        assertValues(x.toFloatArray(), RandomRotation.rotate(x, 0, 10));

        Tensor fixed = new RandomRotation(30, 30, 0, null).apply(x);
        assertValues(RandomRotation.rotate(x, 30, 0).toFloatArray(), fixed);
        RandomRotation r = new RandomRotation(20);
        assertFalse(java.util.Arrays.equals(r.apply(x).toFloatArray(), r.apply(x).toFloatArray()), "angles are drawn");
        assertThrows(IllegalArgumentException.class, () -> RandomRotation.rotate(Tensor.zeros(DType.UINT8, 3, 3), 10, 0));
        assertThrows(IllegalArgumentException.class, () -> new RandomRotation(-5));
    }

    @Test
    void resizeIsBilinearWithoutAlignedCorners() {
        Tensor x = Tensor.of(new float[] {0, 1, 2, 3}, 1, 2, 2);
        // source coordinate (dst + 0.5) / 2 - 0.5, clamped at 0: weights 0, 0.25, 0.75, 1 along each axis
        assertValues(new float[] {
            0, 0.25f, 0.75f, 1,
            0.5f, 0.75f, 1.25f, 1.5f,
            1.5f, 1.75f, 2.25f, 2.5f,
            2, 2.25f, 2.75f, 3}, new Resize(4, 4).apply(x));
        assertArrayEquals(new int[] {1, 2, 4}, new Resize(2).apply(Tensor.zeros(1, 4, 8)).shape(), "smaller edge to 2");
        assertArrayEquals(new int[] {3, 2}, new Resize(2).apply(Tensor.zeros(5, 3)).shape(), "10 / 3 truncates to 3");
        Tensor u = new Resize(4, 4).apply(Tensor.of(new byte[] {0, (byte) 255, (byte) 255, 0}, 2, 2));
        assertEquals(DType.UINT8, u.dtype());
        assertEquals(64, u.toLongArray()[1], "63.75 rounds to 64");
        assertValues(new float[] {0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 3, 3, 2, 2, 3, 3},
                new Resize(4, 4, "nearest").apply(x));
        assertThrows(IllegalArgumentException.class, () -> new Resize(0));
        assertThrows(IllegalArgumentException.class, () -> new Resize(2, 2, "area"));
    }

    @Test
    void resizeBicubicKeepsOvershootForFloatsAndClampsIntegers() {
        // F.interpolate(x, size=(4, 4), mode="bicubic", align_corners=False), PyTorch 1.13
        assertValues(new float[] {
            -0.3164062f, 0.015625f, 0.5625f, 0.8945312f,
            0.3476562f, 0.6796875f, 1.226562f, 1.558594f,
            1.441406f, 1.773438f, 2.320312f, 2.652344f,
            2.105469f, 2.4375f, 2.984375f, 3.316406f},
                new Resize(4, 4, "bicubic").apply(Tensor.of(new float[] {0, 1, 2, 3}, 1, 2, 2)));
        // the same in PyTorch gives -59.46 and 314.46 at the corners: clamped, and 43.07 rounds to 43
        long[] u = new Resize(4, 4, "bicubic").apply(Tensor.of(new byte[] {0, (byte) 255, (byte) 255, 0}, 2, 2))
                .toLongArray();
        assertEquals(0, u[0]);
        assertEquals(43, u[1]);
        assertEquals(255, u[3]);
        assertEquals(89, u[5]);
    }

    @Test
    void composeRunsInOrderAndClosesIntermediates() {
        List<Tensor> made = new ArrayList<>();
        Transform addOne = t -> {
            Tensor r = t.add(1);
            made.add(r);
            return r;
        };
        Transform identity = t -> t;
        Tensor x = Tensor.of(new float[] {1, 2}, 2);
        Tensor y = addOne.andThen(identity).andThen(t -> t.mul(10)).apply(x);
        assertValues(new float[] {20, 30}, y);
        assertFalse(x.isClosed(), "the input belongs to the caller");
        assertTrue(made.get(0).isClosed(), "the intermediate is freed");
        assertSame(x, new Compose(identity, identity).apply(x));
        assertFalse(x.isClosed());
        assertThrows(IllegalArgumentException.class, () -> new Compose(identity, null));
    }
}
