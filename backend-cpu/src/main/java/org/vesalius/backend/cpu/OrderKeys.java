package org.vesalius.backend.cpu;

/**
 * Branch-free comparisons of floating point numbers for the pooling kernels: with random data a
 * float compare that branches mispredicts about half the time, while integer keys compare with
 * arithmetic. Keys order as the numbers do for everything but NaN (callers handle NaN apart), with
 * -0 and +0 equal.
 */
final class OrderKeys {
    private OrderKeys() {
    }

    /** The key of a float: the bits of {@code v + 0} (which turns -0 into +0), negatives' magnitude flipped. */
    static long orderKey(float v) {
        int k = Float.floatToRawIntBits(v + 0f);
        return k ^ ((k >> 31) & 0x7fffffff);
    }

    /** The key of a double, as {@link #orderKey(float)}. */
    static long orderKey(double v) {
        long k = Double.doubleToRawLongBits(v + 0d);
        return k ^ ((k >> 63) & 0x7fffffffffffffffL);
    }

    /** 1 when {@code a < b}, else 0 (signed, without overflow: Hacker's Delight 2-12). */
    static int less(long a, long b) {
        long d = a - b;
        return (int) ((d ^ ((a ^ b) & (d ^ a))) >>> 63);
    }
}
