package org.vesalius.bench;

import java.util.Map;
import org.vesalius.backend.Backend;
import org.vesalius.backend.Backends;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;

/**
 * The normalization workloads of {@code bench/scripts/torch_norm_ops.py}: batch, layer, group and
 * instance norm, forward and backward, at the U-Net (W3) and transformer (W5) shapes and at the
 * larger shapes of the issue. Every "fwdbwd" step computes the op with affine parameters and calls
 * {@code backward} with a fixed random upstream gradient (not ones: with a constant upstream gradient
 * a normalization's input gradient is zero, which would let a kernel skip work), so the input, weight
 * and bias gradients accumulate as in training.
 *
 * <p>The "kernels" workloads call the backend's forward and backward kernels directly, without
 * autograd and without accumulating gradients; their PyTorch counterparts call
 * {@code torch.ops.aten.native_*_norm} and {@code native_*_norm_backward}. Outputs are allocated in
 * each step on both sides. They isolate the normalization kernels from the rest of a training step.
 */
final class NormWorkloads {
    private NormWorkloads() {
    }

    static void register(Map<String, Bench.Workload> m, Generator g) {
        // U-Net levels of W3: 16 channels at 128x128, 32 at 64x64, 64 at 32x32, bottleneck 128 at 16x16
        m.put("batchnorm-unet16-fwdbwd", batchNorm(g, true, 4, 16, 128, 128));
        m.put("batchnorm-unet32-fwdbwd", batchNorm(g, true, 4, 32, 64, 64));
        m.put("batchnorm-unet64-fwdbwd", batchNorm(g, true, 4, 64, 32, 32));
        m.put("batchnorm-unet128-fwdbwd", batchNorm(g, true, 4, 128, 16, 16));
        m.put("batchnorm-unet32-eval", batchNorm(g, false, 4, 32, 64, 64));
        m.put("layernorm-8192x512-fwdbwd", layerNorm(g, 8192, 512));
        m.put("layernorm-2048x256-fwdbwd", layerNorm(g, 2048, 256));
        m.put("groupnorm-unet32-g8-fwdbwd", groupNorm(g, 8, 4, 32, 64, 64));
        m.put("groupnorm-8x256x32x32-g32-fwdbwd", groupNorm(g, 32, 8, 256, 32, 32));
        m.put("instancenorm-unet32-fwdbwd", instanceNorm(g, 4, 32, 64, 64));
        m.put("batchnorm-unet16-kernels", batchNormKernels(g, 4, 16, 128, 128));
        m.put("batchnorm-unet32-kernels", batchNormKernels(g, 4, 32, 64, 64));
        m.put("batchnorm-unet128-kernels", batchNormKernels(g, 4, 128, 16, 16));
        m.put("layernorm-8192x512-kernels", layerNormKernels(g, 8192, 512));
        m.put("layernorm-2048x256-kernels", layerNormKernels(g, 2048, 256));
        m.put("groupnorm-unet32-g8-kernels", groupNormKernels(g, 8, 4, 32, 64, 64));
    }

    /**
     * Training: {@code F.batch_norm(x, rm, rv, w, b, training=True)} then backward. Eval: the forward
     * with the running statistics and no graph, as in W3-infer.
     */
    private static Bench.Workload batchNorm(Generator g, boolean training, int... shape) {
        int c = shape[1];
        Tensor x = Tensor.randn(g, shape).requiresGrad_(training);
        Tensor w = Tensor.randn(g, c).requiresGrad_(training);
        Tensor b = Tensor.randn(g, c).requiresGrad_(training);
        Tensor rm = Tensor.zeros(c);
        Tensor rv = Tensor.ones(c);
        if (!training) {
            return new Bench.Workload(Bench.noGrad(() -> x.batchNorm(rm, rv, w, b, false, 0.1, 1e-5)), 1);
        }
        Tensor gy = Tensor.randn(g, shape);
        return new Bench.Workload(() -> x.batchNorm(rm, rv, w, b, true, 0.1, 1e-5).backward(gy), 1);
    }

