package org.vesalius.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.vesalius.autograd.GradCheck;

/**
 * cat, stack, split, chunk, unbind, pad, flip, roll, repeat and tile: values against PyTorch 1.13
 * (the snippet that produced each expected array is in a comment beside it), float64 gradient
 * checks, and the error messages of the usual mistakes.
 */
class JoiningTest {
    private static final Generator GEN = new Generator(2024);

    private static Tensor leaf(int... shape) {
        return Tensor.randn(DType.FLOAT64, Device.CPU, GEN, shape).requiresGrad_(true);
    }

    /** {@code torch.arange(n).float().view(shape)}. */
    private static Tensor range(int n, int... shape) {
        return Tensor.arange(n).toFloat().reshape(shape);
    }

    private static void assertValues(float[] expected, Tensor actual, int... shape) {
        assertArrayEquals(shape, actual.shape(), "shape");
        assertArrayEquals(expected, actual.toFloatArray(), 0f);
    }

    private static String message(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    // ------------------------------------------------------------------ cat, stack

    @Test
    void catMatchesPyTorch() {
        Tensor a = range(6, 2, 3);
        Tensor b = Tensor.arange(6, 10, 1).toFloat().reshape(2, 2);
        // torch.cat([torch.arange(6.).view(2, 3), torch.arange(6., 10.).view(2, 2)], 1)
        assertValues(new float[] {0, 1, 2, 6, 7, 3, 4, 5, 8, 9}, Tensor.cat(1, a, b), 2, 5);
        assertValues(new float[] {0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5}, Tensor.cat(List.of(a, a), -2), 4, 3);
        // a 1-D empty tensor joins any cat and is skipped, as in PyTorch
        assertValues(new float[] {0, 1, 2, 3, 4, 5}, Tensor.cat(0, a, Tensor.zeros(0)), 2, 3);
    }

    @Test
    void catPromotesDtypes() {
        Tensor c = Tensor.cat(0, Tensor.ones(2), Tensor.of(new double[] {2, 3}), Tensor.of(new long[] {4}));
        assertEquals(DType.FLOAT64, c.dtype());
        assertArrayEquals(new double[] {1, 1, 2, 3, 4}, c.toDoubleArray(), 0);
        assertEquals(DType.INT64, Tensor.cat(0, Tensor.of(new long[] {1}), Tensor.of(new int[] {2})).dtype());
    }

    @Test
    void catGradient() {
        Tensor a = leaf(2, 3);
        Tensor b = leaf(2, 4);
        Tensor c = leaf(3, 2); // used transposed: a non-contiguous input
        GradCheck.check(in -> Tensor.cat(1, in[0], in[1], in[2].t()).square(), a, b, c).orThrow();
        GradCheck.check(in -> Tensor.cat(0, in[0], in[0].mul(2)), a).orThrow();
        GradCheck.checkSecondOrder(in -> Tensor.cat(1, in[0], in[1]).square().sum(), a, b).orThrow();
    }

    @Test
    void catGradientKeepsEachInputsDtype() {
        Tensor f = Tensor.randn(2).requiresGrad_(true);
        Tensor d = leaf(3);
        Tensor.cat(0, f, d).sum().backward();
        assertEquals(DType.FLOAT32, f.grad().dtype());
        assertArrayEquals(new float[] {1, 1}, f.grad().toFloatArray(), 0f);
        assertEquals(DType.FLOAT64, d.grad().dtype());
    }

    @Test
    void catErrors() {
        assertEquals("cat: sizes of tensors must match except in dimension 0: expected size 3 but got size 4 in "
                + "dimension 1 for tensor 1 (shapes [2, 3] and [2, 4])",
                message(() -> Tensor.cat(0, Tensor.zeros(2, 3), Tensor.zeros(2, 4))));
        assertTrue(message(() -> Tensor.cat(0, Tensor.zeros(2, 3), Tensor.zeros(2, 3, 2)))
                .startsWith("cat: tensors must have the same number of dimensions: got 2"));
        assertTrue(message(() -> Tensor.cat(0, Tensor.scalar(1), Tensor.scalar(2)))
                .startsWith("cat: zero-dimensional tensor (at position 0) cannot be concatenated"));
        assertEquals("cat: expected a non-empty list of tensors", message(() -> Tensor.cat(List.of(), 0)));
        assertTrue(message(() -> Tensor.cat(2, Tensor.zeros(2, 3))).startsWith("cat: dimension 2 out of range"));
    }

    @Test
    void stackMatchesPyTorch() {
        Tensor a = range(6, 2, 3);
        // torch.stack([a, a * 2], 1)
        assertValues(new float[] {0, 1, 2, 0, 2, 4, 3, 4, 5, 6, 8, 10}, Tensor.stack(1, a, a.mul(2)), 2, 2, 3);
        assertArrayEquals(new int[] {2, 3, 2}, Tensor.stack(List.of(a, a), -1).shape());
        GradCheck.check(in -> Tensor.stack(0, in[0], in[1].permute(1, 0)), leaf(2, 3), leaf(3, 2)).orThrow();
        assertEquals("stack: expects each tensor to be equal size, but got [2, 3] at entry 0 and [2, 4] at entry 1",
                message(() -> Tensor.stack(0, Tensor.zeros(2, 3), Tensor.zeros(2, 4))));
    }

    // ------------------------------------------------------------------ split, chunk, unbind

    @Test
    void splitChunkUnbindAreViews() {
        Tensor x = range(15, 5, 3);
        List<Tensor> parts = x.split(2, 0);
        assertEquals(3, parts.size());
        assertArrayEquals(new int[] {1, 3}, parts.get(2).shape());
        assertArrayEquals(new float[] {12, 13, 14}, parts.get(2).toFloatArray(), 0f);
        assertSame(x.storage(), parts.get(1).storage());

        List<Tensor> sized = x.split(new int[] {1, 2}, 1);
        assertArrayEquals(new float[] {1, 2, 4, 5, 7, 8, 10, 11, 13, 14}, sized.get(1).toFloatArray(), 0f);

        // torch.zeros(6, 3).chunk(4, 0) gives three pieces of 2
        List<Tensor> chunks = Tensor.zeros(6, 3).chunk(4, 0);
        assertEquals(3, chunks.size());
        assertArrayEquals(new int[] {2, 3}, chunks.get(2).shape());
        assertEquals(3, Tensor.zeros(0, 3).chunk(3, 0).size());

        List<Tensor> rows = x.unbind(1);
        assertEquals(3, rows.size());
        assertArrayEquals(new float[] {1, 4, 7, 10, 13}, rows.get(1).toFloatArray(), 0f);
        assertSame(x.storage(), rows.get(1).storage());
    }

    @Test
    void splitGradients() {
        Tensor x = leaf(5, 3);
        GradCheck.check(in -> {
            List<Tensor> p = in[0].split(2, 0);
            return p.get(0).mul(p.get(1)).sum(0, false).add(p.get(2).squeeze(0));
        }, x).orThrow();
        GradCheck.check(in -> {
            List<Tensor> p = in[0].chunk(3, 1);
            return p.get(0).sub(p.get(2).exp());
        }, x).orThrow();
        GradCheck.check(in -> {
            List<Tensor> r = in[0].unbind(0);
            return r.get(4).mul(r.get(0)).add(r.get(2));
        }, x).orThrow();
    }

    @Test
    void splitErrors() {
        Tensor x = Tensor.zeros(5, 3);
        assertEquals("split: sizes [2, 2] must sum exactly to 5 (the size of dimension 0 of shape [5, 3]), but sum to 4",
                message(() -> x.split(new int[] {2, 2}, 0)));
        assertTrue(message(() -> x.split(0, 0)).startsWith("split: splitSize must be positive"));
        assertEquals("chunk: number of chunks must be positive, got 0", message(() -> x.chunk(0, 0)));
        assertTrue(message(() -> Tensor.scalar(1).unbind(0)).startsWith("unbind: expects a tensor with at least one dimension"));
    }

    // ------------------------------------------------------------------ pad

    @Test
    void padModesMatchPyTorch() {
        Tensor x = range(12, 1, 3, 4);
        // F.pad(torch.arange(12.).view(1, 3, 4), (2, 1, 1, 2), mode='reflect')
        assertValues(new float[] {6, 5, 4, 5, 6, 7, 6, 2, 1, 0, 1, 2, 3, 2, 6, 5, 4, 5, 6, 7, 6, 10, 9, 8, 9, 10, 11, 10,
            6, 5, 4, 5, 6, 7, 6, 2, 1, 0, 1, 2, 3, 2}, x.pad(new int[] {2, 1, 1, 2}, "reflect"), 1, 6, 7);
        // F.pad(torch.arange(12.).view(1, 3, 4), (1, 2, 2, 0), mode='replicate')
        assertValues(new float[] {0, 0, 1, 2, 3, 3, 3, 0, 0, 1, 2, 3, 3, 3, 0, 0, 1, 2, 3, 3, 3, 4, 4, 5, 6, 7, 7, 7,
            8, 8, 9, 10, 11, 11, 11}, x.pad(new int[] {1, 2, 2, 0}, "replicate"), 1, 5, 7);
        // F.pad(torch.arange(12.).view(1, 1, 3, 4), (1, 2, 2, 1), mode='circular')
        assertValues(new float[] {7, 4, 5, 6, 7, 4, 5, 11, 8, 9, 10, 11, 8, 9, 3, 0, 1, 2, 3, 0, 1, 7, 4, 5, 6, 7, 4, 5,
            11, 8, 9, 10, 11, 8, 9, 3, 0, 1, 2, 3, 0, 1}, x.reshape(1, 1, 3, 4).pad(new int[] {1, 2, 2, 1}, "circular"),
            1, 1, 6, 7);
        // F.pad(torch.arange(12.).view(3, 4), (1, -1, -1, 2), value=9): negative pads crop
        assertValues(new float[] {9, 4, 5, 6, 9, 8, 9, 10, 9, 9, 9, 9, 9, 9, 9, 9},
                range(12, 3, 4).pad(new int[] {1, -1, -1, 2}, 9), 4, 4);
        // F.pad(torch.arange(3.), (-1, 2)) and F.pad(torch.arange(3.), (-3, 2))
        assertValues(new float[] {1, 2, 0, 0}, range(3, 3).pad(-1, 2), 4);
        assertValues(new float[] {0, 0}, range(3, 3).pad(-3, 2), 2);
        // F.pad(y, (-1, 2), mode='reflect') on the rows of y = arange(12).view(1, 3, 4)
        assertValues(new float[] {1, 2, 3, 2, 1, 5, 6, 7, 6, 5, 9, 10, 11, 10, 9}, x.pad(new int[] {-1, 2}, "reflect"), 1, 3, 5);
    }

    @Test
    void padKeepsIntegerDtypes() {
        Tensor p = Tensor.of(new long[] {1, 2, 3}).pad(new int[] {1, 1}, -7);
        assertEquals(DType.INT64, p.dtype());
        assertArrayEquals(new long[] {-7, 1, 2, 3, -7}, p.toLongArray());
    }

    @Test
    void reflectPadGradientMatchesPyTorch() {
        Tensor x = range(12, 1, 3, 4).requiresGrad_(true);
        x.pad(new int[] {2, 1, 1, 2}, "reflect").sum().backward();
        // x.grad after F.pad(x, (2, 1, 1, 2), mode='reflect').sum().backward()
        assertArrayEquals(new float[] {2, 4, 6, 2, 3, 6, 9, 3, 1, 2, 3, 1}, x.grad().toFloatArray(), 0f);
    }

    @Test
    void padGradients() {
        Tensor x = leaf(2, 3, 4);
        for (String mode : new String[] {"reflect", "replicate", "circular"}) {
            GradCheck.check(in -> in[0].pad(new int[] {2, 1, 1, 2}, mode).square(), x).orThrow();
            GradCheck.check(in -> in[0].pad(new int[] {-1, 3}, mode), x).orThrow();
        }
        GradCheck.check(in -> in[0].pad(new int[] {1, -1, -1, 2}, 3.5).square(), x).orThrow();
        GradCheck.check(in -> in[0].permute(2, 0, 1).pad(new int[] {1, 2, 0, 1, 1, 0}, 0.0), x).orThrow();
        GradCheck.checkSecondOrder(in -> in[0].pad(new int[] {1, 1}, "reflect").square().sum(), x).orThrow();
        GradCheck.checkSecondOrder(in -> in[0].pad(2, -1).square().sum(), x).orThrow();
    }

    @Test
    void padErrors() {
        Tensor x = Tensor.zeros(1, 4);
        assertEquals("pad: reflect padding (4, 3) must be less than the size 4 of dimension 1 of input shape [1, 4], "
                + "padding [4, 3]", message(() -> x.pad(new int[] {4, 3}, "reflect")));
        assertTrue(message(() -> x.pad(1, 2, 3)).startsWith("pad: padding length must be even"));
        assertTrue(message(() -> x.pad(1, 1, 1, 1, 1, 1)).startsWith("pad: padding [1, 1, 1, 1, 1, 1] covers 3 dimensions"));
        assertTrue(message(() -> x.pad(new int[] {1, 1}, "mirror")).startsWith("pad: mode must be \"constant\", \"reflect\""));
        assertTrue(message(() -> x.pad(new int[] {1, 1}, "reflect", 1)).startsWith("pad: mode \"reflect\" does not take a fill value"));
        assertTrue(message(() -> x.pad(-5, 6)).startsWith("pad: padding (-5, 6) crops more than the size 4"));
        assertTrue(message(() -> x.pad(new int[] {5, 0}, "circular")).contains("wrap around more than once"));
    }

    // ------------------------------------------------------------------ flip, roll, repeat, tile

    @Test
    void flipRollMatchPyTorch() {
        Tensor x = range(12, 3, 4);
        // torch.arange(12.).view(3, 4).flip(0, 1)
        assertValues(new float[] {11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0}, x.flip(0, 1), 3, 4);
        assertValues(new float[] {3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8}, x.flip(-1), 3, 4);
        // x.roll(1, 1); x.roll((-1, 2), (0, 1)); x.roll(5)
        assertValues(new float[] {3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10}, x.roll(1, 1), 3, 4);
        assertValues(new float[] {6, 7, 4, 5, 10, 11, 8, 9, 2, 3, 0, 1}, x.roll(new int[] {-1, 2}, new int[] {0, 1}), 3, 4);
        assertValues(new float[] {7, 8, 9, 10, 11, 0, 1, 2, 3, 4, 5, 6}, x.roll(5), 3, 4);
        // copies, never views
        assertFalse(x.flip().storage() == x.storage());
        assertFalse(x.roll(4, 1).storage() == x.storage());
    }

    @Test
    void flipRollGradients() {
        Tensor x = leaf(3, 4);
        GradCheck.check(in -> in[0].flip(0, 1).mul(in[0]), x).orThrow();
        GradCheck.check(in -> in[0].t().flip(1), x).orThrow();
        GradCheck.check(in -> in[0].roll(new int[] {-1, 2}, new int[] {0, 1}).mul(in[0]), x).orThrow();
        GradCheck.check(in -> in[0].roll(7), x).orThrow();
        GradCheck.checkSecondOrder(in -> in[0].roll(1, 0).mul(in[0]).sum(), x).orThrow();
    }

    @Test
    void repeatTileMatchPyTorch() {
        // torch.tensor([1., 2.]).repeat(2, 3)
        assertValues(new float[] {1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2}, Tensor.of(new float[] {1, 2}).repeat(2, 3), 2, 6);
        assertArrayEquals(new int[] {1, 4, 4}, range(4, 2, 2).repeat(1, 2, 2).shape());
        // torch.arange(4.).view(2, 2).tile((2,))
        assertValues(new float[] {0, 1, 0, 1, 2, 3, 2, 3}, range(4, 2, 2).tile(2), 2, 4);
        assertArrayEquals(new int[] {0, 2}, range(4, 2, 2).repeat(0, 1).shape());
        Tensor x = leaf(2, 3);
        GradCheck.check(in -> in[0].repeat(2, 1, 3).square(), x).orThrow();
        GradCheck.check(in -> in[0].t().tile(2), x).orThrow();
        assertTrue(message(() -> Tensor.zeros(3, 3).repeat(2)).startsWith("repeat: number of repeats [2] can not be smaller"));
        assertTrue(message(() -> Tensor.zeros(3, 3).flip(0, -2)).startsWith("flip: dim -2 appears multiple times"));
        assertEquals("roll: shifts [1, 2] and dims [0] must have the same length",
                message(() -> Tensor.zeros(3).roll(new int[] {1, 2}, new int[] {0})));
    }
}
