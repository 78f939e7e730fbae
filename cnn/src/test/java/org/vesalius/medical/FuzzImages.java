package org.vesalius.medical;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;
import org.vesalius.testing.ReaderFuzz;

/** What the medical readers' fuzz tests share: describing an image, the test resources. */
public final class FuzzImages {
    private FuzzImages() {
    }

    /** The image's size in bytes and a fingerprint of its values and geometry; closes it. */
    public static ReaderFuzz.Decoded describe(MedicalImage img) {
        try (img) {
            long bytes = (long) img.data().numel() * img.data().dtype().byteSize();
            String print = Arrays.toString(img.data().shape()) + img.data().dtype()
                    + Arrays.hashCode(img.data().toDoubleArray()) + Arrays.toString(img.spacing())
                    + Arrays.toString(img.origin()) + Arrays.toString(img.direction());
            return new ReaderFuzz.Decoded(bytes, print);
        }
    }

    /** A file of the conformance corpus ({@code src/test/resources/medical}). */
    public static byte[] corpus(String file) throws IOException {
        return Files.readAllBytes(ConformanceTest.corpus().resolve(file));
    }

    /** A file of the test resources ({@code src/test/resources}), e.g. {@code medical-fixtures/x.dcm}. */
    public static byte[] resource(String path) throws IOException {
        return Files.readAllBytes(ConformanceTest.corpus().getParent().resolve(path));
    }
}