    /** {@code F.layer_norm(x, [k], w, b)} over {@code [rows, k]}, then backward. */
    private static Bench.Workload layerNorm(Generator g, int rows, int k) {
        Tensor x = Tensor.randn(g, rows, k).requiresGrad_(true);
        Tensor w = Tensor.randn(g, k).requiresGrad_(true);
        Tensor b = Tensor.randn(g, k).requiresGrad_(true);
        Tensor gy = Tensor.randn(g, rows, k);
        int[] normalized = {k};
        return new Bench.Workload(() -> x.layerNorm(normalized, w, b, 1e-5).backward(gy), 1);
    }

    /** {@code F.group_norm(x, groups, w, b)}, then backward. */
    private static Bench.Workload groupNorm(Generator g, int groups, int... shape) {
        int c = shape[1];
        Tensor x = Tensor.randn(g, shape).requiresGrad_(true);
        Tensor w = Tensor.randn(g, c).requiresGrad_(true);
        Tensor b = Tensor.randn(g, c).requiresGrad_(true);
        Tensor gy = Tensor.randn(g, shape);
        return new Bench.Workload(() -> x.groupNorm(groups, w, b, 1e-5).backward(gy), 1);
    }

    /** {@code F.instance_norm(x, weight=w, bias=b)} (instance statistics, no running ones), then backward. */
    private static Bench.Workload instanceNorm(Generator g, int... shape) {
        int c = shape[1];
        Tensor x = Tensor.randn(g, shape).requiresGrad_(true);
        Tensor w = Tensor.randn(g, c).requiresGrad_(true);
        Tensor b = Tensor.randn(g, c).requiresGrad_(true);
        Tensor gy = Tensor.randn(g, shape);
        return new Bench.Workload(() -> x.instanceNorm(w, b, 1e-5).backward(gy), 1);
    }

    /** Backend batch norm forward (training) and backward (input, weight and bias gradients). */
    private static Bench.Workload batchNormKernels(Generator g, int... shape) {
        Backend be = Backends.cpu();
        int c = shape[1];
        Tensor x = Tensor.randn(g, shape);
        Tensor w = Tensor.randn(g, c);
        Tensor b = Tensor.randn(g, c);
        Tensor rm = Tensor.zeros(c);
        Tensor rv = Tensor.ones(c);
        Tensor gy = Tensor.randn(g, shape);
        return new Bench.Workload(() -> {
            Tensor out = Tensor.empty(shape);
            Tensor mean = Tensor.empty(c);
            Tensor inv = Tensor.empty(c);
            be.batchNorm(x, w, b, rm, rv, true, 0.1, 1e-5, out, mean, inv);
            be.batchNormBackward(gy, x, w, mean, inv, true, Tensor.empty(shape), Tensor.empty(c), Tensor.empty(c));
        }, 1);
    }

    /** Backend layer norm forward and backward over {@code [rows, k]}. */
    private static Bench.Workload layerNormKernels(Generator g, int rows, int k) {
        Backend be = Backends.cpu();
        Tensor x = Tensor.randn(g, rows, k);
        Tensor w = Tensor.randn(g, k);
        Tensor b = Tensor.randn(g, k);
        Tensor gy = Tensor.randn(g, rows, k);
        return new Bench.Workload(() -> {
            Tensor out = Tensor.empty(rows, k);
            Tensor mean = Tensor.empty(rows);
            Tensor inv = Tensor.empty(rows);
            be.layerNorm(x, k, w, b, 1e-5, out, mean, inv);
            be.layerNormBackward(gy, x, k, w, mean, inv, Tensor.empty(rows, k), Tensor.empty(k), Tensor.empty(k));
        }, 1);
    }

    /** Backend group norm forward and backward. */
    private static Bench.Workload groupNormKernels(Generator g, int groups, int... shape) {
        Backend be = Backends.cpu();
        int n = shape[0];
        int c = shape[1];
        Tensor x = Tensor.randn(g, shape);
        Tensor w = Tensor.randn(g, c);
        Tensor b = Tensor.randn(g, c);
        Tensor gy = Tensor.randn(g, shape);
        return new Bench.Workload(() -> {
            Tensor out = Tensor.empty(shape);
            Tensor mean = Tensor.empty(n, groups);
            Tensor inv = Tensor.empty(n, groups);
            be.groupNorm(x, groups, w, b, 1e-5, out, mean, inv);
            be.groupNormBackward(gy, x, groups, w, mean, inv, Tensor.empty(shape), Tensor.empty(c), Tensor.empty(c));
        }, 1);
    }
}
