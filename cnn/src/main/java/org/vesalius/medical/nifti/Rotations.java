package org.vesalius.medical.nifti;

/** Rotation helpers for the qform: nearest rotation to a matrix, rotation matrix to quaternion. */
final class Rotations {
    private Rotations() {
    }

    /**
     * The orthonormal matrix closest to {@code m} (the polar factor, what nibabel gets from an SVD), by
     * Newton's iteration {@code X ← (X + X⁻ᵀ) / 2}, which converges quadratically from any invertible start.
     */
    static double[][] nearestRotation(double[][] m) {
        double[][] x = {m[0].clone(), m[1].clone(), m[2].clone()};
        for (int it = 0; it < 100; it++) {
            double[][] inv = inverse(x);
            if (inv == null) {
                return new double[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
            }
            double change = 0;
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    double v = 0.5 * (x[i][j] + inv[j][i]);
                    change = Math.max(change, Math.abs(v - x[i][j]));
                    x[i][j] = v;
                }
            }
            if (change < 1e-15) {
                break;
            }
        }
        return x;
    }

    private static double[][] inverse(double[][] a) {
        double det = a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0])
                + a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
        if (Math.abs(det) < 1e-12) {
            return null;
        }
        double[][] r = new double[3][3];
        r[0][0] = (a[1][1] * a[2][2] - a[1][2] * a[2][1]) / det;
        r[0][1] = (a[0][2] * a[2][1] - a[0][1] * a[2][2]) / det;
        r[0][2] = (a[0][1] * a[1][2] - a[0][2] * a[1][1]) / det;
        r[1][0] = (a[1][2] * a[2][0] - a[1][0] * a[2][2]) / det;
        r[1][1] = (a[0][0] * a[2][2] - a[0][2] * a[2][0]) / det;
        r[1][2] = (a[0][2] * a[1][0] - a[0][0] * a[1][2]) / det;
        r[2][0] = (a[1][0] * a[2][1] - a[1][1] * a[2][0]) / det;
        r[2][1] = (a[0][1] * a[2][0] - a[0][0] * a[2][1]) / det;
        r[2][2] = (a[0][0] * a[1][1] - a[0][1] * a[1][0]) / det;
        return r;
    }

    /** Unit quaternion {@code (a, b, c, d)} of a rotation matrix (Shepperd's method, stable for every angle). */
    static double[] toQuaternion(double[][] r) {
        double tr = r[0][0] + r[1][1] + r[2][2];
        double a;
        double b;
        double c;
        double d;
        if (tr > 0) {
            double s = Math.sqrt(tr + 1.0) * 2;
            a = 0.25 * s;
            b = (r[2][1] - r[1][2]) / s;
            c = (r[0][2] - r[2][0]) / s;
            d = (r[1][0] - r[0][1]) / s;
        } else if (r[0][0] > r[1][1] && r[0][0] > r[2][2]) {
            double s = Math.sqrt(1.0 + r[0][0] - r[1][1] - r[2][2]) * 2;
            a = (r[2][1] - r[1][2]) / s;
            b = 0.25 * s;
            c = (r[0][1] + r[1][0]) / s;
            d = (r[0][2] + r[2][0]) / s;
        } else if (r[1][1] > r[2][2]) {
            double s = Math.sqrt(1.0 + r[1][1] - r[0][0] - r[2][2]) * 2;
            a = (r[0][2] - r[2][0]) / s;
            b = (r[0][1] + r[1][0]) / s;
            c = 0.25 * s;
            d = (r[1][2] + r[2][1]) / s;
        } else {
            double s = Math.sqrt(1.0 + r[2][2] - r[0][0] - r[1][1]) * 2;
            a = (r[1][0] - r[0][1]) / s;
            b = (r[0][2] + r[2][0]) / s;
            c = (r[1][2] + r[2][1]) / s;
            d = 0.25 * s;
        }
        double n = Math.sqrt(a * a + b * b + c * c + d * d);
        return new double[] {a / n, b / n, c / n, d / n};
    }
}
