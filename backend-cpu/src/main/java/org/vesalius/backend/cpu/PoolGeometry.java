package org.vesalius.backend.cpu;

import org.vesalius.backend.PoolParams;

/**
 * The windows of one pooling op, precomputed per spatial dim so that the per-dtype kernels only
 * loop: for each output coordinate, the first input coordinate inside the input, how many taps lie
 * inside, and (average pooling) the divisor factor. Inputs with fewer than 3 spatial dims get size-1
 * leading dims, so every kernel is written once for depth x height x width.
 */
final class PoolGeometry {
    final int inD;
    final int inH;
    final int inW;
    final int outD;
    final int outH;
    final int outW;
    final int dilD;
    final int dilH;
    final int dilW;
    final int[] firstD;
    final int[] firstH;
    final int[] firstW;
    final int[] countD;
    final int[] countH;
    final int[] countW;
    /** Average pooling: per-dim factors whose product is the divisor. */
    final int[] divD;
    final int[] divH;
    final int[] divW;
    /** Nominal window width in W (0 for adaptive windows, which vary). */
    final int kernelW;
    /**
     * The output columns {@code [fullLoW, fullHiW)} whose windows lie wholly inside the input in W
     * ({@code kernelW} taps from {@code firstW}): the kernels' unrolled paths run there.
     */
    final int fullLoW;
    final int fullHiW;
    /** Most window rows (depth x height taps) of any output, to size the row table. */
    final int maxRows;
    /**
     * Every window is 2x2 at {@code (2 * oh, 2 * ow)} of depth slice {@code od} (2-d pooling with
     * kernel and stride 2 and no padding, or 1x2x2 in 3-d): the max-pooling kernel's unrolled path.
     */
    final boolean pairs;
    /** Average pooling: a fixed divisor, or 0. */
    final int divisorOverride;
    /**
     * Adaptive average pooling divides by each dim's factor in turn ({@code sum / kd / kh / kw}),
     * which is how PyTorch rounds it in float32.
     */
    final boolean divideInTurn;

    private PoolGeometry(int[] in, int[] out, int[] dil, int[][] first, int[][] count, int[][] div, int kernelW,
                         int divisorOverride, boolean divideInTurn) {
        inD = in[0];
        inH = in[1];
        inW = in[2];
        outD = out[0];
        outH = out[1];
        outW = out[2];
        dilD = dil[0];
        dilH = dil[1];
        dilW = dil[2];
        firstD = first[0];
        firstH = first[1];
        firstW = first[2];
        countD = count[0];
        countH = count[1];
        countW = count[2];
        divD = div[0];
        divH = div[1];
        divW = div[2];
        this.divisorOverride = divisorOverride;
        this.divideInTurn = divideInTurn;
        this.kernelW = kernelW;
        int lo = 0;
        while (lo < outW && countW[lo] != kernelW) {
            lo++;
        }
        int hi = lo;
        while (hi < outW && countW[hi] == kernelW) {
            hi++;
        }
        fullLoW = kernelW == 0 ? 0 : lo;
        fullHiW = kernelW == 0 ? 0 : hi;
        maxRows = max(countD) * max(countH);
        pairs = dilH == 1 && dilW == 1 && regular(firstD, countD, 1, 1) && regular(firstH, countH, 2, 2)
                && regular(firstW, countW, 2, 2);
    }

    /** Whether output {@code o} of a dim starts at input {@code o * step} with {@code taps} taps, for every o. */
    private static boolean regular(int[] first, int[] count, int step, int taps) {
        for (int o = 0; o < first.length; o++) {
            if (first[o] != o * step || count[o] != taps) {
                return false;
            }
        }
        return true;
    }

    /**
     * Fills {@code rows} with the plane offset of each window row (depth tap, height tap) of output
     * row {@code (od, oh)}, at column 0; returns how many.
     */
    int rowBases(int od, int oh, int[] rows) {
        int n = 0;
        int d0 = firstD[od];
        int h0 = firstH[oh];
        for (int a = 0; a < countD[od]; a++) {
            int plane = (d0 + a * dilD) * inH;
            for (int b = 0; b < countH[oh]; b++) {
                rows[n++] = (plane + h0 + b * dilH) * inW;
            }
        }
        return n;
    }

