package org.vesalius.medical;

import java.util.Arrays;

/**
 * Small 3x3 / 4x4 matrix helpers for image geometry (row-major {@code double} arrays). Package-level
 * utilities shared by the image type and the readers.
 */
public final class Affines {
    private Affines() {
    }

    /** Row-major 3x3 identity. */
    public static double[] identity3() {
        return new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1};
    }

    /** Determinant of a row-major 3x3. */
    public static double det3(double[] m) {
        return m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6]);
    }

    /** The 4x4 affine {@code [[D·diag(spacing), origin], [0 0 0 1]]}. */
    public static double[][] compose(double[] spacing, double[] origin, double[] direction) {
        double[][] a = new double[4][4];
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 3; c++) {
                a[r][c] = direction[3 * r + c] * spacing[c];
            }
            a[r][3] = origin[r];
        }
        a[3][3] = 1;
        return a;
    }

    /**
     * Splits a 3x4 or 4x4 affine into {spacing (column norms), origin, direction (normalised columns)}.
     * @throws IllegalArgumentException for a zero column, non-finite values or a wrong size
     */
    public static double[][] decompose(double[][] affine) {
        if (affine.length < 3 || affine.length > 4) {
            throw new IllegalArgumentException("affine must be 3x4 or 4x4, got " + affine.length + " rows");
        }
        double[] spacing = new double[3];
        double[] origin = new double[3];
        double[] dir = new double[9];
        for (int r = 0; r < 3; r++) {
            if (affine[r].length != 4) {
                throw new IllegalArgumentException("affine rows must have 4 values, row " + r + " has " + affine[r].length);
            }
            origin[r] = affine[r][3];
        }
        for (int c = 0; c < 3; c++) {
            double n = Math.sqrt(affine[0][c] * affine[0][c] + affine[1][c] * affine[1][c] + affine[2][c] * affine[2][c]);
            if (!(n > 0) || !Double.isFinite(n)) {
                throw new IllegalArgumentException("affine column " + c + " must be finite and non-zero: "
                        + Arrays.deepToString(affine));
            }
            spacing[c] = n;
            for (int r = 0; r < 3; r++) {
                dir[3 * r + c] = affine[r][c] / n;
            }
        }
        return new double[][] {spacing, origin, dir};
    }

    /** {@code a · (p, 1)} for a 3-vector p. */
    public static double[] apply(double[][] a, double[] p) {
        double[] w = new double[3];
        for (int r = 0; r < 3; r++) {
            w[r] = a[r][0] * p[0] + a[r][1] * p[1] + a[r][2] * p[2] + a[r][3];
        }
        return w;
    }

    /** Inverse of a 4x4 affine whose last row is (0, 0, 0, 1). */
    public static double[][] invert(double[][] a) {
        double[] m = {a[0][0], a[0][1], a[0][2], a[1][0], a[1][1], a[1][2], a[2][0], a[2][1], a[2][2]};
        double det = det3(m);
        if (det == 0 || !Double.isFinite(det)) {
            throw new IllegalArgumentException("affine is not invertible: " + Arrays.deepToString(a));
        }
        double[] inv = {
            (m[4] * m[8] - m[5] * m[7]) / det, (m[2] * m[7] - m[1] * m[8]) / det, (m[1] * m[5] - m[2] * m[4]) / det,
            (m[5] * m[6] - m[3] * m[8]) / det, (m[0] * m[8] - m[2] * m[6]) / det, (m[2] * m[3] - m[0] * m[5]) / det,
            (m[3] * m[7] - m[4] * m[6]) / det, (m[1] * m[6] - m[0] * m[7]) / det, (m[0] * m[4] - m[1] * m[3]) / det};
        double[][] r = new double[4][4];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                r[i][j] = inv[3 * i + j];
            }
            r[i][3] = -(inv[3 * i] * a[0][3] + inv[3 * i + 1] * a[1][3] + inv[3 * i + 2] * a[2][3]);
        }
        r[3][3] = 1;
        return r;
    }

    /** The affine with its x and y rows negated: RAS ↔ LPS. */
    public static double[][] flipXY(double[][] a) {
        double[][] r = new double[4][];
        for (int i = 0; i < 4; i++) {
            r[i] = a[i].clone();
            if (i < 2) {
                for (int j = 0; j < 4; j++) {
                    r[i][j] = -r[i][j];
                }
            }
        }
        return r;
    }

    /**
     * Axis codes of a direction matrix: for each index axis (column), the RAS letter of the world axis it
     * is closest to, assigning world axes greedily by the largest cosine so that no two index axes share
     * one.
     */
    public static String orientation(double[] direction) {
        char[] pos = {'R', 'A', 'S'};
        char[] neg = {'L', 'P', 'I'};
        char[] out = new char[3];
        boolean[] usedRow = new boolean[3];
        boolean[] usedCol = new boolean[3];
        for (int step = 0; step < 3; step++) {
            int br = -1;
            int bc = -1;
            double best = -1;
            for (int r = 0; r < 3; r++) {
                for (int c = 0; c < 3; c++) {
                    double v = Math.abs(direction[3 * r + c]);
                    if (!usedRow[r] && !usedCol[c] && v > best) {
                        best = v;
                        br = r;
                        bc = c;
                    }
                }
            }
            usedRow[br] = true;
            usedCol[bc] = true;
            out[bc] = direction[3 * br + bc] >= 0 ? pos[br] : neg[br];
        }
        return new String(out);
    }
}
