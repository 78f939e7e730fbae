package org.vesalius.medical.transforms;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.vesalius.medical.MedicalImage;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/**
 * The images of one training example that must move together: an image, its label map and any other
 * entries (a second modality, a weight map), by key, all on the same voxel grid. A {@link Transform}
 * applied to a sample draws its random parameters once and applies them to every entry, so an image
 * and its label stay aligned.
 *
 * <p>Each entry has a {@link Kind}: spatial transforms interpolate {@link Kind#IMAGE} entries linearly
 * (unless told otherwise) and {@link Kind#LABEL} entries always by nearest neighbour; intensity
 * transforms change images only. A label holds whole numbers (class ids) of any dtype.
 *
 * <p>Immutable: transforms return a new sample. A sample returned by a transform may hold the very
 * images of its input that the transform left unchanged, so close the input only when both are done
 * with, or work inside a {@link org.vesalius.tensor.Scope}. {@link #close()} closes every entry.
 */
public final class Sample implements AutoCloseable {
    /** Key of the image in {@link #of(MedicalImage)} and {@link #of(MedicalImage, MedicalImage)}. */
    public static final String IMAGE = "image";
    /** Key of the label in {@link #of(MedicalImage, MedicalImage)}. */
    public static final String LABEL = "label";

    /** How an entry is transformed. */
    public enum Kind {
        /** Intensities: linear interpolation, intensity transforms apply. */
        IMAGE,
        /** Class ids: nearest-neighbour interpolation only, intensity transforms leave it alone. */
        LABEL
    }

    private static final Sample EMPTY = new Sample(new LinkedHashMap<>(), new LinkedHashMap<>());

    private final Map<String, MedicalImage> images;
    private final Map<String, Kind> kinds;

    private Sample(Map<String, MedicalImage> images, Map<String, Kind> kinds) {
        this.images = Collections.unmodifiableMap(images);
        this.kinds = Collections.unmodifiableMap(kinds);
    }

    /** A sample with no entries; add them with {@link #with}. */
    public static Sample empty() {
        return EMPTY;
    }

    /** One image under the key {@value #IMAGE}. */
    public static Sample of(MedicalImage image) {
        return EMPTY.with(IMAGE, image, Kind.IMAGE);
    }

    /** An image ({@value #IMAGE}) and its label map ({@value #LABEL}) on the same grid. */
    public static Sample of(MedicalImage image, MedicalImage label) {
        return of(image).with(LABEL, label, Kind.LABEL);
    }

    /**
     * This sample plus (or with a new) entry {@code key}.
     * @throws IllegalArgumentException when the image's spatial shape or geometry differs from the other
     *         entries' (resample it onto their grid first, e.g. with {@link Resampler#resampleTo}), or a
     *         label has fractional values
     */
    public Sample with(String key, MedicalImage image, Kind kind) {
        if (key == null || image == null || kind == null) {
            throw new IllegalArgumentException("Sample.with: key, image and kind must not be null");
        }
        for (Map.Entry<String, MedicalImage> e : images.entrySet()) {
            if (!e.getKey().equals(key)) {
                checkSameGrid(key, image, e.getKey(), e.getValue());
                break;
            }
        }
        if (kind == Kind.LABEL) {
            checkWholeNumbers(key, image.data());
        }
        Map<String, MedicalImage> im = new LinkedHashMap<>(images);
        Map<String, Kind> k = new LinkedHashMap<>(kinds);
        im.put(key, image);
        k.put(key, kind);
        return new Sample(im, k);
    }

    /** What a transform does to one entry: the new image, or the same object to pass it through. */
    @FunctionalInterface
    interface EntryOp {
        MedicalImage apply(String key, Kind kind, MedicalImage image);
    }

