package org.vesalius.cnn;

import java.util.Arrays;
import java.util.function.Supplier;
import java.util.StringJoiner;

/** Argument checks and printing shared by the layers: per-dim sizes given as one value or one per dim. */
final class Sizes {
    private Sizes() {
    }

    /**
     * One value for every spatial dim, or one per dim, each at least {@code min}; a copy.
     *
     * @throws IllegalArgumentException naming the layer and the argument otherwise
     */
    static int[] expand(String layer, String what, int[] values, int spatialDims, int min) {
        if (values == null || (values.length != 1 && values.length != spatialDims)) {
            throw new IllegalArgumentException(layer + ": " + what + " needs 1 or " + spatialDims + " values, got "
                    + Arrays.toString(values));
        }
        int[] out = new int[spatialDims];
        for (int d = 0; d < spatialDims; d++) {
            out[d] = values[values.length == 1 ? 0 : d];
            if (out[d] < min) {
                throw new IllegalArgumentException(layer + ": " + what + " must be >= " + min + ", got "
                        + Arrays.toString(values));
            }
        }
        return out;
    }

    /** Whether every entry is {@code v}. */
    static boolean all(int[] a, int v) {
        for (int x : a) {
            if (x != v) {
                return false;
            }
        }
        return true;
    }

    /** A Python tuple as PyTorch prints it: {@code (5, 5)}, or {@code (5,)} for one element. */
    static String tuple(int[] a) {
        if (a.length == 1) {
            return "(" + a[0] + ",)";
        }
        StringJoiner j = new StringJoiner(", ", "(", ")");
        for (int x : a) {
            j.add(Integer.toString(x));
        }
        return j.toString();
    }

    /** A size as the user gave it: a plain number for one value, a tuple for one per dim. */
    static String given(int[] a) {
        return a.length == 1 ? Integer.toString(a[0]) : tuple(a);
    }

    /** The spatial dims' names for messages: {@code L}, {@code H, W} or {@code D, H, W}. */
    static String spatialNames(int spatialDims) {
        return spatialDims == 1 ? "L" : spatialDims == 2 ? "H, W" : "D, H, W";
    }

    /**
     * Throws unless {@code input} is {@code [N, C, *spatial]} or {@code [C, *spatial]} with
     * {@code spatialDims} spatial dims and (when {@code channels > 0}) that many channels. The layer's
     * name (its printout) is built only for the message: layers check every forward.
     */
    static void checkInput(Supplier<String> layerName, int[] shape, int spatialDims, int channels) {
        boolean ok = shape.length == spatialDims + 1 || shape.length == spatialDims + 2;
        int c = ok ? shape[shape.length - spatialDims - 1] : -1;
        if (ok && (channels <= 0 || c == channels)) {
            return;
        }
        String layer = layerName.get();
        String sp = spatialNames(spatialDims);
        String ch = channels > 0 ? Integer.toString(channels) : "C";
        String want = "[N, " + ch + ", " + sp + "] or unbatched [" + ch + ", " + sp + "]";
        if (!ok) {
            throw new IllegalArgumentException(layer + ": expected a " + (spatialDims + 2) + "-d input " + want
                    + ", got a " + shape.length + "-d input of shape " + Arrays.toString(shape));
        }
        throw new IllegalArgumentException(layer + ": expected input " + want + " with " + channels + " channel"
                + (channels == 1 ? "" : "s") + ", got shape " + Arrays.toString(shape) + " with " + c + " channel"
                + (c == 1 ? "" : "s"));
    }
}
