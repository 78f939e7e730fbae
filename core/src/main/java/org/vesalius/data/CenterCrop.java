package org.vesalius.data;

import org.vesalius.tensor.Tensor;

/**
 * The central {@code height x width} of an image, like torchvision's {@code CenterCrop}: the offset
 * is {@code round((H - height) / 2)} (half to even, as Python rounds), and a side smaller than the
 * crop is zero-padded, {@code (height - H) / 2} before and the rest after.
 */
public final class CenterCrop implements Transform {
    private final int height;
    private final int width;

    public CenterCrop(int size) {
        this(size, size);
    }

    public CenterCrop(int height, int width) {
        Images.checkSize("CenterCrop", height, width);
        this.height = height;
        this.width = width;
    }

    @Override
    public Tensor apply(Tensor x) {
        int[] hw = Images.heightWidth("CenterCrop", x);
        if (hw[0] == height && hw[1] == width) {
            return x;
        }
        int top = before(hw[0], height);
        int left = before(hw[1], width);
        // pad() crops with negative sizes, so one call pads or crops each side
        return x.pad(new int[] {left, width - hw[1] - left, top, height - hw[0] - top});
    }

    /** Padding before (positive) or crop before (negative) to go from size n to size m. */
    private static int before(int n, int m) {
        return m >= n ? (m - n) / 2 : -(int) Math.rint((n - m) / 2.0);
    }
}
