package org.vesalius.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.vesalius.backend.Backend;
import org.vesalius.backend.Backends;
import org.vesalius.backend.ConvParams;
import org.vesalius.backend.cpu.conv.DnnlConvolution;
import org.vesalius.backend.cpu.conv.DnnlConvolution.Layout;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;

/**
 * Times each convolution of the W2 (LeNet-5) and W3 (U-Net) workloads in oneDNN's blocked layout
 * ({@link Layout#ANY}) and channels-last, per direction (forward, backward-data, backward-weights),
 * the two layouts interleaved call by call so that the machine's load falls on both alike. The data
 * behind the backend's by-shape layout rule (ADR 0008).
 *
 * <pre>java -cp bench/target/vesalius-bench.jar org.vesalius.bench.ConvLayoutSurvey [--rounds 40] [--threads 2]</pre>
 *
 * <p>Prints one JSON line per (shape, direction): median ms per call of each layout and their ratio.
 */
public final class ConvLayoutSurvey {
    private ConvLayoutSurvey() {
    }

    /** One convolution: input {@code [n, c, h, w]}, {@code k} output channels, square kernel. */
    record Shape(String name, int n, int c, int h, int w, int k, int kernel, int stride, int pad) {
        int outH() {
            return (h + 2 * pad - kernel) / stride + 1;
        }

        int outW() {
            return (w + 2 * pad - kernel) / stride + 1;
        }
    }

    static List<Shape> shapes() {
        List<Shape> s = new ArrayList<>();
        s.add(new Shape("lenet-conv1", 64, 1, 28, 28, 20, 5, 1, 0));
        s.add(new Shape("lenet-conv2", 64, 20, 12, 12, 50, 5, 1, 0));
        int[] chs = {16, 32, 64, 128};
        int size = 128;
        int cin = 1;
        for (int level = 0; level < chs.length; level++) {
            int c = chs[level];
            s.add(new Shape("unet-" + cin + "to" + c + "@" + size, 4, cin, size, size, c, 3, 1, 1));
            s.add(new Shape("unet-" + c + "to" + c + "@" + size, 4, c, size, size, c, 3, 1, 1));
            if (level > 0) {
                // decoder block at this level's upper neighbour: 2c -> c after concatenation
                int up = chs[level - 1];
                int upSize = size * 2;
                s.add(new Shape("unet-" + 2 * up + "to" + up + "@" + upSize, 4, 2 * up, upSize, upSize, up, 3, 1, 1));
                // the transposed 2x2 stride-2 convolution from this level up: as a convolution from the
                // upper level's size down (its backward-data is the transposed forward)
                s.add(new Shape("unet-up" + c + "to" + up + "@" + size, 4, up, upSize, upSize, c, 2, 2, 0));
            }
            size /= 2;
            cin = c;
        }
        s.add(new Shape("unet-head16to1@128", 4, 16, 128, 128, 1, 1, 1, 0));
        return s;
    }

    public static void main(String[] args) {
        int rounds = 40;
        int threads = 2;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rounds": rounds = Integer.parseInt(args[++i]); break;
                case "--threads": threads = Integer.parseInt(args[++i]); break;
                default: throw new IllegalArgumentException("unknown argument " + args[i] + " (accepted: --rounds N, --threads N)");
            }
        }
        Backend be = Backends.cpu();
        be.setThreads(threads);
        Generator g = new Generator(42);
        Layout[] layouts = {Layout.ANY, Layout.CHANNELS_LAST};
        Layout before = DnnlConvolution.layout();
        String[] directions = {"forward", "backward-data", "backward-weights"};
        for (Shape s : shapes()) {
            try (Tensor x = Tensor.randn(g, s.n(), s.c(), s.h(), s.w());
                 Tensor w = Tensor.randn(g, s.k(), s.c(), s.kernel(), s.kernel());
                 Tensor b = Tensor.randn(g, s.k());
                 Tensor y = Tensor.zeros(s.n(), s.k(), s.outH(), s.outW());
                 Tensor gx = Tensor.zeros(s.n(), s.c(), s.h(), s.w());
                 Tensor gw = Tensor.zeros(s.k(), s.c(), s.kernel(), s.kernel());
                 Tensor gb = Tensor.zeros(s.k())) {
                ConvParams p = ConvParams.of(new int[] {s.stride(), s.stride()}, new int[] {s.pad(), s.pad()},
                        new int[] {1, 1}, 1);
                for (int d = 0; d < directions.length; d++) {
                    double[][] ms = new double[layouts.length][rounds];
                    for (int r = -3; r < rounds; r++) {
                        for (int l = 0; l < layouts.length; l++) {
                            DnnlConvolution.setLayout(layouts[l]);
                            long t0 = System.nanoTime();
                            switch (d) {
                                case 0: be.convForward(x, w, b, y, p); break;
                                case 1: be.convBackwardData(y, w, gx, p); break;
                                default: be.convBackwardWeights(x, y, gw, gb, p); break;
                            }
                            if (r >= 0) {
                                ms[l][r] = (System.nanoTime() - t0) / 1e6;
                            }
                        }
                    }
                    Arrays.sort(ms[0]);
                    Arrays.sort(ms[1]);
                    double blocked = Bench.median(ms[0]);
                    double channelsLast = Bench.median(ms[1]);
                    System.out.println(String.format(Locale.ROOT,
                            "{\"shape\": \"%s\", \"direction\": \"%s\", \"blocked_ms\": %.4f, \"channels_last_ms\": %.4f, "
                                    + "\"blocked_over_channels_last\": %.2f}",
                            s.name(), directions[d], blocked, channelsLast, blocked / channelsLast));
                }
            }
        }
        DnnlConvolution.setLayout(before);
    }
}
