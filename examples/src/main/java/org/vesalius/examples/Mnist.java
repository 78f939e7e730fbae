package org.vesalius.examples;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import org.vesalius.data.Idx;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Tensor;

/**
 * The 10,000 MNIST digits bundled with the examples (see {@code mnist-10k/README.md} on the class
 * path for origin and licences), read from gzip-compressed IDX files with {@link Idx}.
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
            Tensor images = read(RESOURCE_DIR + "images-idx3-ubyte.gz");
            Tensor labels = read(RESOURCE_DIR + "labels-idx1-ubyte.gz");
            if (images.dim() != 3 || labels.dim() != 1 || images.size(0) != labels.size(0)
                    || images.dtype() != DType.UINT8 || labels.dtype() != DType.UINT8) {
                throw new IOException("MNIST: expected uint8 images [n, rows, cols] and labels [n], got images "
                        + images.dtype() + " " + Arrays.toString(images.shape()) + " and labels " + labels.dtype() + " "
                        + Arrays.toString(labels.shape()));
            }
            try (labels) {
                return new Mnist(images, labels.toLong());
            }
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

    private static Tensor read(String resource) throws IOException {
        try (InputStream in = Mnist.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("MNIST: resource " + resource + " is not on the class path");
            }
            return Idx.read(in);
        }
    }
}
