package org.vesalius.medical.inference;

import org.vesalius.tensor.Tensor;

/**
 * Clean-up of predicted masks, as MONAI's post-processing transforms: a network's mask of one organ
 * often has a few small false islands, which barely move Dice but dominate surface distances.
 */
public final class PostProcessing {
    private PostProcessing() {
    }

    /**
     * The largest connected component of a binary mask (MONAI's {@code KeepLargestConnectedComponent}):
     * foreground voxels joined by faces (4-connected in 2-D, 6 in 3-D) form a component; all but the
     * largest are cleared (the first in row-major order wins a tie).
     *
     * @param mask any rank >= 1, foreground where nonzero
     * @return bool tensor of the mask's shape; all false when the mask is empty
     */
    public static Tensor keepLargestComponent(Tensor mask) {
        Components c = components("keepLargestComponent", mask);
        int best = 0;
        for (int id = 1; id < c.sizes.length; id++) {
            if (c.sizes[id] > c.sizes[best]) {
                best = id;
            }
        }
        return c.keep(best == 0 ? new boolean[c.sizes.length] : only(c.sizes.length, best));
    }

    /**
     * The mask without its components (as {@link #keepLargestComponent} defines them) of fewer than
     * {@code minSize} voxels, as MONAI's / scikit-image's {@code remove_small_objects}: unlike keeping the
     * largest, it leaves every sizeable part, such as the two sides of the brain in a low axial slice.
     *
     * @return bool tensor of the mask's shape
     */
    public static Tensor removeSmallComponents(Tensor mask, int minSize) {
        if (minSize < 1) {
            throw new IllegalArgumentException("removeSmallComponents: minSize must be >= 1, got " + minSize);
        }
        Components c = components("removeSmallComponents", mask);
        boolean[] keep = new boolean[c.sizes.length];
        for (int id = 1; id < keep.length; id++) {
            keep[id] = c.sizes[id] >= minSize;
        }
        return c.keep(keep);
    }

    private static boolean[] only(int n, int id) {
        boolean[] k = new boolean[n];
        k[id] = true;
        return k;
    }

    /** Face-connected components: a label per voxel (0 = background) and the size of each label. */
    private record Components(int[] shape, int[] label, int[] sizes) {
        Tensor keep(boolean[] keepLabel) {
            boolean[] out = new boolean[label.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = keepLabel[label[i]];
            }
            return Tensor.of(out, shape);
        }
    }

    private static Components components(String op, Tensor mask) {
        if (mask.dim() == 0) {
            throw new IllegalArgumentException(op + ": the mask must have at least one axis, got a scalar");
        }
        int[] shape = mask.shape();
        boolean[] fg = mask.toBooleanArray(); // nonzero is foreground
        int[] label = new int[fg.length];
        int[] stack = new int[fg.length];
        int[] strides = strides(shape);
        java.util.List<Integer> sizes = new java.util.ArrayList<>();
        sizes.add(0);
        for (int start = 0; start < fg.length; start++) {
            if (!fg[start] || label[start] != 0) {
                continue;
            }
            int id = sizes.size();
            int size = 0;
            int top = 0;
            stack[top++] = start;
            label[start] = id;
            while (top > 0) {
                int v = stack[--top];
                size++;
                for (int a = 0; a < shape.length; a++) {
                    int coord = (v / strides[a]) % shape[a];
                    if (coord > 0) {
                        top = visit(v - strides[a], fg, label, id, stack, top);
                    }
                    if (coord < shape[a] - 1) {
                        top = visit(v + strides[a], fg, label, id, stack, top);
                    }
                }
            }
            sizes.add(size);
        }
        return new Components(shape, label, sizes.stream().mapToInt(Integer::intValue).toArray());
    }

    private static int visit(int u, boolean[] fg, int[] label, int id, int[] stack, int top) {
        if (fg[u] && label[u] == 0) {
            label[u] = id;
            stack[top++] = u;
        }
        return top;
    }

    private static int[] strides(int[] shape) {
        int[] s = new int[shape.length];
        int st = 1;
        for (int a = shape.length - 1; a >= 0; a--) {
            s[a] = st;
            st *= shape[a];
        }
        return s;
    }

}