    /** Offset of the first valid (depth, height) position of output row (od, oh), even when it has no taps. */
    int firstRow(int od, int oh) {
        return (firstD[od] * inH + firstH[oh]) * inW;
    }

    int inPlane() {
        return inD * inH * inW;
    }

    int outPlane() {
        return outD * outH * outW;
    }

    /** Taps per window at most, for cost estimates. */
    int maxTaps() {
        return max(countD) * max(countH) * max(countW);
    }

    private static int max(int[] a) {
        int m = 0;
        for (int v : a) {
            m = Math.max(m, v);
        }
        return m;
    }

    /** Pads spatial sizes of 1 to 3 dims to 3 with leading 1s. */
    static int[] to3(int[] spatial) {
        int[] r = {1, 1, 1};
        System.arraycopy(spatial, 0, r, 3 - spatial.length, spatial.length);
        return r;
    }

    /**
     * Windows of max pooling ({@code avg == false}: taps may be dilated, padding holds nothing) or of
     * average pooling (padding counts towards the divisor when {@code countIncludePad}).
     */
    static PoolGeometry window(int[] inSpatial, int[] outSpatial, PoolParams p, boolean avg) {
        int n = inSpatial.length;
        int[] in = to3(inSpatial);
        int[] out = to3(outSpatial);
        int[] dil = {1, 1, 1};
        int[][] first = new int[3][];
        int[][] count = new int[3][];
        int[][] div = new int[3][];
        for (int d = 0; d < 3; d++) {
            int s = d - (3 - n);
            int k = s < 0 ? 1 : p.kernel(s);
            int st = s < 0 ? 1 : p.stride(s);
            int pad = s < 0 ? 0 : p.padding(s);
            int dl = s < 0 || avg ? 1 : p.dilation(s);
            dil[d] = dl;
            first[d] = new int[out[d]];
            count[d] = new int[out[d]];
            div[d] = new int[out[d]];
            for (int o = 0; o < out[d]; o++) {
                int start = o * st - pad;
                if (avg) {
                    int end = Math.min(start + k, in[d] + pad);
                    int lo = Math.max(start, 0);
                    int hi = Math.min(end, in[d]);
                    first[d][o] = lo;
                    count[d][o] = Math.max(0, hi - lo);
                    div[d][o] = p.countIncludePad() ? end - start : count[d][o];
                } else {
                    // first tap at or after 0, last tap before in[d]
                    int t0 = start < 0 ? (-start + dl - 1) / dl : 0;
                    int t1 = Math.min(k, Math.floorDiv(in[d] - 1 - start, dl) + 1);
                    first[d][o] = start + t0 * dl;
                    count[d][o] = Math.max(0, t1 - t0);
                    div[d][o] = count[d][o];
                }
            }
        }
        return new PoolGeometry(in, out, dil, first, count, div, p.kernel(n - 1), avg ? p.divisorOverride() : 0, false);
    }

    /** Windows of adaptive pooling: output {@code i} of a dim covers {@code [floor(i*in/out), ceil((i+1)*in/out))}. */
    static PoolGeometry adaptive(int[] inSpatial, int[] outSpatial) {
        int[] in = to3(inSpatial);
        int[] out = to3(outSpatial);
        int[][] first = new int[3][];
        int[][] count = new int[3][];
        for (int d = 0; d < 3; d++) {
            first[d] = new int[out[d]];
            count[d] = new int[out[d]];
            for (int o = 0; o < out[d]; o++) {
                long lo = (long) o * in[d] / out[d];
                long hi = ((long) (o + 1) * in[d] + out[d] - 1) / out[d];
                first[d][o] = (int) lo;
                count[d][o] = (int) (hi - lo);
            }
        }
        return new PoolGeometry(in, out, new int[] {1, 1, 1}, first, count, count, 0, 0, true);
    }
}
