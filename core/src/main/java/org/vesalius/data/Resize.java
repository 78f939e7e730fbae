package org.vesalius.data;

import java.util.Locale;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/**
 * Resizes an image {@code [..., H, W]} with {@link Tensor#interpolate} ({@code bilinear} by default,
 * {@code alignCorners} false, no antialiasing; or {@code nearest} or {@code bicubic}), like
 * torchvision's {@code Resize}. Integer images are interpolated in float32, then rounded and clamped
 * back to their dtype (bicubic overshoots at edges; float images keep the overshoot, as torchvision).
 */
public final class Resize implements Transform {
    private final int height;
    private final int width;
    private final int smallerEdge;
    private final String mode;

    /** Scales the smaller edge to {@code size} and the other in proportion (truncated), like {@code Resize(size)}. */
    public Resize(int size) {
        this(0, 0, positive(size), "bilinear");
    }

    /** Resizes to exactly {@code height x width}, bilinear. */
    public Resize(int height, int width) {
        this(height, width, "bilinear");
    }

    /** Resizes to exactly {@code height x width}; {@code mode} is {@code "bilinear"}, {@code "nearest"} or {@code "bicubic"}. */
    public Resize(int height, int width, String mode) {
        this(height, width, 0, mode);
    }

    private Resize(int height, int width, int smallerEdge, String mode) {
        String m = mode == null ? "" : mode.toLowerCase(Locale.ROOT);
        if (!m.equals("bilinear") && !m.equals("nearest") && !m.equals("bicubic")) {
            throw new IllegalArgumentException("Resize: mode must be 'bilinear', 'nearest' or 'bicubic', got '" + mode + "'");
        }
        if (smallerEdge == 0) {
            Images.checkSize("Resize", height, width);
        }
        this.height = height;
        this.width = width;
        this.smallerEdge = smallerEdge;
        this.mode = m;
    }

    private static int positive(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("Resize: size must be positive, got " + size);
        }
        return size;
    }

    @Override
    public Tensor apply(Tensor x) {
        int[] hw = Images.heightWidth("Resize", x);
        int h = height;
        int w = width;
        if (smallerEdge > 0) {
            boolean portrait = hw[1] <= hw[0];
            int shortSide = portrait ? hw[1] : hw[0];
            int longSide = portrait ? hw[0] : hw[1];
            int newLong = (int) ((long) smallerEdge * longSide / shortSide);
            h = portrait ? newLong : smallerEdge;
            w = portrait ? smallerEdge : newLong;
        }
        if (h == hw[0] && w == hw[1]) {
            return x;
        }
        int[] shape = x.shape();
        shape[shape.length - 2] = h;
        shape[shape.length - 1] = w;
        DType dtype = x.dtype();
        try (Scope s = Scope.open()) {
            Tensor in = dtype.isFloatingPoint() ? x : x.to(DType.FLOAT32);
            Tensor out = in.reshape(1, -1, hw[0], hw[1]).interpolate(new int[] {h, w}, mode).reshape(shape);
            if (!dtype.isFloatingPoint()) {
                out = out.round().clamp(minOf(dtype), maxOf(dtype)).to(dtype);
            }
            return s.keep(out);
        }
    }

    private static double minOf(DType t) {
        switch (t) {
            case UINT8: case BOOL: return 0;
            case INT32: return Integer.MIN_VALUE;
            default: return Long.MIN_VALUE;
        }
    }

    private static double maxOf(DType t) {
        switch (t) {
            case UINT8: return 255;
            case BOOL: return 1;
            case INT32: return Integer.MAX_VALUE;
            default: return Long.MAX_VALUE;
        }
    }
}
