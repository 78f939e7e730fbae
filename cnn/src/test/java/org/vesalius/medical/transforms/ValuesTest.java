package org.vesalius.medical.transforms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.vesalius.medical.MedicalImage;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;

/** Exact values on small hand-made inputs. */
class ValuesTest {
    /** A 2-D image of one row: data {@code [1, 1, n]}. */
    private static MedicalImage row(double... values) {
        return MedicalImage.of(Tensor.of(values, 1, 1, values.length));
    }

    private static double[] values(MedicalImage img) {
        return img.data().toDoubleArray();
    }

    @Test
    void ctWindowAndScaleIntensityRange() {
        MedicalImage ct = row(-1000, -160, 0, 40, 240, 3000);
        assertArrayEquals(new double[] {0, 0, 0.4, 0.5, 1, 1}, values(ScaleIntensityRange.window(40, 400).apply(ct)), 1e-7);
        assertArrayEquals(new double[] {-1, -1, -0.2, 0, 1, 1},
                values(ScaleIntensityRange.window(40, 400, -1, 1).apply(ct)), 1e-7);
        MedicalImage x = row(0, 5, 15);
        assertArrayEquals(new double[] {-1, 0, 2}, values(new ScaleIntensityRange(0, 10, -1, 1, false).apply(x)), 1e-7);
        assertArrayEquals(new double[] {-1, 0, 1}, values(new ScaleIntensityRange(0, 10, -1, 1, true).apply(x)), 1e-7);
        assertArrayEquals(new double[] {1, 0, -1}, values(new ScaleIntensityRange(0, 10, 1, -1, true).apply(x)), 1e-7,
                "a reversed output range inverts, clipped to it");
        MedicalImage i32 = MedicalImage.of(Tensor.of(new double[] {-100, 100}, 1, 1, 2).to(DType.INT32));
        MedicalImage out = ScaleIntensityRange.window(0, 200).apply(i32);
        assertEquals(DType.FLOAT32, out.data().dtype(), "integer CT becomes float32");
        assertArrayEquals(new double[] {0, 1}, values(out), 1e-7);
    }

    @Test
    void percentilesAsNumpy() {
        // sorted [0, 1, 2, 3, 7]: 25th percentile at position 1 -> 1; 60th at 2.4 -> 2.4 (numpy.percentile)
        MedicalImage x = row(0, 3, 1, 7, 2);
        MedicalImage out = new ScaleIntensityRangePercentiles(25, 60, 0, 1, false).apply(x);
        assertArrayEquals(new double[] {-1 / 1.4, 2 / 1.4, 0, 6 / 1.4, 1 / 1.4}, values(out), 1e-6);
        MedicalImage clipped = new ScaleIntensityRangePercentiles(25, 60, 0, 1, true).apply(x);
        assertArrayEquals(new double[] {0, 1, 0, 1, 1 / 1.4}, values(clipped), 1e-6);
        // relative: output range [0 + 10 * 0.25, 0 + 10 * 0.6] = [2.5, 6]
        MedicalImage rel = new ScaleIntensityRangePercentiles(25, 60, 0, 10, true).relative(true).apply(x);
        assertArrayEquals(new double[] {2.5, 6, 2.5, 6, 2.5 + 3.5 / 1.4}, values(rel), 1e-5);
        // channel-wise: each channel mapped by its own min/max
        MedicalImage two = MedicalImage.of(Tensor.of(new double[] {0, 5, 10, 100, 150, 200}, 2, 1, 3));
        assertArrayEquals(new double[] {0, 0.5, 1, 0, 0.5, 1},
                values(new ScaleIntensityRangePercentiles(0, 100, 0, 1, false).channelWise(true).apply(two)), 1e-7);
        assertArrayEquals(new double[] {0, 0.025, 0.05, 0.5, 0.75, 1},
                values(new ScaleIntensityRangePercentiles(0, 100, 0, 1, false).apply(two)), 1e-7);
    }

    @Test
    void zNormalization() {
        MedicalImage x = row(0, 2, 4, 0, 6);
        double sd = Math.sqrt(8.0 / 3);
        assertArrayEquals(new double[] {0, -2 / sd, 0, 0, 2 / sd}, values(new NormalizeIntensity().nonzero(true).apply(x)), 1e-6,
                "background stays 0, foreground mean 4");
        double mean = 12.0 / 5;
        double all = Math.sqrt((4 * mean * mean + (2 - mean) * (2 - mean) + (4 - mean) * (4 - mean) + (6 - mean) * (6 - mean)
                - 2 * mean * mean) / 5);
        double[] out = values(new NormalizeIntensity().apply(x));
        assertEquals(-mean / all, out[0], 1e-6);
        assertEquals((6 - mean) / all, out[4], 1e-6);
        MedicalImage two = MedicalImage.of(Tensor.of(new double[] {1, 3, 10, 30}, 2, 1, 2));
        assertArrayEquals(new double[] {-1, 1, -1, 1}, values(new NormalizeIntensity().channelWise(true).apply(two)), 1e-6);
        assertArrayEquals(new double[] {0, 0, 0}, values(new NormalizeIntensity().apply(row(5, 5, 5))), 0,
                "zero std divides by 1");
        assertArrayEquals(new double[] {-1, 0, 1}, values(new NormalizeIntensity(2, 2).apply(row(0, 2, 4))), 1e-7);
    }

