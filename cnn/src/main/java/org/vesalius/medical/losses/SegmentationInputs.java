package org.vesalius.medical.losses;

import java.util.Arrays;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Tensor;

/**
 * The input handling the overlap losses share: activation of the raw output, conversion of a label map
 * to one-hot channels, and dropping the background channel. Shapes: input {@code [N, C, *spatial]};
 * target {@code [N, C, *spatial]} (one-hot or probabilities) or, with one-hot conversion, class
 * indices {@code [N, 1, *spatial]} or {@code [N, *spatial]}.
 */
final class SegmentationInputs {
    private SegmentationInputs() {
    }

    /** Probabilities and one-hot target, both {@code [N, C', *spatial]} (C' = C without background if asked). */
    static Tensor[] prepare(String op, Tensor input, Tensor target, Activation activation, boolean toOneHot,
                            boolean includeBackground) {
        if (input.dim() < 2) {
            throw new IllegalArgumentException(op + ": input must be [N, C, *spatial], got " + Arrays.toString(input.shape()));
        }
        if (!input.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(op + ": input must be floating point, got " + input.dtype());
        }
        int channels = input.size(1);
        if (activation == Activation.SOFTMAX && channels == 1) {
            throw new IllegalArgumentException(op + ": softmax over a single channel is always 1; use SIGMOID for a "
                    + "one-channel (binary) output");
        }
        if (!includeBackground && channels == 1) {
            throw new IllegalArgumentException(op + ": includeBackground=false needs at least 2 channels, the input has 1");
        }
        Tensor p = switch (activation) {
            case NONE -> input;
            case SIGMOID -> input.sigmoid();
            case SOFTMAX -> input.softmax(1);
        };
        Tensor g = toOneHot ? oneHot(op, target, input) : checkedTarget(op, target, input);
        if (!includeBackground) {
            p = p.narrow(1, 1, channels - 1);
            g = g.narrow(1, 1, channels - 1);
        }
        return new Tensor[] {p, g};
    }

    /** The target as a float tensor of input's shape. */
    private static Tensor checkedTarget(String op, Tensor target, Tensor input) {
        if (!Arrays.equals(target.shape(), input.shape())) {
            throw new IllegalArgumentException(op + ": target " + Arrays.toString(target.shape()) + " must have the input's "
                    + "shape " + Arrays.toString(input.shape()) + " (one-hot or probabilities); for a label map "
                    + "[N, 1, *spatial] or [N, *spatial] enable toOneHot");
        }
        return target.dtype() == input.dtype() ? target : target.to(input.dtype());
    }

    /** Class indices {@code [N, 1, *s]} or {@code [N, *s]} to one-hot {@code [N, C, *s]} in the input's dtype. */
    static Tensor oneHot(String op, Tensor target, Tensor input) {
        int[] inputShape = input.shape();
        int channels = inputShape[1];
        int[] spatial = Arrays.copyOfRange(inputShape, 2, inputShape.length);
        Tensor labels = target;
        if (target.dim() == inputShape.length && target.size(1) == 1) {
            labels = target.squeeze(1);
        }
        int[] expect = new int[spatial.length + 1];
        expect[0] = inputShape[0];
        System.arraycopy(spatial, 0, expect, 1, spatial.length);
        if (!Arrays.equals(labels.shape(), expect)) {
            throw new IllegalArgumentException(op + ": a label-map target must be [N, 1, *spatial] or [N, *spatial] = "
                    + Arrays.toString(expect) + " for input " + Arrays.toString(inputShape) + ", got "
                    + Arrays.toString(target.shape()));
        }
        if (labels.dtype().isFloatingPoint()) {
            // label maps often arrive as float images; accept whole numbers only
            if (labels.ne(labels.round()).any().item() != 0) {
                throw new IllegalArgumentException(op + ": a label-map target must hold whole class indices; it has "
                        + "fractional values");
            }
        }
        Tensor idx = labels.dtype() == DType.INT64 ? labels : labels.to(DType.INT64);
        if (idx.numel() > 0) {
            long min = (long) idx.min().item();
            long max = (long) idx.max().item();
            if (min < 0 || max >= channels) {
                throw new IllegalArgumentException(op + ": label " + (min < 0 ? min : max) + " is out of range for "
                        + channels + " channels (labels must be in [0, " + (channels - 1) + "])");
            }
        }
        // oneHot appends the class dim last: move it to dim 1
        Tensor oh = idx.oneHot(channels);
        int rank = oh.dim();
        int[] perm = new int[rank];
        perm[0] = 0;
        perm[1] = rank - 1;
        for (int i = 2; i < rank; i++) {
            perm[i] = i - 1;
        }
        return oh.permute(perm).to(input.dtype());
    }

    /**
     * Sums {@code t} over its spatial dims (and the batch dim when {@code batch}): {@code [N, C]} or
     * {@code [C]}. An input without spatial dims is summed over nothing (an empty dim list would sum all).
     */
    static Tensor sumSpatial(Tensor t, boolean batch) {
        int[] dims = reduceDims(t.dim(), batch);
        return dims.length == 0 ? t : t.sum(dims, false);
    }

    /** The dims to sum over: spatial dims, plus the batch dim when {@code batch}. */
    static int[] reduceDims(int rank, boolean batch) {
        int[] dims = new int[rank - 2 + (batch ? 1 : 0)];
        int k = 0;
        if (batch) {
            dims[k++] = 0;
        }
        for (int d = 2; d < rank; d++) {
            dims[k++] = d;
        }
        return dims;
    }
}
