package org.vesalius.medical;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.vesalius.tensor.Tensor;

/**
 * Voxels plus the geometry that places them in the patient: spacing, origin and direction, and
 * free-form metadata. Transforms return a new image with updated geometry; the image itself is
 * immutable apart from the tensor it wraps.
 *
 * <h2>Axes</h2>
 * {@link #data()} is channel-first, slowest axis first, like PyTorch's convolutions expect:
 * {@code [C, Y, X]} for a 2-D image and {@code [C, Z, Y, X]} for a 3-D one. The <em>index</em>
 * {@code (i, j, k)} of a voxel counts along X, Y and Z: {@code i} is the last tensor dimension (a DICOM
 * column, NIfTI's first index, the fastest in the file), {@code j} the one before it (a DICOM row,
 * NIfTI's second index), {@code k} the slice (a DICOM frame or slice, NIfTI's third index). A 2-D image
 * has {@code k = 0}. So the tensor's row-major order is each file's own order and no file needs a
 * transpose. Channels are colour samples (DICOM RGB), time points or vector components (NIfTI's 4th
 * to 7th dimensions, flattened).
 *
 * <h2>World coordinates</h2>
 * Geometry is in millimetres in <b>RAS+</b> (+x towards the patient's Right, +y Anterior,
 * +z Superior), the convention of NIfTI, nibabel and MONAI. DICOM's patient coordinates are LPS+ (+x = Left, +y = Posterior): readers
 * negate x and y of DICOM positions and orientation cosines, and {@link #affineLps()} gives the DICOM
 * view back. With {@code D} the 3x3 {@link #direction()} (column {@code a} is the unit vector along
 * index axis {@code a}), {@code S = diag(spacing)} and {@code o} the {@link #origin()} (the world
 * position of voxel {@code (0,0,0)}'s centre):
 * <pre>  world = D · S · (i, j, k)ᵀ + o,   affine = [[D·S, o], [0, 0, 0, 1]]</pre>
 * Direction columns are unit length but need not be orthogonal (a tilted-gantry series or a sheared
 * sform keeps its shear), so any invertible affine round-trips through this image.
 */
public final class MedicalImage implements AutoCloseable {
    private final Tensor data;
    private final double[] spacing;
    private final double[] origin;
    private final double[] direction;
    private final Map<String, Object> metadata;

