package org.vesalius.medical.nifti;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A NIfTI-1 (348-byte) or NIfTI-2 (540-byte) header with every field, in NIfTI-2's wider types
 * (NIfTI-1 values are widened exactly). The affines follow nibabel: {@link #qformAffine()} from the
 * quaternion whatever qform_code says, {@link #sformAffine()} from the srow rows, and
 * {@link #bestAffine()} sform if sform_code &gt; 0, else qform if qform_code &gt; 0, else
 * {@code diag(pixdim[1..3])} (NIfTI method 1). All map voxel (i, j, k) to RAS+ millimetres.
 */
public final class NiftiHeader {
    /** 1 or 2. */
    public int version = 1;
    public boolean bigEndian;
    public int sizeofHdr = 348;
    /** {@code n+1}, {@code ni1}, {@code n+2} or {@code ni2}. */
    public String magic = "n+1";
    public int dimInfo;
    public final long[] dim = new long[8];
    public double intentP1;
    public double intentP2;
    public double intentP3;
    public int intentCode;
    public int datatype;
    public int bitpix;
    public long sliceStart;
    public final double[] pixdim = new double[8];
    public long voxOffset;
    public double sclSlope;
    public double sclInter;
    public long sliceEnd;
    public int sliceCode;
    public int xyztUnits;
    public double calMax;
    public double calMin;
    public double sliceDuration;
    public double toffset;
    public String descrip = "";
    public String auxFile = "";
    public int qformCode;
    public int sformCode;
    public double quaternB;
    public double quaternC;
    public double quaternD;
    public double qoffsetX;
    public double qoffsetY;
    public double qoffsetZ;
    public final double[] srowX = new double[4];
    public final double[] srowY = new double[4];
    public final double[] srowZ = new double[4];
    public String intentName = "";
    /** Header extensions in file order. */
    public final List<Extension> extensions = new ArrayList<>();

    /** One header extension: its code and its content (without the 8-byte esize/ecode prefix). */
    public record Extension(int code, byte[] content) {
        /** Bytes on disk: 8 + content, padded to a multiple of 16. */
        public int sizeOnDisk() {
            return (8 + content.length + 15) / 16 * 16;
        }
    }

    /** True for the single-file formats ({@code n+1}, {@code n+2}); false for .hdr/.img pairs. */
    public boolean singleFile() {
        return magic.startsWith("n+");
    }

    /** The sizes of the {@code dim[0]} used dimensions, i first. */
    public long[] shape() {
        int n = (int) Math.max(0, Math.min(7, dim[0]));
        long[] s = new long[n];
        System.arraycopy(dim, 1, s, 0, n);
        return s;
    }

    /** Units of pixdim[1..3]: {@code unknown}, {@code meter}, {@code mm} or {@code micron}. */
    public String xyzUnits() {
        switch (xyztUnits & 0x07) {
            case 1: return "meter";
            case 2: return "mm";
            case 3: return "micron";
            default: return "unknown";
        }
    }

    /** Units of pixdim[4]: {@code unknown}, {@code sec}, {@code msec}, {@code usec}, {@code hz}, {@code ppm}, {@code rads}. */
    public String tUnits() {
        switch (xyztUnits & 0x38) {
            case 8: return "sec";
            case 16: return "msec";
            case 24: return "usec";
            case 32: return "hz";
            case 40: return "ppm";
            case 48: return "rads";
            default: return "unknown";
        }
    }

    /** The rotation quaternion's real part, {@code sqrt(1 - b² - c² - d²)} (0 when rounding makes that negative). */
    public double quaternA() {
        double w2 = 1 - (quaternB * quaternB + quaternC * quaternC + quaternD * quaternD);
        return w2 < 0 ? 0 : Math.sqrt(w2);
    }

    /** The qform affine (4x4), computed from the quaternion, pixdim and qoffset as nibabel does. */
    public double[][] qformAffine() {
        double a = quaternA();
        double b = quaternB;
        double c = quaternC;
        double d = quaternD;
        double n = a * a + b * b + c * c + d * d;
        double[][] r = new double[3][3];
        if (n < 1e-15) {
            r[0][0] = r[1][1] = r[2][2] = 1;
        } else {
            double s = 2.0 / n;
            double x = b * s;
            double y = c * s;
            double z = d * s;
            double wx = a * x;
            double wy = a * y;
            double wz = a * z;
            double xx = b * x;
            double xy = b * y;
            double xz = b * z;
            double yy = c * y;
            double yz = c * z;
            double zz = d * z;
            r[0] = new double[] {1.0 - (yy + zz), xy - wz, xz + wy};
            r[1] = new double[] {xy + wz, 1.0 - (xx + zz), yz - wx};
            r[2] = new double[] {xz - wy, yz + wx, 1.0 - (xx + yy)};
        }
        double qfac = pixdim[0] == -1 ? -1 : 1;
        double[] vox = {pixdim[1], pixdim[2], pixdim[3] * qfac};
        double[][] m = new double[4][4];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                m[i][j] = r[i][j] * vox[j];
            }
        }
        m[0][3] = qoffsetX;
        m[1][3] = qoffsetY;
        m[2][3] = qoffsetZ;
        m[3][3] = 1;
        return m;
    }

    /** The sform affine: rows srow_x, srow_y, srow_z, then (0, 0, 0, 1). */
    public double[][] sformAffine() {
        return new double[][] {srowX.clone(), srowY.clone(), srowZ.clone(), {0, 0, 0, 1}};
    }

    /** The affine a reader should use (see the class comment). */
    public double[][] bestAffine() {
        if (sformCode > 0) {
            return sformAffine();
        }
        if (qformCode > 0) {
            return qformAffine();
        }
        return new double[][] {{pixdim[1], 0, 0, 0}, {0, pixdim[2], 0, 0}, {0, 0, pixdim[3], 0}, {0, 0, 0, 1}};
    }

    /** Which affine {@link #bestAffine()} uses, in the manifest's words. */
    public String bestAffineSource() {
        if (sformCode > 0) {
            return "sform (sform_code > 0)";
        }
        if (qformCode > 0) {
            return "qform (qform_code > 0)";
        }
        return "pixdim (NIfTI-1 method 1)";
    }

    /** Sets qform (quaternion, qfac, pixdim[0..3], qoffset) to the closest rigid part of {@code affine}, as nibabel's set_qform. */
    public void setQform(double[][] affine, int code) {
        double[] zooms = new double[3];
        double[][] r = new double[3][3];
        for (int j = 0; j < 3; j++) {
            zooms[j] = Math.sqrt(affine[0][j] * affine[0][j] + affine[1][j] * affine[1][j] + affine[2][j] * affine[2][j]);
            for (int i = 0; i < 3; i++) {
                r[i][j] = zooms[j] == 0 ? (i == j ? 1 : 0) : affine[i][j] / zooms[j];
            }
        }
        double det = r[0][0] * (r[1][1] * r[2][2] - r[1][2] * r[2][1]) - r[0][1] * (r[1][0] * r[2][2] - r[1][2] * r[2][0])
                + r[0][2] * (r[1][0] * r[2][1] - r[1][1] * r[2][0]);
        double qfac = 1;
        if (det < 0) {
            qfac = -1;
            for (int i = 0; i < 3; i++) {
                r[i][2] = -r[i][2];
            }
        }
        double[][] q = Rotations.nearestRotation(r);
        double[] quat = Rotations.toQuaternion(q);
        if (quat[0] < 0) {
            for (int i = 0; i < 4; i++) {
                quat[i] = -quat[i];
            }
        }
        quaternB = quat[1];
        quaternC = quat[2];
        quaternD = quat[3];
        pixdim[0] = qfac;
        pixdim[1] = zooms[0];
        pixdim[2] = zooms[1];
        pixdim[3] = zooms[2];
        qoffsetX = affine[0][3];
        qoffsetY = affine[1][3];
        qoffsetZ = affine[2][3];
        qformCode = code;
    }

    /** Sets sform rows to {@code affine}. */
    public void setSform(double[][] affine, int code) {
        System.arraycopy(affine[0], 0, srowX, 0, 4);
        System.arraycopy(affine[1], 0, srowY, 0, 4);
        System.arraycopy(affine[2], 0, srowZ, 0, 4);
        sformCode = code;
    }

    /** A fixed-width text field: trailing NULs removed (inner NULs kept, as nibabel does). */
    static String cString(ByteBuffer bb, int off, int len) {
        byte[] b = new byte[len];
        bb.get(off, b);
        int n = len;
        while (n > 0 && b[n - 1] == 0) {
            n--;
        }
        return new String(b, 0, n, StandardCharsets.ISO_8859_1);
    }

    static void putCString(ByteBuffer bb, int off, int len, String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < len; i++) {
            bb.put(off + i, i < b.length && i < len - 1 ? b[i] : 0);
        }
    }

    static ByteBuffer buffer(byte[] b, boolean bigEndian) {
        return ByteBuffer.wrap(b).order(bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
    }
}
