package org.vesalius.examples;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.zip.GZIPInputStream;
import org.vesalius.tensor.Tensor;

/**
 * The 10,000 MNIST digits bundled with the examples (see {@code mnist-10k/README.md} on the class
 * path for origin and licences), read from gzip-compressed IDX files.
 *
 * <p>IDX is MNIST's own format: a big-endian magic number whose low bytes give the element type
 * ({@code 0x08} = unsigned byte) and the number of dimensions, one big-endian int per dimension,
 * then the elements in row-major order.
 */
public final class Mnist {
    /** Class-path folder of the bundled files. */
    public static final String RESOURCE_DIR = "/mnist-10k/";

    private final Tensor images;
    private final Tensor labels;

    private Mnist(Tensor images, Tensor labels) {
        this.images = images;
        this.labels = labels;
    }

    /** Reads the bundled digits: images uint8 {@code [10000, 28, 28]}, labels int64 {@code [10000]}. */
    public static Mnist load() {
        try {
            Idx img = readIdx(RESOURCE_DIR + "images-idx3-ubyte.gz");
            Idx lab = readIdx(RESOURCE_DIR + "labels-idx1-ubyte.gz");
            if (img.shape.length != 3 || lab.shape.length != 1 || img.shape[0] != lab.shape[0]) {
                throw new IOException("MNIST: expected images [n, rows, cols] and labels [n], got images "
                        + java.util.Arrays.toString(img.shape) + " and labels " + java.util.Arrays.toString(lab.shape));
            }
            long[] labels = new long[lab.data.length];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = lab.data[i] & 0xff;
            }
            return new Mnist(Tensor.of(img.data, img.shape), Tensor.of(labels));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Grey levels 0..255, uint8 {@code [n, 28, 28]}. */
    public Tensor images() {
        return images;
    }

    /** Digit classes 0..9, int64 {@code [n]}. */
    public Tensor labels() {
        return labels;
    }

    /** Number of digits. */
    public int size() {
        return labels.size(0);
    }

    private static final class Idx {
        final int[] shape;
        final byte[] data;

        Idx(int[] shape, byte[] data) {
            this.shape = shape;
            this.data = data;
        }
    }

    private static Idx readIdx(String resource) throws IOException {
        InputStream raw = Mnist.class.getResourceAsStream(resource);
        if (raw == null) {
            throw new IOException("MNIST: resource " + resource + " is not on the class path");
        }
        try (DataInputStream in = new DataInputStream(new GZIPInputStream(raw, 1 << 16))) {
            int magic = in.readInt();
            int type = (magic >>> 8) & 0xff;
            int rank = magic & 0xff;
            if ((magic >>> 16) != 0 || type != 0x08 || rank < 1 || rank > 4) {
                throw new IOException(String.format("MNIST: %s is not an unsigned-byte IDX file (magic 0x%08x)", resource, magic));
            }
            int[] shape = new int[rank];
            long count = 1;
            for (int i = 0; i < rank; i++) {
                shape[i] = in.readInt();
                if (shape[i] < 0) {
                    throw new IOException("MNIST: " + resource + " declares a negative size " + shape[i]);
                }
                count *= shape[i];
            }
            if (count > Integer.MAX_VALUE) {
                throw new IOException("MNIST: " + resource + " declares " + count + " elements, too many for one array");
            }
            byte[] data = new byte[(int) count];
            try {
                in.readFully(data);
            } catch (EOFException e) {
                throw new IOException("MNIST: " + resource + " is truncated: expected " + count + " elements", e);
            }
            return new Idx(shape, data);
        }
    }
}
