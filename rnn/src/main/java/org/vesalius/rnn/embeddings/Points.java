package org.vesalius.rnn.embeddings;

/**
 * {@code n} points of dimension {@code d}, row-major in one array, checked once on the way in
 * (rectangular, finite) so the loops that read them need no checks.
 */
record Points(float[] data, int n, int d) {

    /** The rows of {@code x}; {@code who} names the caller in error messages. */
    static Points of(float[][] x, String who) {
        if (x == null || x.length == 0) {
            throw new IllegalArgumentException(who + ": no points (need an [N, D] array with N >= 1)");
        }
        if (x[0] == null || x[0].length == 0) {
            throw new IllegalArgumentException(who + ": point 0 has no coordinates (need D >= 1)");
        }
        int d = x[0].length;
        float[] data = new float[Math.multiplyExact(x.length, d)];
        for (int i = 0; i < x.length; i++) {
            if (x[i] == null || x[i].length != d) {
                throw new IllegalArgumentException(who + ": point " + i + " has " + (x[i] == null ? "no" : x[i].length)
                        + " coordinates, point 0 has " + d);
            }
            for (int j = 0; j < d; j++) {
                if (!Float.isFinite(x[i][j])) {
                    throw new IllegalArgumentException(who + ": point " + i + " has a non-finite coordinate " + x[i][j]
                            + " at " + j);
                }
            }
            System.arraycopy(x[i], 0, data, i * d, d);
        }
        return new Points(data, x.length, d);
    }

    /**
     * Squared Euclidean distance between points {@code i} and {@code j}: float arithmetic, as
     * scikit-learn's float32 path (about 1e-7 relative), in eight partial sums that the CPU overlaps;
     * converting every term to double would make this loop several times slower.
     */
    double distance2(int i, int j) {
        int a = i * d;
        int b = j * d;
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        float s4 = 0;
        float s5 = 0;
        float s6 = 0;
        float s7 = 0;
        int t = 0;
        for (; t + 7 < d; t += 8) {
            float e0 = data[a + t] - data[b + t];
            float e1 = data[a + t + 1] - data[b + t + 1];
            float e2 = data[a + t + 2] - data[b + t + 2];
            float e3 = data[a + t + 3] - data[b + t + 3];
            float e4 = data[a + t + 4] - data[b + t + 4];
            float e5 = data[a + t + 5] - data[b + t + 5];
            float e6 = data[a + t + 6] - data[b + t + 6];
            float e7 = data[a + t + 7] - data[b + t + 7];
            s0 += e0 * e0;
            s1 += e1 * e1;
            s2 += e2 * e2;
            s3 += e3 * e3;
            s4 += e4 * e4;
            s5 += e5 * e5;
            s6 += e6 * e6;
            s7 += e7 * e7;
        }
        for (; t < d; t++) {
            float e = data[a + t] - data[b + t];
            s0 += e * e;
        }
        return ((double) s0 + s1 + s2 + s3) + ((double) s4 + s5 + s6 + s7);
    }

    /**
     * The {@code k} nearest other points of every point by Euclidean distance, exactly (all pairs are
     * compared: O(N^2 D), run once): {@code indices[i * k + m]} and their squared distances, nearest
     * first, ties by index.
     */
    Neighbours nearest(int k, Parallel parallel) {
        if (k < 1 || k > n - 1) {
            throw new IllegalArgumentException("nearest: k = " + k + " neighbours of " + n + " points (need 1..N-1)");
        }
        int[] indices = new int[Math.multiplyExact(n, k)];
        double[] dist2 = new double[indices.length];
        parallel.forRange(n, 16, (from, to) -> {
            int[] heapIdx = new int[k];
            double[] heapDist = new double[k];
            for (int i = from; i < to; i++) {
                int size = 0;
                for (int j = 0; j < n; j++) {
                    if (j == i) {
                        continue;
                    }
                    double dd = distance2(i, j);
                    if (size < k) {
                        siftUp(heapIdx, heapDist, size++, j, dd);
                    } else if (dd < heapDist[0]) {
                        siftDown(heapIdx, heapDist, k, j, dd);
                    }
                }
                // pop the max-heap from the back: farthest last
                for (int m = k - 1; m >= 0; m--) {
                    indices[i * k + m] = heapIdx[0];
                    dist2[i * k + m] = heapDist[0];
                    int lastIdx = heapIdx[m];
                    double lastDist = heapDist[m];
                    if (m > 0) {
                        siftDown(heapIdx, heapDist, m, lastIdx, lastDist);
                    }
                }
            }
        });
        return new Neighbours(indices, dist2, k);
    }

    /** Max-heap on (distance, index): the later index is the larger of two equal distances. */
    private static boolean above(double da, int ia, double db, int ib) {
        return da > db || da == db && ia > ib;
    }

    private static void siftUp(int[] idx, double[] dist, int pos, int j, double dd) {
        while (pos > 0) {
            int parent = (pos - 1) / 2;
            if (!above(dd, j, dist[parent], idx[parent])) {
                break;
            }
            idx[pos] = idx[parent];
            dist[pos] = dist[parent];
            pos = parent;
        }
        idx[pos] = j;
        dist[pos] = dd;
    }

    /** Replaces the root of a heap of {@code size} entries by (j, dd) and restores the order. */
    private static void siftDown(int[] idx, double[] dist, int size, int j, double dd) {
        int pos = 0;
        while (true) {
            int c = 2 * pos + 1;
            if (c >= size) {
                break;
            }
            if (c + 1 < size && above(dist[c + 1], idx[c + 1], dist[c], idx[c])) {
                c++;
            }
            if (!above(dist[c], idx[c], dd, j)) {
                break;
            }
            idx[pos] = idx[c];
            dist[pos] = dist[c];
            pos = c;
        }
        idx[pos] = j;
        dist[pos] = dd;
    }

    /** The {@code k} nearest neighbours of each point (see {@link #nearest}). */
    record Neighbours(int[] indices, double[] dist2, int k) {
    }
}
