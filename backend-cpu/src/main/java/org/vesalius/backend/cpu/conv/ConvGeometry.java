package org.vesalius.backend.cpu.conv;

import java.util.Arrays;
import org.vesalius.backend.ConvParams;

/**
 * The sizes of one convolution: batch, channels, groups, spatial sizes of input, output and kernel,
 * and the {@link ConvParams}. Built from the three tensor shapes and checked for consistency, so the
 * kernels can trust it.
 *
 * <p>Shapes: input {@code [N, C, *in]}, weight {@code [O, C/groups, *k]}, output {@code [N, O, *out]},
 * with 1 to 3 spatial dims.
 */
public final class ConvGeometry {
    final int n;
    final int c;
    final int o;
    final int groups;
    final int[] in;
    final int[] out;
    final int[] k;
    final ConvParams params;

    private ConvGeometry(int n, int c, int o, int[] in, int[] out, int[] k, ConvParams params) {
        this.n = n;
        this.c = c;
        this.o = o;
        this.groups = params.groups();
        this.in = in;
        this.out = out;
        this.k = k;
        this.params = params;
    }

    /**
     * Checks that the shapes fit together under {@code params}.
     *
     * @param x input shape {@code [N, C, *in]}
     * @param w weight shape {@code [O, C/groups, *k]}
     * @param y output shape {@code [N, O, *out]}
     * @throws IllegalArgumentException naming the mismatch
     */
    public static ConvGeometry of(int[] x, int[] w, int[] y, ConvParams params) {
        int sd = params.spatialDims();
        int rank = sd + 2;
        if (x.length != rank || w.length != rank || y.length != rank) {
            throw new IllegalArgumentException("convolution: " + sd + "-d convolution needs rank-" + rank
                    + " input, weight and output, got " + Arrays.toString(x) + ", " + Arrays.toString(w) + ", "
                    + Arrays.toString(y));
        }
        int g = params.groups();
        if (w[0] % g != 0 || x[1] != w[1] * g || y[1] != w[0] || x[0] != y[0]) {
            throw new IllegalArgumentException("convolution: input " + Arrays.toString(x) + ", weight " + Arrays.toString(w)
                    + " and output " + Arrays.toString(y) + " do not fit with groups=" + g
                    + " (need input channels = weight.size(1) * groups, output channels = weight.size(0), divisible by groups)");
        }
        int[] in = Arrays.copyOfRange(x, 2, rank);
        int[] k = Arrays.copyOfRange(w, 2, rank);
        int[] out = Arrays.copyOfRange(y, 2, rank);
        for (int d = 0; d < sd; d++) {
            if (k[d] < 1 || params.outputSize(d, in[d], k[d]) != out[d]) {
                throw new IllegalArgumentException("convolution: output spatial size " + Arrays.toString(out)
                        + " does not follow from input " + Arrays.toString(in) + ", kernel " + Arrays.toString(k)
                        + " and " + params);
            }
        }
        return new ConvGeometry(x[0], x[1], w[0], in, out, k, params);
    }

    /** Stride, padding, dilation and groups. */
    public ConvParams params() {
        return params;
    }

    /** 1, 2 or 3. */
    public int spatialDims() {
        return in.length;
    }

    /** {@code [N, C, *in]}. */
    public int[] inputShape() {
        return shape(n, c, in);
    }

    /** {@code [O, C/groups, *k]}. */
    public int[] weightShape() {
        return shape(o, c / groups, k);
    }

    /** {@code [N, O, *out]}. */
    public int[] outputShape() {
        return shape(n, o, out);
    }

    /**
     * The end padding that makes the output size exact (no input rows left over by the floor in the
     * size formula): {@code (out - 1) * stride + dilation * (k - 1) + 1 - in - padBegin}. oneDNN wants
     * this value; it lies in {@code (padEnd - stride, padEnd]}.
     */
    public int exactPadEnd(int d) {
        return (out[d] - 1) * params.stride(d) + params.dilation(d) * (k[d] - 1) + 1 - in[d] - params.padBegin(d);
    }

    static int[] shape(int a, int b, int[] spatial) {
        int[] s = new int[spatial.length + 2];
        s[0] = a;
        s[1] = b;
        System.arraycopy(spatial, 0, s, 2, spatial.length);
        return s;
    }

    @Override
    public String toString() {
        return "input " + Arrays.toString(inputShape()) + ", weight " + Arrays.toString(weightShape()) + ", output "
                + Arrays.toString(outputShape()) + ", " + params;
    }
}
