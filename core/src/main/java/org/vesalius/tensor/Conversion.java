package org.vesalius.tensor;

import org.vesalius.backend.Backend;

/** Casts, device moves and reads into Java arrays. */
final class Conversion {
    private Conversion() {
    }

    static Tensor to(Tensor x, DType dtype) {
        x.checkOpen("to");
        if (x.dtype == dtype) {
            return x;
        }
        Tensor out = Creation.empty("to", dtype, x.device(), x.shape);
        out.backend().copy(x, out);
        if (x.requiresGrad() && dtype.isFloatingPoint()) {
            DType from = x.dtype;
            out.record("to", Saved.NONE, g -> new Tensor[] {g.to(from)}, x);
        }
        return out;
    }

    static Tensor to(Tensor x, Device device) {
        x.checkOpen("to");
        if (x.device().equals(device)) {
            return x;
        }
        Tensor out = Creation.empty("to", x.dtype, device, x.shape);
        copyAcross(x, out);
        Device from = x.device();
        return out.record("to", Saved.NONE, g -> new Tensor[] {g.to(from)}, x);
    }

    /** Copies between tensors of one shape on any devices; the non-host backend moves the bytes. */
    static void copyAcross(Tensor src, Tensor dst) {
        if (src.device().type() != Device.Type.CPU) {
            src.backend().copy(src, dst);
        } else {
            dst.backend().copy(src, dst);
        }
    }

    static double item(Tensor x) {
        x.checkOpen("item");
        if (x.numel() != 1) {
            throw new IllegalArgumentException("item: only one-element tensors can be converted to a number, got shape "
                    + Shapes.str(x.shape));
        }
        double[] v = (double[]) toArray(x, DType.FLOAT64, "item");
        return v[0];
    }

    /**
     * Elements row-major as a Java array of {@code as}'s storage type (float[], double[], ...);
     * {@code op} names the caller in the error for a tensor too large for a Java array.
     */
    static Object toArray(Tensor x, DType as, String op) {
        x.checkOpen(op);
        int n = Shapes.checkedElements(op, x.shape);
        Tensor t = x;
        boolean temp = false;
        if (!t.device().equals(Device.CPU) || t.dtype != as || !t.isContiguous()) {
            Tensor c = Creation.empty(op, as, Device.CPU, x.shape);
            copyAcross(x, c);
            t = c;
            temp = true;
        }
        Object array = Backend.newArray(as, n);
        t.backend().read(t, array);
        if (temp) {
            t.close();
        }
        return array;
    }
}