    @Test
    void gammaAndContrast() {
        MedicalImage x = row(0, 5, 10);
        double[] g = values(new RandGamma(1, 2, 2).apply(x, new Generator(0)));
        assertArrayEquals(new double[] {0, 10 * Math.pow(5 / (10 + 1e-7), 2), 10 * Math.pow(10 / (10 + 1e-7), 2)}, g, 1e-5);
        MedicalImage y = row(0, 1, 2, 3, 4);
        assertArrayEquals(new double[] {0, 0, 2, 4, 4}, values(new RandContrast(1, 2, 2).apply(y, new Generator(0))), 1e-7,
                "mean 2 kept, deviations doubled, clipped to the original range");
        assertArrayEquals(new double[] {-2, 0, 2, 4, 6},
                values(new RandContrast(1, 2, 2).preserveRange(false).apply(y, new Generator(0))), 1e-7);
        assertSame(x, new RandGamma(0).apply(x, new Generator(0)), "prob 0 leaves the image alone");
    }

    @Test
    void noiseStatistics() {
        MedicalImage zero = MedicalImage.of(Tensor.zeros(1, 128, 128));
        double[] g = values(new RandGaussianNoise(1, 1, 2).sampleStd(false).apply(zero, new Generator(3)));
        double[] ms = meanStd(g);
        assertEquals(1, ms[0], 0.05);
        assertEquals(2, ms[1], 0.05);
        // Rician noise on 0 is Rayleigh: mean sigma * sqrt(pi / 2), second moment 2 sigma^2
        double[] r = values(new RandRicianNoise(1, 0, 3).sampleStd(false).apply(zero, new Generator(4)));
        assertEquals(3 * Math.sqrt(Math.PI / 2), meanStd(r)[0], 0.05);
        double second = 0;
        for (double v : r) {
            second += v * v;
        }
        assertEquals(18, second / r.length, 0.4);
        // on a bright constant signal A >> sigma, Rician noise is nearly Gaussian around sqrt(A^2 + sigma^2)
        MedicalImage bright = MedicalImage.of(Tensor.full(50, 1, 64, 64));
        double[] b = meanStd(values(new RandRicianNoise(1, 0, 2).sampleStd(false).apply(bright, new Generator(5))));
        assertEquals(Math.sqrt(2500 + 4), b[0], 0.1);
        assertEquals(2, b[1], 0.1);
        // relative: sigma scales with the image's std
        MedicalImage varied = MedicalImage.of(Tensor.randn(new Generator(6), 1, 64, 64).mul(10).add(100));
        double[] before = values(varied);
        double[] after = values(new RandRicianNoise(1, 0, 0.5).sampleStd(false).relative(true).apply(varied, new Generator(7)));
        double[] diff = new double[before.length];
        for (int i = 0; i < diff.length; i++) {
            diff[i] = after[i] - before[i];
        }
        assertEquals(0.5 * meanStd(before)[1], meanStd(diff)[1], 0.3);
    }

    private static double[] meanStd(double[] v) {
        double m = 0;
        for (double x : v) {
            m += x;
        }
        m /= v.length;
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return new double[] {m, Math.sqrt(s / v.length)};
    }

    @Test
    void flipsAndQuarterTurnsMoveValuesAsDocumented() {
        // 2-D, [1, nj=2, ni=3]: rows j, columns i
        MedicalImage x = MedicalImage.of(Tensor.of(new double[] {0, 1, 2, 3, 4, 5}, 1, 2, 3));
        assertArrayEquals(new double[] {2, 1, 0, 5, 4, 3}, values(new Flip(0).apply(x)), 0);
        assertArrayEquals(new double[] {3, 4, 5, 0, 1, 2}, values(new Flip(1).apply(x)), 0);
        // out(p) = in(q_i = p_j, q_j = n_j - 1 - p_i): out is [nj'=3, ni'=2] = [[3, 0], [4, 1], [5, 2]]
        MedicalImage r = new Rotate90(1).apply(x);
        assertArrayEquals(new int[] {1, 3, 2}, r.data().shape());
        assertArrayEquals(new double[] {3, 0, 4, 1, 5, 2}, values(r), 0);
        assertArrayEquals(new double[] {5, 4, 3, 2, 1, 0}, values(new Rotate90(2).apply(x)), 0);
        assertArrayEquals(values(new Rotate90(3).apply(x)), values(new Rotate90(-1).apply(x)), 0);
        MedicalImage back = new Rotate90(-1).apply(r);
        assertTrue(back.data().equal(x.data()));
    }

