package org.vesalius.bench;

import java.util.Map;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;

/** The convolution workloads of torch_ops.py: conv2d forward + backward (input, weight and bias gradients). */
final class ConvWorkloads {
    private ConvWorkloads() {
    }

    static void register(Map<String, Bench.Workload> m, Generator g) {
        m.put("conv2d-lenet1-fwdbwd", conv(g, 64, 1, 28, 28, 20, 5, 0));
        m.put("conv2d-lenet2-fwdbwd", conv(g, 64, 20, 12, 12, 50, 5, 0));
        m.put("conv2d-unet16-fwdbwd", conv(g, 4, 16, 128, 128, 16, 3, 1));
        m.put("conv2d-unet64-fwdbwd", conv(g, 4, 64, 32, 32, 64, 3, 1));
    }

    /** As torch_ops.py: y = conv2d(x, w, b, padding); y.backward(ones_like(y)), gradients accumulating. */
    private static Bench.Workload conv(Generator g, int n, int c, int h, int w, int k, int kernel, int pad) {
        Tensor x = Tensor.randn(g, n, c, h, w).requiresGrad_(true);
        Tensor wt = Tensor.randn(g, k, c, kernel, kernel).requiresGrad_(true);
        Tensor b = Tensor.randn(g, k).requiresGrad_(true);
        return new Bench.Workload(() -> {
            Tensor y = x.conv2d(wt, b, 1, pad);
            y.backward(Tensor.onesLike(y));
        }, 1);
    }
}
