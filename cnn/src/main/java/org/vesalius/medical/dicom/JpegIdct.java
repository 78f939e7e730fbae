package org.vesalius.medical.dicom;

/**
 * The 8 x 8 inverse DCT of ITU T.81 A.3.3, computed separably in double precision (more accurate than
 * IJG's integer "islow"), followed by the level shift of a P-bit sample (+2^(P-1)), rounding to the
 * nearest integer and clamping to [0, 2^P - 1].
 */
final class JpegIdct {
    /** {@code BASIS[x * 8 + u] = C(u) / 2 * cos((2x + 1) u pi / 16)}, C(0) = 1 / sqrt(2), else 1. */
    private static final double[] BASIS = new double[64];

    static {
        for (int x = 0; x < 8; x++) {
            for (int u = 0; u < 8; u++) {
                double c = u == 0 ? Math.sqrt(0.5) : 1;
                BASIS[x * 8 + u] = c / 2 * Math.cos((2 * x + 1) * u * Math.PI / 16);
            }
        }
    }

    private final double[] rows = new double[64];
    private final int precision;

    JpegIdct(int precision) {
        this.precision = precision;
    }

    /**
     * @param coef 64 dequantized coefficients in row-major order (vertical frequency first)
     * @param out  samples, written to {@code out[off + y * stride + x]} for x, y in 0..7
     */
    void inverse(int[] coef, short[] out, int off, int stride) {
        int max = (1 << precision) - 1;
        double shift = 1 << (precision - 1);
        boolean acZero = true;
        for (int i = 1; i < 64 && acZero; i++) {
            acZero = coef[i] == 0;
        }
        if (acZero) { // a flat block, the common case in smooth regions
            short s = clamp(coef[0] / 8.0 + shift, max);
            for (int y = 0; y < 8; y++) {
                java.util.Arrays.fill(out, off + y * stride, off + y * stride + 8, s);
            }
            return;
        }
        // high frequencies are mostly zero: each sum stops at the last non-zero term
        int lastRow = -1;
        for (int v = 0; v < 8; v++) {
            int b = v * 8;
            int last = 7;
            while (last >= 0 && coef[b + last] == 0) {
                last--;
            }
            if (last >= 0) {
                lastRow = v;
            }
            for (int x = 0; x < 8; x++) {
                double s = 0;
                for (int u = 0; u <= last; u++) {
                    s += BASIS[x * 8 + u] * coef[b + u];
                }
                rows[b + x] = s;
            }
        }
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                double s = 0;
                for (int v = 0; v <= lastRow; v++) {
                    s += BASIS[y * 8 + v] * rows[v * 8 + x];
                }
                out[off + y * stride + x] = clamp(s + shift, max);
            }
        }
    }

    private static short clamp(double v, int max) {
        double r = Math.floor(v + 0.5);
        return (short) (r < 0 ? 0 : r > max ? max : (int) r);
    }
}
