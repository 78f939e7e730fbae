package org.vesalius.io;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Reading a number of bytes that a file's header states, without trusting it: memory is allocated as
 * the bytes arrive, so a header that claims gigabytes in a file of a few hundred bytes costs a few
 * hundred bytes. The readers of IDX, NIfTI and the like use it wherever a declared length meets a stream
 * whose length is unknown (gzip, network).
 */
public final class BoundedInput {
    private static final int FIRST_PIECE = 1 << 16;
    private static final int LARGEST_PIECE = 1 << 20;

    private BoundedInput() {
    }

    /**
     * Reads {@code n} bytes from {@code in}, or fewer if it ends first: the result's length says which.
     * The bytes are read into pieces each at most as large as all before it (64 KiB first, 1 MiB at
     * most), then joined, so at most about twice the bytes actually present are allocated.
     *
     * @throws IllegalArgumentException if {@code n} is negative or more than a Java array holds
     * @throws IOException              if reading fails (an {@link java.io.EOFException} from a gzip stream
     *                                  cut short is passed on)
     */
    public static byte[] readUpTo(InputStream in, long n) throws IOException {
        if (n < 0 || n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("readUpTo: " + n + " bytes cannot be read into one array");
        }
        List<byte[]> pieces = new ArrayList<>();
        long got = 0;
        while (got < n) {
            byte[] piece = new byte[(int) Math.min(n - got, Math.min(Math.max(got, FIRST_PIECE), LARGEST_PIECE))];
            int k = in.readNBytes(piece, 0, piece.length);
            got += k;
            pieces.add(piece);
            if (k < piece.length) {
                break;
            }
        }
        if (pieces.size() == 1 && got == pieces.get(0).length) {
            return pieces.get(0);
        }
        byte[] out = new byte[(int) got];
        int at = 0;
        for (byte[] piece : pieces) {
            int len = (int) Math.min(piece.length, got - at);
            System.arraycopy(piece, 0, out, at, len);
            at += len;
        }
        return out;
    }
}
