package org.vesalius.data;

import org.vesalius.tensor.DType;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/**
 * Converts an image's dtype, like torchvision's {@code ToDtype}. With {@code scale}, uint8 grey
 * levels 0..255 become floats in [0, 1] (the usual first step, as {@code ToTensor} does), and floats
 * in [0, 1] become uint8 (times 255, rounded, clamped).
 */
public final class ToDtype implements Transform {
    private final DType dtype;
    private final boolean scale;

    public ToDtype(DType dtype, boolean scale) {
        if (dtype == null) {
            throw new IllegalArgumentException("ToDtype: dtype is null");
        }
        this.dtype = dtype;
        this.scale = scale;
    }

    @Override
    public Tensor apply(Tensor x) {
        if (!scale || x.dtype() == dtype) {
            return x.to(dtype);
        }
        try (Scope s = Scope.open()) {
            if (x.dtype() == DType.UINT8 && dtype.isFloatingPoint()) {
                return s.keep(x.to(dtype).div(255));
            }
            if (x.dtype().isFloatingPoint() && dtype == DType.UINT8) {
                return s.keep(x.mul(255).round().clamp(0, 255).to(DType.UINT8));
            }
        }
        throw new IllegalArgumentException("ToDtype: scaling converts uint8 to a floating type or back, not " + x.dtype()
                + " to " + dtype + "; use scale = false for a plain conversion");
    }
}