    /**
     * The same keys and kinds around the images {@code op} makes, unchecked: for transforms, which keep
     * every entry on one grid and labels whole. If {@code op} fails, images it already made are closed.
     */
    Sample map(EntryOp op) {
        Map<String, MedicalImage> im = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, MedicalImage> e : images.entrySet()) {
                im.put(e.getKey(), op.apply(e.getKey(), kinds.get(e.getKey()), e.getValue()));
            }
        } catch (RuntimeException | Error ex) {
            for (Map.Entry<String, MedicalImage> e : im.entrySet()) {
                if (e.getValue() != images.get(e.getKey())) {
                    e.getValue().close();
                }
            }
            throw ex;
        }
        return new Sample(im, new LinkedHashMap<>(kinds));
    }

    /** Entry {@code key}. @throws IllegalArgumentException naming the keys present when there is none */
    public MedicalImage get(String key) {
        MedicalImage m = images.get(key);
        if (m == null) {
            throw new IllegalArgumentException("Sample: no entry '" + key + "'; entries: " + images.keySet());
        }
        return m;
    }

    /** The entry {@value #IMAGE}. */
    public MedicalImage image() {
        return get(IMAGE);
    }

    /** The entry {@value #LABEL}. */
    public MedicalImage label() {
        return get(LABEL);
    }

    public boolean has(String key) {
        return images.containsKey(key);
    }

    /** Kind of entry {@code key}. */
    public Kind kind(String key) {
        get(key);
        return kinds.get(key);
    }

    /** The keys, in insertion order. */
    public Set<String> keys() {
        return images.keySet();
    }

    /** The entries by key, in insertion order (unmodifiable). */
    public Map<String, MedicalImage> images() {
        return images;
    }

    /** The first entry: all entries share its grid. */
    MedicalImage reference(String transform) {
        if (images.isEmpty()) {
            throw new IllegalArgumentException(transform + ": the sample has no entries");
        }
        return images.values().iterator().next();
    }

    /** Closes every entry's tensor. */
    @Override
    public void close() {
        for (MedicalImage m : images.values()) {
            m.close();
        }
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("Sample{");
        for (Map.Entry<String, MedicalImage> e : images.entrySet()) {
            if (b.length() > 7) {
                b.append(", ");
            }
            b.append(e.getKey()).append(" (").append(kinds.get(e.getKey())).append(")=").append(e.getValue());
        }
        return b.append('}').toString();
    }

    private static void checkSameGrid(String key, MedicalImage a, String otherKey, MedicalImage b) {
        if (a.spatialDims() != b.spatialDims() || !Arrays.equals(a.size(), b.size())) {
            throw new IllegalArgumentException("Sample: entry '" + key + "' has spatial size " + Arrays.toString(a.size())
                    + " (" + a.spatialDims() + "-D) but '" + otherKey + "' has " + Arrays.toString(b.size()) + " ("
                    + b.spatialDims() + "-D); entries of a sample share one voxel grid");
        }
        double[][] fa = a.affine();
        double[][] fb = b.affine();
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 4; c++) {
                if (Math.abs(fa[r][c] - fb[r][c]) > 1e-4 * (1 + Math.abs(fb[r][c]))) {
                    throw new IllegalArgumentException("Sample: entry '" + key + "' has affine " + Arrays.deepToString(fa)
                            + " but '" + otherKey + "' has " + Arrays.deepToString(fb)
                            + "; resample it onto the same grid first (Resampler.resampleTo)");
                }
            }
        }
    }

    private static void checkWholeNumbers(String key, Tensor t) {
        if (!t.dtype().isFloatingPoint()) {
            return;
        }
        // on the tensor, without a host copy of the whole label (SliceDataset checks every slice it serves)
        try (Scope s = Scope.open()) {
            Tensor bad = t.ne(t.round());
            if (bad.any().item() != 0) {
                double v = t.maskedSelect(bad).narrow(0, 0, 1).item();
                throw new IllegalArgumentException("Sample: label '" + key + "' has a non-integer value " + v
                        + "; a label holds class ids (add a soft mask or probability map as Kind.IMAGE)");
            }
        }
    }
}
