package org.vesalius.tensor;

import org.vesalius.backend.Backend;
import org.vesalius.backend.Backends;

/** Factories: empty, full, ranges, identity, random, from Java arrays. */
final class Creation {
    private Creation() {
    }

    static Tensor empty(DType dtype, Device device, int... shape) {
        return empty("empty", dtype, device, shape);
    }

    /** {@link #empty(DType, Device, int...)} for {@code op}, which a refused size names. */
    static Tensor empty(String op, DType dtype, Device device, int... shape) {
        int n = Shapes.checkedElements(op, shape);
        Backend b = Backends.forDevice(device);
        return new Tensor(b.allocate(dtype, n, device), dtype, shape.clone(), Shapes.contiguousStrides(shape), 0);
    }

    static Tensor full(DType dtype, Device device, double value, int... shape) {
        Tensor t = empty(dtype, device, shape);
        t.backend().fill(t, value);
        return t;
    }

    static Tensor arange(double start, double end, double step, DType dtype, Device device) {
        if (step == 0) {
            throw new IllegalArgumentException("arange: step must be nonzero");
        }
        if ((end - start) / step < 0) {
            throw new IllegalArgumentException("arange: upper bound and step sign are inconsistent (start=" + start
                    + ", end=" + end + ", step=" + step + ")");
        }
        long n = (long) Math.ceil((end - start) / step);
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("arange: " + n + " elements is more than 2^31-1");
        }
        double[] v = new double[(int) n];
        for (int i = 0; i < n; i++) {
            v[i] = start + i * step;
        }
        return fromDoubles(v, dtype, device, (int) n);
    }

    static Tensor linspace(double start, double end, int steps, DType dtype, Device device) {
        if (steps < 0) {
            throw new IllegalArgumentException("linspace: steps must be >= 0, got " + steps);
        }
        double[] v = new double[steps];
        double step = steps > 1 ? (end - start) / (steps - 1) : 0;
        // PyTorch fills the second half from the end so the last value is exactly `end`.
        int half = steps / 2;
        for (int i = 0; i < steps; i++) {
            v[i] = i < half ? start + step * i : end - step * (steps - 1 - i);
        }
        return fromDoubles(v, dtype, device, steps);
    }

    static Tensor eye(int n, int m, DType dtype, Device device) {
        if (n < 0 || m < 0) {
            throw new IllegalArgumentException("eye: sizes must be >= 0, got " + n + " x " + m);
        }
        Tensor t = empty("eye", dtype, device, n, m);
        Backend b = t.backend();
        b.fill(t, 0);
        if (n > 0 && m > 0) {
            // the diagonal as a strided view: no host array as large as the matrix
            try (Tensor diagonal = t.asStrided(new int[] {Math.min(n, m)}, new int[] {m + 1}, 0)) {
                b.fill(diagonal, 1);
            }
        }
        return t;
    }

    static Tensor rand(DType dtype, Device device, Generator gen, int... shape) {
        requireFloat("rand", dtype);
        Tensor t = empty(dtype, device, shape);
        Generator.State draw = gen.reserve(t.numel());
        t.backend().uniform(t, 0, 1, draw.seed(), draw.offset());
        return t;
    }

    static Tensor randn(DType dtype, Device device, Generator gen, int... shape) {
        requireFloat("randn", dtype);
        Tensor t = empty(dtype, device, shape);
        Generator.State draw = gen.reserve(t.numel());
        t.backend().normal(t, 0, 1, draw.seed(), draw.offset());
        return t;
    }

    static Tensor randint(long low, long high, DType dtype, Device device, Generator gen, int... shape) {
        if (high <= low) {
            throw new IllegalArgumentException("randint: high (" + high + ") must be greater than low (" + low + ")");
        }
        Tensor t = empty(dtype, device, shape);
        Generator.State draw = gen.reserve(t.numel());
        t.backend().uniform(t, low, high, draw.seed(), draw.offset());
        return t;
    }

    private static void requireFloat(String op, DType dtype) {
        if (!dtype.isFloatingPoint()) {
            throw new IllegalArgumentException(op + ": dtype must be floating point, got " + dtype);
        }
    }

    static Tensor fromArray(Object data, int length, DType dtype, int... shape) {
        int[] s = shape.length == 0 ? new int[] {length} : shape;
        Shapes.checkedElements("of", s);
        if (Shapes.numel(s) != length) {
            throw new IllegalArgumentException("of: " + length + " values cannot fill shape " + Shapes.str(s)
                    + " (" + Shapes.numel(s) + " elements)");
        }
        Tensor t = empty(dtype, Device.CPU, s);
        t.backend().write(data, t);
        return t;
    }

    static Tensor fromRows(float[][] rows) {
        int cols = rows.length == 0 ? 0 : rows[0].length;
        float[] flat = new float[rows.length * cols];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != cols) {
                throw new IllegalArgumentException("of: row " + i + " has " + rows[i].length + " values, expected " + cols);
            }
            System.arraycopy(rows[i], 0, flat, i * cols, cols);
        }
        return fromArray(flat, flat.length, DType.FLOAT32, rows.length, cols);
    }

    /** Builds on the host in float64 and casts: exact for every dtype's representable values. */
    static Tensor fromDoubles(double[] v, DType dtype, Device device, int... shape) {
        Tensor host = fromArray(v, v.length, DType.FLOAT64, shape);
        if (dtype == DType.FLOAT64 && device.equals(Device.CPU)) {
            return host;
        }
        Tensor out = empty(dtype, device, shape);
        Conversion.copyAcross(host, out);
        host.close();
        return out;
    }
}
