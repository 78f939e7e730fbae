package org.vesalius.rnn.embeddings;

import java.util.Arrays;

/**
 * A Barnes-Hut quadtree over 2-D points: each cell keeps how many points it holds and their centre
 * of mass, so t-SNE's repulsive forces on a point can take a far cell as one body. Leaves hold one
 * point, or several that coincide (closer than 1e-12 of the root's width, or past 64 levels).
 * Rebuilt for every gradient evaluation, reusing its arrays.
 */
final class QuadTree {
    private static final int MAX_DEPTH = 64;
    private static final double DUPLICATE = 1e-12;

    // cells as parallel arrays; the four children of a cell are consecutive, from firstChild
    private double[] minX = new double[0];
    private double[] minY = new double[0];
    private double[] width = new double[0];
    private double[] comX = new double[0];
    private double[] comY = new double[0];
    private int[] size = new int[0];
    private int[] firstChild = new int[0];
    private int[] point = new int[0];
    private int cells;
    private double duplicate;

    private static final int COM_X = 0;
    private static final int COM_Y = 1;
    private static final int WIDTH2 = 2;
    private static final int SIZE = 3;
    private static final int CHILD = 4;
    private static final int STRIDE = 5;
    private double[] packed = new double[0];

    /** Builds the tree over points {@code (y[2i], y[2i + 1])}. */
    void build(double[] y, int n) {
        double x0 = Double.POSITIVE_INFINITY;
        double y0 = Double.POSITIVE_INFINITY;
        double x1 = Double.NEGATIVE_INFINITY;
        double y1 = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            x0 = Math.min(x0, y[2 * i]);
            x1 = Math.max(x1, y[2 * i]);
            y0 = Math.min(y0, y[2 * i + 1]);
            y1 = Math.max(y1, y[2 * i + 1]);
        }
        // a square root cell a little larger than the points' box, so the largest lie strictly inside
        double w = Math.max(x1 - x0, y1 - y0);
        w = w * (1 + 1e-6) + Double.MIN_NORMAL + 1e-12 * Math.max(Math.abs(x0), Math.abs(y0));
        duplicate = w * DUPLICATE;
        cells = 0;
        ensure(1 + 4 * (n / 2 + 1));
        newCell(x0, y0, w);
        for (int i = 0; i < n; i++) {
            insert(y, i);
        }
        pack();
    }

    private void ensure(int capacity) {
        if (capacity <= minX.length) {
            return;
        }
        int c = Math.max(capacity, minX.length * 3 / 2);
        minX = Arrays.copyOf(minX, c);
        minY = Arrays.copyOf(minY, c);
        width = Arrays.copyOf(width, c);
        comX = Arrays.copyOf(comX, c);
        comY = Arrays.copyOf(comY, c);
        size = Arrays.copyOf(size, c);
        firstChild = Arrays.copyOf(firstChild, c);
        point = Arrays.copyOf(point, c);
    }

    private int newCell(double x0, double y0, double w) {
        int c = cells++;
        minX[c] = x0;
        minY[c] = y0;
        width[c] = w;
        comX[c] = 0;
        comY[c] = 0;
        size[c] = 0;
        firstChild[c] = -1;
        point[c] = -1;
        return c;
    }

    private int childFor(int cell, double x, double y) {
        double half = width[cell] / 2;
        int q = (x >= minX[cell] + half ? 1 : 0) + (y >= minY[cell] + half ? 2 : 0);
        return firstChild[cell] + q;
    }

    private void insert(double[] y, int i) {
        double px = y[2 * i];
        double py = y[2 * i + 1];
        int cell = 0;
        for (int depth = 0; ; depth++) {
            int s = size[cell];
            if (firstChild[cell] < 0) {
                if (s == 0) {
                    point[cell] = i;
                    comX[cell] = px;
                    comY[cell] = py;
                    size[cell] = 1;
                    return;
                }
                int j = point[cell];
                if (depth >= MAX_DEPTH || Math.abs(y[2 * j] - px) <= duplicate && Math.abs(y[2 * j + 1] - py) <= duplicate) {
                    addToCentre(cell, px, py);
                    return;
                }
                // split: the points already here (one, or coinciding ones) move down together
                ensure(cells + 4);
                double half = width[cell] / 2;
                firstChild[cell] = cells;
                for (int q = 0; q < 4; q++) {
                    newCell(minX[cell] + (q & 1) * half, minY[cell] + (q >> 1) * half, half);
                }
                int c = childFor(cell, comX[cell], comY[cell]);
                size[c] = s;
                comX[c] = comX[cell];
                comY[c] = comY[cell];
                point[c] = j;
                point[cell] = -1;
            }
            addToCentre(cell, px, py);
            cell = childFor(cell, px, py);
        }
    }

    private void addToCentre(int cell, double px, double py) {
        int s = size[cell];
        comX[cell] = (comX[cell] * s + px) / (s + 1);
        comY[cell] = (comY[cell] * s + py) / (s + 1);
        size[cell] = s + 1;
    }

    /**
     * The repulsive force on point {@code (px, py)}, unnormalized: adds
     * {@code sum_j q_ij^2 (y_i - y_j)} to {@code force[2i], force[2i+1]} and returns
     * {@code sum_j q_ij} with {@code q_ij = 1 / (1 + |y_i - y_j|^2)}, where a cell whose width over
     * its distance is below {@code theta} stands for all its points, and the leaf holding the point
     * itself (with any that coincide with it) is left out, as scikit-learn does.
     *
     * @param stack scratch space of at least {@link #stackSize()} entries
     */
    double repulsion(double px, double py, double theta2, double[] force, int i, int[] stack) {
        double[] c = packed;
        double dup = duplicate;
        double sumQ = 0;
        double fx = 0;
        double fy = 0;
        int top = 0;
        stack[top++] = 0;
        while (top > 0) {
            int o = stack[--top] * STRIDE;
            double s = c[o + SIZE];
            if (s == 0) {
                continue;
            }
            double dx = px - c[o + COM_X];
            double dy = py - c[o + COM_Y];
            double d2 = dx * dx + dy * dy;
            int child = (int) c[o + CHILD];
            if (child < 0 && Math.abs(dx) <= dup && Math.abs(dy) <= dup) {
                continue;
            }
            if (child < 0 || c[o + WIDTH2] < theta2 * d2) {
                double q = 1 / (1 + d2);
                sumQ += s * q;
                double m = s * q * q;
                fx += m * dx;
                fy += m * dy;
            } else {
                stack[top++] = child;
                stack[top++] = child + 1;
                stack[top++] = child + 2;
                stack[top++] = child + 3;
            }
        }
        force[2 * i] = fx;
        force[2 * i + 1] = fy;
        return sumQ;
    }

    /** Copies what {@link #repulsion} reads into one array, a cell's fields side by side (one cache line, not five). */
    private void pack() {
        if (packed.length < cells * STRIDE) {
            packed = new double[Math.max(cells * STRIDE, packed.length * 3 / 2)];
        }
        for (int c = 0; c < cells; c++) {
            int o = c * STRIDE;
            packed[o + COM_X] = comX[c];
            packed[o + COM_Y] = comY[c];
            packed[o + WIDTH2] = width[c] * width[c];
            packed[o + SIZE] = size[c];
            packed[o + CHILD] = firstChild[c];
        }
    }

    /** Scratch entries {@link #repulsion} needs: three open siblings per level, plus the root's four. */
    static int stackSize() {
        return 3 * MAX_DEPTH + 8;
    }
}
