package org.vesalius.transformer;

import org.vesalius.nn.AttentionPath;
import org.vesalius.nn.F;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Device;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/**
 * Prints forward and forward+backward times of both attention paths, float32, batch x heads 8, head
 * dim 64, at the sequence lengths given (default 256 512 1024 2048), for the path rule in
 * transformer/README.md: wall time and the process's CPU time (the cost on a machine shared with
 * other work), each the best of the last runs. Not a test: run it with
 * {@code java -cp <transformer test classpath> org.vesalius.transformer.AttentionMeasurements [L ...]}.
 */
public final class AttentionMeasurements {
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    private AttentionMeasurements() {
    }

    public static void main(String[] args) {
        int[] lengths = args.length == 0 ? new int[] {256, 512, 1024, 2048} : new int[args.length];
        for (int i = 0; i < args.length; i++) {
            lengths[i] = Integer.parseInt(args[i]);
        }
        int bh = 8;
        int e = 64;
        for (int l : lengths) {
            for (AttentionPath path : new AttentionPath[] {AttentionPath.UNFUSED, AttentionPath.BLOCKED}) {
                double[] best = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE};
                for (int rep = 0; rep < 5; rep++) { // the first runs include JIT compilation
                    try (Scope s = Scope.open()) {
                        Generator g = new Generator(rep);
                        Tensor q = Tensor.randn(DType.FLOAT32, Device.CPU, g, 1, bh, l, e).requiresGrad_(true);
                        Tensor k = Tensor.randn(DType.FLOAT32, Device.CPU, g, 1, bh, l, e).requiresGrad_(true);
                        Tensor v = Tensor.randn(DType.FLOAT32, Device.CPU, g, 1, bh, l, e).requiresGrad_(true);
                        long c0 = OS.getProcessCpuTime();
                        long t0 = System.nanoTime();
                        Tensor out = F.scaledDotProductAttention(q, k, v, null, 0, false, null, null, path);
                        long c1 = OS.getProcessCpuTime();
                        long t1 = System.nanoTime();
                        out.sum().backward();
                        long c2 = OS.getProcessCpuTime();
                        long t2 = System.nanoTime();
                        best[0] = Math.min(best[0], (t1 - t0) / 1e6);
                        best[1] = Math.min(best[1], (t2 - t0) / 1e6);
                        best[2] = Math.min(best[2], (c1 - c0) / 1e6);
                        best[3] = Math.min(best[3], (c2 - c0) / 1e6);
                    }
                }
                double flops = 4.0 * bh * l * l * e;
                System.out.printf("L=%d %s: forward %.1f ms wall, %.1f ms CPU (%.1f GFLOP per CPU-second); "
                        + "forward+backward %.1f ms wall, %.1f ms CPU (%.1f GFLOP per CPU-second)%n", l, path, best[0],
                        best[2], flops / best[2] / 1e6, best[1], best[3], 3.5 * flops / best[3] / 1e6);
            }
        }
    }
}
