package org.vesalius.medical.inference;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.vesalius.autograd.NoGrad;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/**
 * Sliding-window inference, as MONAI's {@code sliding_window_inference}: runs a network trained on
 * patches over an image of any size, window by window, and blends the overlapping predictions into one
 * output of the image's size. Memory stays bounded by the window batch: only {@code batchSize}
 * windows and their predictions exist at a time, besides the input and the output.
 *
 * <pre>{@code
 * Tensor probs = new SlidingWindowInference(96, 96).overlap(0.5).mode(BlendMode.GAUSSIAN)
 *         .run(volume, x -> model.forward(x).sigmoid());     // volume [N, C, H, W] -> [N, C', H, W]
 * }</pre>
 *
 * <p>Windows start every {@code roi * (1 - overlap)} voxels along each axis (at least 1), the last one
 * flush with the image's end; an image smaller than the window is padded (symmetrically, with the
 * pad value) and the output cropped back. Each window's prediction is weighted by an importance map
 * (uniform, or a Gaussian centred on the window with sigma {@code sigmaScale * roi}, normalised to 1
 * at the centre and floored at 1e-3) and the output is the weighted mean at each voxel. The predictor
 * runs without a graph.
 */
public final class SlidingWindowInference {
    /** How overlapping window predictions are weighted. */
    public enum BlendMode {
        /** Every voxel of a window counts the same. */
        CONSTANT,
        /** Voxels near a window's centre count more: fewer seams where windows meet. */
        GAUSSIAN
    }

    private final int[] roi;
    private int batchSize = 4;
    private double overlap = 0.25;
    private BlendMode mode = BlendMode.CONSTANT;
    private double sigmaScale = 0.125;
    private double padValue;

    /** Windows of {@code roiSize} voxels, one size per spatial axis. */
    public SlidingWindowInference(int... roiSize) {
        if (roiSize.length == 0) {
            throw new IllegalArgumentException("SlidingWindowInference: give the window size along each spatial axis");
        }
        for (int r : roiSize) {
            if (r < 1) {
                throw new IllegalArgumentException("SlidingWindowInference: window sizes must be >= 1, got "
                        + Arrays.toString(roiSize));
            }
        }
        this.roi = roiSize.clone();
    }