    /**
     * @param data      {@code [C, Y, X]} or {@code [C, Z, Y, X]}
     * @param spacing   voxel size in mm along i, j, k (all positive; for a 2-D image {@code spacing[2]} is
     *                  the slice thickness, 1 when unknown)
     * @param origin    RAS world position (mm) of voxel (0, 0, 0)
     * @param direction 3x3 row-major; column a is the unit RAS vector of index axis a
     * @param metadata  header fields (copied; values should be immutable)
     */
    public MedicalImage(Tensor data, double[] spacing, double[] origin, double[] direction,
                        Map<String, ?> metadata) {
        if (data.dim() != 3 && data.dim() != 4) {
            throw new IllegalArgumentException("MedicalImage: data must be [C, Y, X] or [C, Z, Y, X], got shape "
                    + Arrays.toString(data.shape()));
        }
        check("spacing", spacing, 3);
        check("origin", origin, 3);
        check("direction", direction, 9);
        for (double s : spacing) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("MedicalImage: spacing must be positive, got " + Arrays.toString(spacing));
            }
        }
        double[] d = direction.clone();
        for (int a = 0; a < 3; a++) {
            double n = Math.sqrt(d[a] * d[a] + d[3 + a] * d[3 + a] + d[6 + a] * d[6 + a]);
            if (Math.abs(n - 1) > 1e-4) {
                throw new IllegalArgumentException("MedicalImage: direction column " + a + " must be a unit vector, has length " + n);
            }
        }
        if (Math.abs(Affines.det3(d)) < 1e-6) {
            throw new IllegalArgumentException("MedicalImage: direction is singular: " + Arrays.toString(direction));
        }
        this.data = data;
        this.spacing = spacing.clone();
        this.origin = origin.clone();
        this.direction = d;
        this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    private static void check(String what, double[] v, int n) {
        if (v == null || v.length != n) {
            throw new IllegalArgumentException("MedicalImage: " + what + " must have " + n + " values, got "
                    + (v == null ? "null" : Arrays.toString(v)));
        }
        for (double x : v) {
            if (!Double.isFinite(x)) {
                throw new IllegalArgumentException("MedicalImage: " + what + " must be finite, got " + Arrays.toString(v));
            }
        }
    }

    /** An image with unit spacing, origin 0 and identity direction (a photograph, a PNG). */
    public static MedicalImage of(Tensor data) {
        return new MedicalImage(data, new double[] {1, 1, 1}, new double[3], Affines.identity3(), Map.of());
    }

    /**
     * An image whose geometry is the 4x4 (or 3x4) RAS {@code affine} mapping index (i, j, k) to world mm:
     * spacing = column norms, direction = normalised columns, origin = last column.
     */
    public static MedicalImage fromAffine(Tensor data, double[][] affine, Map<String, ?> metadata) {
        double[][] g = Affines.decompose(affine);
        return new MedicalImage(data, g[0], g[1], g[2], metadata);
    }

    /** The voxels, {@code [C, Y, X]} or {@code [C, Z, Y, X]} (not a copy). */
    public Tensor data() {
        return data;
    }

    /** 2 or 3. */
    public int spatialDims() {
        return data.dim() - 1;
    }

    public int channels() {
        return data.size(0);
    }

    /** Voxel counts along i, j, k (k = 1 for a 2-D image): the tensor's spatial shape reversed. */
    public int[] size() {
        int n = data.dim();
        return new int[] {data.size(n - 1), data.size(n - 2), n == 4 ? data.size(1) : 1};
    }

    /** Voxel size in mm along i, j, k (a copy). */
    public double[] spacing() {
        return spacing.clone();
    }

    /** RAS position in mm of voxel (0, 0, 0) (a copy). */
    public double[] origin() {
        return origin.clone();
    }

    /** 3x3 row-major, column a = unit RAS vector of index axis a (a copy). */
    public double[] direction() {
        return direction.clone();
    }

    /** Header fields of the source file (unmodifiable). */
    public Map<String, Object> metadata() {
        return metadata;
    }

    /** 4x4 RAS affine: world = affine · (i, j, k, 1). */
    public double[][] affine() {
        return Affines.compose(spacing, origin, direction);
    }

    /** 4x4 LPS affine (DICOM patient coordinates): {@link #affine()} with x and y negated. */
    public double[][] affineLps() {
        return Affines.flipXY(affine());
    }

    /** RAS world position (mm) of a (possibly fractional) voxel index {@code {i, j, k}}. */
    public double[] indexToWorld(double... ijk) {
        if (ijk.length != 3 && !(ijk.length == 2 && spatialDims() == 2)) {
            throw new IllegalArgumentException("indexToWorld: need (i, j, k)" + (spatialDims() == 2 ? " or (i, j)" : "")
                    + ", got " + ijk.length + " values");
        }
        double[] p = {ijk[0], ijk[1], ijk.length == 3 ? ijk[2] : 0};
        return Affines.apply(affine(), p);
    }

    /** Fractional voxel index {@code {i, j, k}} of an RAS world position (mm). */
    public double[] worldToIndex(double... xyz) {
        if (xyz.length != 3) {
            throw new IllegalArgumentException("worldToIndex: need (x, y, z), got " + xyz.length + " values");
        }
        return Affines.apply(Affines.invert(affine()), xyz);
    }

    /**
     * Orientation code in nibabel's style: for each index axis i, j, k the RAS letter it points towards
     * most, e.g. {@code "LAS"} for a radiological NIfTI.
     */
    public String orientation() {
        return Affines.orientation(direction);
    }

    /** Same geometry and metadata around new voxels with the same spatial shape (channels may change). */
    public MedicalImage withData(Tensor newData) {
        if (newData.dim() != data.dim()) {
            throw new IllegalArgumentException("withData: expected a " + data.dim() + "-dim tensor like "
                    + Arrays.toString(data.shape()) + ", got " + Arrays.toString(newData.shape()));
        }
        for (int d = 1; d < data.dim(); d++) {
            if (newData.size(d) != data.size(d)) {
                throw new IllegalArgumentException("withData: spatial shape must stay " + Arrays.toString(data.shape())
                        + " (channels may change), got " + Arrays.toString(newData.shape()));
            }
        }
        return new MedicalImage(newData, spacing, origin, direction, metadata);
    }

    /** Same voxels and metadata with new geometry (a transform that moved or resampled the grid). */
    public MedicalImage withGeometry(double[] newSpacing, double[] newOrigin, double[] newDirection) {
        return new MedicalImage(data, newSpacing, newOrigin, newDirection, metadata);
    }

    /** A copy of the metadata with one entry set (or removed when {@code value} is null). */
    public MedicalImage withMetadata(String key, Object value) {
        Map<String, Object> m = new LinkedHashMap<>(metadata);
        if (value == null) {
            m.remove(key);
        } else {
            m.put(key, value);
        }
        return new MedicalImage(data, spacing, origin, direction, m);
    }

    /**
     * The 2-D plane {@code index} along index axis {@code axis} (0 = i, 1 = j, 2 = k) of a 3-D image,
     * keeping its place in the world: the remaining axes, in order, become the plane's i and j, and the
     * sliced axis its k. Data {@code [C, Z, Y, X]} → {@code [C, Y, X]} (axis 2), {@code [C, Z, X]} (axis 1)
     * or {@code [C, Z, Y]} (axis 0), a view of this image's tensor.
     */
    public MedicalImage slice(int axis, int index) {
        if (spatialDims() != 3) {
            throw new IllegalArgumentException("slice: needs a 3-D image, this one is " + Arrays.toString(data.shape()));
        }
        if (axis < 0 || axis > 2) {
            throw new IllegalArgumentException("slice: axis must be 0 (i), 1 (j) or 2 (k), got " + axis);
        }
        int n = size()[axis];
        if (index < 0 || index >= n) {
            throw new IllegalArgumentException("slice: index " + index + " outside [0, " + n + ") along axis " + axis);
        }
        int[] keep = axis == 0 ? new int[] {1, 2} : axis == 1 ? new int[] {0, 2} : new int[] {0, 1};
        int[] order = {keep[0], keep[1], axis};
        double[] sp = new double[3];
        double[] dir = new double[9];
        for (int a = 0; a < 3; a++) {
            sp[a] = spacing[order[a]];
            for (int r = 0; r < 3; r++) {
                dir[3 * r + a] = direction[3 * r + order[a]];
            }
        }
        double[] o = origin.clone();
        for (int r = 0; r < 3; r++) {
            o[r] += index * spacing[axis] * direction[3 * r + axis];
        }
        Tensor plane = data.select(3 - axis, index);
        return new MedicalImage(plane, sp, o, dir, metadata);
    }

    /** Closes the voxel tensor. */
    @Override
    public void close() {
        data.close();
    }

    @Override
    public String toString() {
        return "MedicalImage(shape=" + Arrays.toString(data.shape()) + ", dtype=" + data.dtype()
                + ", spacing=" + Arrays.toString(spacing) + ", origin=" + Arrays.toString(origin)
                + ", orientation=" + orientation() + ")";
    }
}
