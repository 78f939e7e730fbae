package org.vesalius.backend.cpu;

/**
 * {@code exp} over arrays for the attention kernels' softmax. {@link Math#exp} is an intrinsic but
 * runs one element at a time (about 6 ns here); the float32 version splits the work into a loop of
 * multiply-adds the JIT vectorizes (range reduction to {@code k ln2 + f} and a degree-6 polynomial for
 * {@code exp(f)}, Cephes' {@code expf}) and a short scalar loop that scales by {@code 2^k}, within about
 * 1 ulp of {@code Math.exp}. Where {@code k < -126} (inputs below about -87.7, where float32 leaves its
 * normal range) it gives 0, so masked scores ({@code -inf}) weigh exactly nothing; NaN stays NaN.
 */
final class FastExp {
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /** 1.5 * 2^23: adding it rounds a float below 2^22 to an integer (round to nearest even). */
    private static final float ROUND = 12582912f;
    /** Far enough below float32's range that every input under it has {@code k < -126}. */
    private static final float LOW = -150f;
    private static final float HIGH = 88.0f;
    /** {@code 2^k} for k in [-127, 127] at index k + 127. */
    private static final float[] POW2 = new float[255];

    static {
        for (int k = -127; k <= 127; k++) {
            POW2[k + 127] = Math.scalb(1f, k);
        }
    }

    private FastExp() {
    }

    /** {@code x[i] = exp(x[i])} for i below n; {@code k} is scratch of at least n floats. */
    static void expF32(float[] x, int n, float[] k) {
        for (int i = 0; i < n; i++) {
            float v = Math.min(Math.max(x[i], LOW), HIGH);
            float r = v * LOG2E + ROUND;
            float kf = r - ROUND;
            float f = v - kf * LN2_HI - kf * LN2_LO;
            float p = 1.9875691500E-4f;
            p = p * f + 1.3981999507E-3f;
            p = p * f + 8.3334519073E-3f;
            p = p * f + 4.1665795894E-2f;
            p = p * f + 1.6666665459E-1f;
            p = p * f + 5.0000001201E-1f;
            x[i] = p * f * f + f + 1f;
            k[i] = kf;
        }
        for (int i = 0; i < n; i++) {
            int e = (int) k[i];
            x[i] = e < -126 ? 0f : x[i] * POW2[e + 127];
        }
    }

    /** {@code x[i] = exp(x[i])} for i below n, with {@link Math#exp}; {@code k} is unused. */
    static void expF64(double[] x, int n, double[] k) {
        for (int i = 0; i < n; i++) {
            x[i] = Math.exp(x[i]);
        }
    }
}