    /** Windows the predictor sees at once (default 4). */
    public SlidingWindowInference batchSize(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("SlidingWindowInference: batchSize must be >= 1, got " + n);
        }
        this.batchSize = n;
        return this;
    }

    /** Fraction of a window shared with its neighbour, in [0, 1) (default 0.25). */
    public SlidingWindowInference overlap(double fraction) {
        if (!(fraction >= 0 && fraction < 1)) {
            throw new IllegalArgumentException("SlidingWindowInference: overlap must be in [0, 1), got " + fraction);
        }
        this.overlap = fraction;
        return this;
    }

    /** How overlapping predictions are weighted (default CONSTANT). */
    public SlidingWindowInference mode(BlendMode m) {
        this.mode = m;
        return this;
    }

    /** Gaussian sigma as a fraction of the window size (default 0.125, MONAI's). */
    public SlidingWindowInference sigmaScale(double s) {
        if (!(s > 0)) {
            throw new IllegalArgumentException("SlidingWindowInference: sigmaScale must be > 0, got " + s);
        }
        this.sigmaScale = s;
        return this;
    }

    /** Value of the padding added around an image smaller than the window (default 0). */
    public SlidingWindowInference padValue(double v) {
        this.padValue = v;
        return this;
    }

    /**
     * Predicts the whole image.
     *
     * @param input     {@code [N, C, *spatial]}, one spatial axis per window axis
     * @param predictor maps a window batch {@code [B, C, *roi]} to {@code [B, C', *roi]}
     * @return {@code [N, C', *spatial]} in the predictions' floating dtype
     */
    public Tensor run(Tensor input, Function<Tensor, Tensor> predictor) {
        int k = roi.length;
        if (input.dim() != k + 2) {
            throw new IllegalArgumentException("SlidingWindowInference: input must be [N, C, " + k + " spatial axes] for a "
                    + k + "-D window " + Arrays.toString(roi) + ", got " + Arrays.toString(input.shape()));
        }
        int[] spatial = Arrays.copyOfRange(input.shape(), 2, input.dim());
        try (Scope run = Scope.open(); NoGrad ng = NoGrad.open()) {
            Tensor x = input;
            int[] padBefore = new int[k];
            int[] padded = spatial.clone();
            int[] padArg = new int[2 * k];
            boolean needsPad = false;
            for (int d = 0; d < k; d++) {
                if (spatial[d] < roi[d]) {
                    int total = roi[d] - spatial[d];
                    padBefore[d] = total / 2;
                    padded[d] = roi[d];
                    // Tensor.pad lists the last axis first, as PyTorch's F.pad does
                    padArg[2 * (k - 1 - d)] = total / 2;
                    padArg[2 * (k - 1 - d) + 1] = total - total / 2;
                    needsPad = true;
                }
            }
            if (needsPad) {
                x = x.pad(padArg, padValue);
            }
            List<int[]> starts = windowStarts(padded);
            Tensor importance = importanceMap();
            Tensor out = null;
            Tensor count = null;
            int n = x.size(0);
            for (int sample = 0; sample < n; sample++) {
                Tensor image = x.narrow(0, sample, 1);
                for (int from = 0; from < starts.size(); from += batchSize) {
                    int to = Math.min(from + batchSize, starts.size());
                    try (Scope step = Scope.open()) {
                        Tensor[] windows = new Tensor[to - from];
                        for (int w = from; w < to; w++) {
                            windows[w - from] = window(image, starts.get(w));
                        }
                        Tensor pred = predictor.apply(Tensor.cat(0, windows));
                        checkPrediction(pred, to - from);
                        if (out == null) {
                            DType dt = pred.dtype().isFloatingPoint() ? pred.dtype() : DType.FLOAT32;
                            int[] outShape = new int[k + 2];
                            outShape[0] = n;
                            outShape[1] = pred.size(1);
                            System.arraycopy(padded, 0, outShape, 2, k);
                            out = step.keep(Tensor.zeros(dt, outShape));
                            int[] countShape = outShape.clone();
                            countShape[0] = 1;
                            countShape[1] = 1;
                            count = step.keep(Tensor.zeros(dt, countShape));
                            importance = step.keep(importance.to(dt));
                        }
                        Tensor weighted = pred.to(out.dtype()).mul(importance);
                        for (int w = from; w < to; w++) {
                            window(out.narrow(0, sample, 1), starts.get(w)).add_(weighted.narrow(0, w - from, 1));
                            if (sample == 0) {
                                window(count, starts.get(w)).add_(importance);
                            }
                        }
                    }
                }
            }
            Tensor result = out.div(count);
            for (int d = 0; d < k; d++) {
                if (padded[d] != spatial[d]) {
                    result = result.narrow(d + 2, padBefore[d], spatial[d]);
                }
            }
            return run.keep(result.contiguous());
        }
    }

    /** The window of {@code t} ({@code [1, C, *spatial]}) starting at {@code start}: a view. */
    private Tensor window(Tensor t, int[] start) {
        Tensor v = t;
        for (int d = 0; d < roi.length; d++) {
            v = v.narrow(d + 2, start[d], roi[d]);
        }
        return v;
    }

    private void checkPrediction(Tensor pred, int windows) {
        int[] s = pred.shape();
        boolean ok = s.length == roi.length + 2 && s[0] == windows;
        for (int d = 0; ok && d < roi.length; d++) {
            ok = s[d + 2] == roi[d];
        }
        if (!ok) {
            throw new IllegalArgumentException("SlidingWindowInference: the predictor must map [" + windows + ", C, "
                    + Arrays.toString(roi).replaceAll("[\\[\\]]", "") + "] to [" + windows + ", C', "
                    + Arrays.toString(roi).replaceAll("[\\[\\]]", "") + "], it returned " + Arrays.toString(s));
        }
    }

    /** Start corners of every window, row-major over the axes. */
    List<int[]> windowStarts(int[] size) {
        int k = roi.length;
        int[][] perAxis = new int[k][];
        for (int d = 0; d < k; d++) {
            int interval = size[d] == roi[d] ? roi[d] : Math.max(1, (int) (roi[d] * (1 - overlap)));
            int count = (int) Math.ceil((double) (size[d] - roi[d]) / interval) + 1;
            perAxis[d] = new int[count];
            for (int i = 0; i < count; i++) {
                perAxis[d][i] = Math.min(i * interval, size[d] - roi[d]);
            }
        }
        List<int[]> starts = new ArrayList<>();
        int[] idx = new int[k];
        while (true) {
            int[] s = new int[k];
            for (int d = 0; d < k; d++) {
                s[d] = perAxis[d][idx[d]];
            }
            starts.add(s);
            int d = k - 1;
            while (d >= 0 && ++idx[d] == perAxis[d].length) {
                idx[d] = 0;
                d--;
            }
            if (d < 0) {
                return starts;
            }
        }
    }

    /** The weight of each voxel of a window, {@code [1, 1, *roi]}. */
    Tensor importanceMap() {
        int k = roi.length;
        int numel = 1;
        for (int r : roi) {
            numel *= r;
        }
        double[] w = new double[numel];
        Arrays.fill(w, 1.0);
        if (mode == BlendMode.GAUSSIAN) {
            int stride = numel;
            for (int d = 0; d < k; d++) {
                stride /= roi[d];
                double sigma = sigmaScale * roi[d];
                double centre = (roi[d] - 1) / 2.0;
                for (int i = 0; i < numel; i++) {
                    int c = (i / stride) % roi[d];
                    double z = (c - centre) / sigma;
                    w[i] *= Math.exp(-0.5 * z * z);
                }
            }
            double max = Arrays.stream(w).max().orElse(1);
            for (int i = 0; i < numel; i++) {
                w[i] = Math.max(w[i] / max, 1e-3);
            }
        }
        int[] shape = new int[k + 2];
        shape[0] = 1;
        shape[1] = 1;
        System.arraycopy(roi, 0, shape, 2, k);
        return Tensor.of(w, shape).toFloat();
    }
}
