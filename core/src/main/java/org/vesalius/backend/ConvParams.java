package org.vesalius.backend;

import java.util.Arrays;

/**
 * Geometry of a convolution over 1, 2 or 3 spatial dims, shared by the forward, backward-data and
 * backward-weights kernels.
 *
 * <p>Conventions are PyTorch's: a dilation of 1 means none; padding may differ at the two ends
 * ({@code padBegin}, {@code padEnd}), which is how "same" padding with an even kernel is expressed.
 * For the spatial size {@code in} of the input, the output has
 * {@code floor((in + padBegin + padEnd - dilation * (kernel - 1) - 1) / stride) + 1} elements. A
 * transposed convolution is the backward-data pass of the convolution it transposes; its
 * {@code outputPadding} enters as {@code padEnd - outputPadding} (which may then be negative).
 */
public final class ConvParams {
    private final int[] stride;
    private final int[] padBegin;
    private final int[] padEnd;
    private final int[] dilation;
    private final int groups;

    /**
     * @param stride   step per spatial dim, each &gt;= 1
     * @param padBegin zeros added before each spatial dim, each &gt;= 0
     * @param padEnd   zeros added after each spatial dim (negative trims, for transposed convolution)
     * @param dilation kernel element spacing per dim, each &gt;= 1 (1 = dense)
     * @param groups   channel groups, &gt;= 1
     */
    public ConvParams(int[] stride, int[] padBegin, int[] padEnd, int[] dilation, int groups) {
        int n = stride.length;
        if (n < 1 || n > 3 || padBegin.length != n || padEnd.length != n || dilation.length != n) {
            throw new IllegalArgumentException("ConvParams: stride, padBegin, padEnd and dilation need one entry per spatial "
                    + "dim (1 to 3), got " + Arrays.toString(stride) + ", " + Arrays.toString(padBegin) + ", "
                    + Arrays.toString(padEnd) + ", " + Arrays.toString(dilation));
        }
        for (int i = 0; i < n; i++) {
            if (stride[i] < 1 || dilation[i] < 1 || padBegin[i] < 0) {
                throw new IllegalArgumentException("ConvParams: need stride >= 1, dilation >= 1 and padBegin >= 0, got stride="
                        + Arrays.toString(stride) + ", dilation=" + Arrays.toString(dilation) + ", padBegin="
                        + Arrays.toString(padBegin));
            }
        }
        if (groups < 1) {
            throw new IllegalArgumentException("ConvParams: groups must be >= 1, got " + groups);
        }
        this.stride = stride.clone();
        this.padBegin = padBegin.clone();
        this.padEnd = padEnd.clone();
        this.dilation = dilation.clone();
        this.groups = groups;
    }

    /** Symmetric padding. */
    public static ConvParams of(int[] stride, int[] padding, int[] dilation, int groups) {
        return new ConvParams(stride, padding, padding, dilation, groups);
    }

    /** Stride 1, no padding, no dilation, one group, over {@code spatialDims} dims. */
    public static ConvParams defaults(int spatialDims) {
        int[] ones = new int[spatialDims];
        Arrays.fill(ones, 1);
        return new ConvParams(ones, new int[spatialDims], new int[spatialDims], ones, 1);
    }

    /** Number of spatial dims (1, 2 or 3). */
    public int spatialDims() {
        return stride.length;
    }

    /** Stride per spatial dim (a copy). */
    public int[] stride() {
        return stride.clone();
    }

    /** Zeros before each spatial dim (a copy). */
    public int[] padBegin() {
        return padBegin.clone();
    }

    /** Zeros after each spatial dim, negative to trim (a copy). */
    public int[] padEnd() {
        return padEnd.clone();
    }

    /** Dilation per spatial dim, 1 = dense (a copy). */
    public int[] dilation() {
        return dilation.clone();
    }

    /** Number of channel groups. */
    public int groups() {
        return groups;
    }

    /** Stride along spatial dim {@code d}. */
    public int stride(int d) {
        return stride[d];
    }

    /** Zeros before spatial dim {@code d}. */
    public int padBegin(int d) {
        return padBegin[d];
    }

    /** Zeros after spatial dim {@code d}. */
    public int padEnd(int d) {
        return padEnd[d];
    }

    /** Dilation along spatial dim {@code d}. */
    public int dilation(int d) {
        return dilation[d];
    }

    /**
     * Output size along spatial dim {@code d} for input size {@code in} and kernel size {@code k};
     * may be &lt;= 0 when the kernel does not fit, which callers report.
     */
    public int outputSize(int d, int in, int k) {
        long span = (long) in + padBegin[d] + padEnd[d] - (long) dilation[d] * (k - 1) - 1;
        return span < 0 ? 0 : (int) (span / stride[d] + 1);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ConvParams)) {
            return false;
        }
        ConvParams p = (ConvParams) o;
        return groups == p.groups && Arrays.equals(stride, p.stride) && Arrays.equals(padBegin, p.padBegin)
                && Arrays.equals(padEnd, p.padEnd) && Arrays.equals(dilation, p.dilation);
    }

    @Override
    public int hashCode() {
        return ((Arrays.hashCode(stride) * 31 + Arrays.hashCode(padBegin)) * 31 + Arrays.hashCode(padEnd)) * 31
                + Arrays.hashCode(dilation) * 7 + groups;
    }

    @Override
    public String toString() {
        return "stride=" + Arrays.toString(stride) + ", padding=" + Arrays.toString(padBegin)
                + (Arrays.equals(padBegin, padEnd) ? "" : "/" + Arrays.toString(padEnd))
                + ", dilation=" + Arrays.toString(dilation) + ", groups=" + groups;
    }
}