    @Test
    void spacingInterpolatesImagesLinearlyAndLabelsByNearest() {
        MedicalImage img = new MedicalImage(Tensor.of(new double[] {0, 10, 20}, 1, 1, 3), new double[] {2, 1, 1},
                new double[3], org.vesalius.medical.Affines.identity3(), java.util.Map.of());
        MedicalImage lab = img.withData(Tensor.of(new long[] {1, 2, 3}, 1, 1, 3));
        Sample out = new Spacing(1, 1).apply(Sample.of(img, lab));
        assertArrayEquals(new double[] {0, 5, 10, 15, 20}, values(out.image()), 1e-12);
        // positions 0, 0.5, 1, 1.5, 2: ties go to the higher voxel
        assertArrayEquals(new long[] {1, 2, 2, 3, 3}, out.label().data().toLongArray());
        assertEquals(DType.INT64, out.label().data().dtype());
        MedicalImage coarse = new Spacing(4, 1).apply(img);
        assertArrayEquals(new double[] {0, 20}, values(coarse), 1e-12);
        assertArrayEquals(new double[] {4, 1, 1}, coarse.spacing(), 1e-12);
    }

    @Test
    void paddingModes() {
        MedicalImage x = row(1, 2, 3);
        double[][] shift = {{1, 0, 0, -1.5}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}};
        // output i reads input i - 1.5: -1.5, -0.5, 0.5, 1.5, 2.5
        int[] size = {5, 1};
        assertArrayEquals(new double[] {0, 0.5, 1.5, 2.5, 1.5},
                values(Resampler.resample(x, size, shift, Interpolation.LINEAR, Padding.ZEROS, 0)), 1e-12);
        assertArrayEquals(new double[] {-9, -4, 1.5, 2.5, -3},
                values(Resampler.resample(x, size, shift, Interpolation.LINEAR, Padding.ZEROS, -9)), 1e-12);
        assertArrayEquals(new double[] {1, 1, 1.5, 2.5, 3},
                values(Resampler.resample(x, size, shift, Interpolation.LINEAR, Padding.BORDER, 0)), 1e-12);
        // reflection about the outer edges (-0.5 and 2.5): -1.5 -> 0.5, -0.5 -> -0.5, 2.5 -> 2.5
        assertArrayEquals(new double[] {1.5, 1, 1.5, 2.5, 3},
                values(Resampler.resample(x, size, shift, Interpolation.LINEAR, Padding.REFLECTION, 0)), 1e-12);
        // nearest: -1.5 and -0.5 round outside/inside the first voxel's extent [-0.5, 0.5)
        assertArrayEquals(new double[] {0, 1, 2, 3, 0},
                values(Resampler.resample(x, size, shift, Interpolation.NEAREST, Padding.ZEROS, 0)), 0);
    }

    @Test
    void cropAndPadBoxes() {
        MedicalImage x = row(0, 1, 2, 3, 4);
        assertArrayEquals(new double[] {1, 2, 3}, values(CropOrPad.center(3, 1).apply(x)), 0);
        assertArrayEquals(new double[] {-1, 0, 1, 2, 3, 4, -1, -1}, values(CropOrPad.center(8, 1).padValue(-1).apply(x)), 0);
        assertArrayEquals(new double[] {7, 7, 0, 1}, values(CropOrPad.box(new int[] {-2, 0}, new int[] {4, 1}).padValue(7).apply(x)), 0);
        assertArrayEquals(new double[] {0, 0}, values(CropOrPad.box(new int[] {9, 0}, new int[] {2, 1}).apply(x)), 0,
                "a box entirely outside is all padding");
        MedicalImage mask = MedicalImage.of(Tensor.of(new double[] {
            0, 0, 0, 0, 0, 0,
            0, 0, 5, 0, 0, 0,
            0, 0, 0, 0, 3, 0,
            0, 0, 0, 0, 0, 0}, 1, 4, 6));
        MedicalImage fg = new CropForeground().apply(mask);
        assertArrayEquals(new int[] {1, 2, 3}, fg.data().shape());
        assertArrayEquals(new double[] {5, 0, 0, 0, 0, 3}, values(fg), 0);
        assertArrayEquals(new double[] {2, 1, 0}, fg.origin(), 0);
        MedicalImage margin = new CropForeground().margin(1, 5).apply(mask);
        assertArrayEquals(new int[] {1, 4, 5}, margin.data().shape(), "margin clipped to the image");
        MedicalImage high = new CropForeground().threshold(4).apply(mask);
        assertArrayEquals(new double[] {5}, values(high), 0);
    }

    @Test
    void resampleToAnotherGrid() {
        MedicalImage lab = new MedicalImage(Tensor.of(new long[] {0, 1, 2, 3}, 1, 1, 4), new double[] {1, 1, 1},
                new double[] {10, 0, 0}, org.vesalius.medical.Affines.identity3(), java.util.Map.of());
        MedicalImage ref = new MedicalImage(Tensor.zeros(1, 1, 3), new double[] {2, 1, 1}, new double[] {9, 0, 0},
                org.vesalius.medical.Affines.identity3(), java.util.Map.of());
        MedicalImage out = Resampler.resampleTo(lab, ref, Interpolation.NEAREST);
        // reference voxels at x = 9, 11, 13 -> label index -1 (outside: 0), 1, 3
        assertArrayEquals(new long[] {0, 1, 3}, out.data().toLongArray());
        assertArrayEquals(ref.affine()[0], out.affine()[0], 1e-12);
    }
}
