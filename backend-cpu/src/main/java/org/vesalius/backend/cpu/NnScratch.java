package org.vesalius.backend.cpu;

/**
 * Per-thread working arrays for the kernels that copy planes or chunks out of native memory, work on
 * them in Java arrays (where the JIT vectorizes loops) and copy results back. Arrays up to
 * {@link #MAX_KEPT} elements are kept for reuse; larger ones (whole planes of big 3-D volumes) are
 * allocated per call so that a thread does not hold on to them.
 */
final class NnScratch {
    /** Elements per chunk for kernels that stream through memory. */
    static final int CHUNK = 4096;

    private static final int SLOTS = 8;
    private static final int MAX_KEPT = 1 << 20;

    private static final ThreadLocal<NnScratch> LOCAL = ThreadLocal.withInitial(NnScratch::new);

    private final float[][] floats = new float[SLOTS][];
    private final double[][] doubles = new double[SLOTS][];
    private final long[][] longs = new long[SLOTS][];

    private NnScratch() {
    }

    /** A float array of at least {@code n} elements for this thread; contents undefined. */
    static float[] floats(int slot, int n) {
        if (n > MAX_KEPT) {
            return new float[n];
        }
        NnScratch s = LOCAL.get();
        float[] a = s.floats[slot];
        if (a == null || a.length < n) {
            a = new float[Math.max(n, 256)];
            s.floats[slot] = a;
        }
        return a;
    }

    /** A double array of at least {@code n} elements for this thread; contents undefined. */
    static double[] doubles(int slot, int n) {
        if (n > MAX_KEPT) {
            return new double[n];
        }
        NnScratch s = LOCAL.get();
        double[] a = s.doubles[slot];
        if (a == null || a.length < n) {
            a = new double[Math.max(n, 256)];
            s.doubles[slot] = a;
        }
        return a;
    }

    /** A long array of at least {@code n} elements for this thread; contents undefined. */
    static long[] longs(int slot, int n) {
        if (n > MAX_KEPT) {
            return new long[n];
        }
        NnScratch s = LOCAL.get();
        long[] a = s.longs[slot];
        if (a == null || a.length < n) {
            a = new long[Math.max(n, 256)];
            s.longs[slot] = a;
        }
        return a;
    }
}
