package org.vesalius.data;

import org.vesalius.tensor.DType;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/**
 * Rotates an image about its centre by an angle drawn uniformly from {@code [min, max]} degrees,
 * counter-clockwise for positive angles, like torchvision's {@code RandomRotation} (same size out,
 * bilinear interpolation). Pixels whose source falls outside the image take {@code fill}.
 */
public final class RandomRotation implements Transform {
    private final double min;
    private final double max;
    private final double fill;
    private final Generator generator;

    /** Angles in {@code [-degrees, degrees]}, fill 0. */
    public RandomRotation(double degrees) {
        this(-degrees, degrees, 0, null);
    }

    /** {@code generator} null: draw from {@link DataLoader#generator()}. */
    public RandomRotation(double min, double max, double fill, Generator generator) {
        if (!(min <= max) || Double.isInfinite(min) || Double.isInfinite(max)) {
            throw new IllegalArgumentException("RandomRotation: expected finite degrees min <= max, got [" + min + ", "
                    + max + "] (a single value d means [-d, d] and must be non-negative)");
        }
        this.min = min;
        this.max = max;
        this.fill = fill;
        this.generator = generator;
    }

    @Override
    public Tensor apply(Tensor x) {
        Images.floatHeightWidth("RandomRotation", x);
        double angle = min + (max - min) * Images.generator(generator).nextDouble();
        return rotate(x, angle, fill);
    }

    /**
     * {@code image} {@code [..., H, W]} (floating point) rotated by {@code degrees} counter-clockwise
     * about its centre {@code ((W - 1) / 2, (H - 1) / 2)}, bilinear; output pixel (i, j) samples the
     * input at the inversely rotated position, and the part of its four neighbours' weight that falls
     * outside the image goes to {@code fill} (as if the image were padded with fill). Same shape.
     */
    public static Tensor rotate(Tensor image, double degrees, double fill) {
        int[] hw = Images.floatHeightWidth("RandomRotation.rotate", image);
        int h = hw[0];
        int w = hw[1];
        int[] shape = image.shape();
        double rad = Math.toRadians(degrees);
        double cos = Math.cos(rad);
        double sin = Math.sin(rad);
        double cx = (w - 1) / 2.0;
        double cy = (h - 1) / 2.0;
        try (Scope s = Scope.open()) {
            // centred output coordinates; the source of (x, y) is R(-angle) (x, y) with y pointing down
            Tensor xs = Tensor.arange(0, w, 1, DType.FLOAT64).sub(cx).view(1, w);
            Tensor ys = Tensor.arange(0, h, 1, DType.FLOAT64).sub(cy).view(h, 1);
            Tensor srcX = xs.mul(cos).sub(ys.mul(sin)).add(cx);
            Tensor srcY = xs.mul(sin).add(ys.mul(cos)).add(cy);
            Tensor x0 = srcX.floor();
            Tensor y0 = srcY.floor();
            Tensor fx = srcX.sub(x0);
            Tensor fy = srcY.sub(y0);
            Tensor flat = image.reshape(-1, h * w);
            Tensor sum = Tensor.zeros(image.dtype(), flat.size(0), h, w);
            Tensor inside = Tensor.zeros(DType.FLOAT64, h, w);
            for (int dy = 0; dy <= 1; dy++) {
                for (int dx = 0; dx <= 1; dx++) {
                    Tensor xi = x0.add(dx);
                    Tensor yi = y0.add(dy);
                    Tensor valid = xi.ge(0).logicalAnd(xi.le(w - 1)).logicalAnd(yi.ge(0)).logicalAnd(yi.le(h - 1));
                    Tensor weight = (dx == 1 ? fx : fx.rsub(1)).mul(dy == 1 ? fy : fy.rsub(1)).mul(valid.to(DType.FLOAT64));
                    Tensor index = yi.clamp(0, h - 1).mul(w).add(xi.clamp(0, w - 1)).to(DType.INT64).flatten();
                    Tensor gathered = flat.indexSelect(1, index).view(flat.size(0), h, w);
                    sum = sum.add(gathered.mul(weight.to(image.dtype())));
                    inside = inside.add(weight);
                }
            }
            Tensor out = fill == 0 ? sum : sum.add(inside.rsub(1).mul(fill).to(image.dtype()));
            return s.keep(out.reshape(shape));
        }
    }
}
