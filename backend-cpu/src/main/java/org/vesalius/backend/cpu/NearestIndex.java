package org.vesalius.backend.cpu;

/**
 * Source positions of nearest-neighbour resampling, per spatial dim, computed in float exactly as
 * PyTorch does (for every dtype), so the same pixels are picked.
 */
final class NearestIndex {
    private NearestIndex() {
    }

    /**
     * For each output position of a dim, the input position it copies.
     *
     * @param scaleFactor the user's scale factor, or 0 to map with {@code in / out}
     * @param exact       {@code nearest-exact} (pixel centres) instead of PyTorch's legacy {@code nearest}
     */
    static int[] table(int in, int out, double scaleFactor, boolean exact) {
        int[] src = new int[out];
        float scale = scaleFactor > 0 ? (float) (1.0 / scaleFactor) : (float) in / out;
        for (int o = 0; o < out; o++) {
            if (exact) {
                src[o] = Math.min((int) Math.floor((float) ((o + 0.5) * scale)), in - 1);
            } else if (out == in) {
                src[o] = o;
            } else if (out == 2 * in) {
                // PyTorch's legacy shortcut: it ignores the scale factor here
                src[o] = o >> 1;
            } else {
                src[o] = Math.min((int) Math.floor(o * scale), in - 1);
            }
        }
        return src;
    }
}
