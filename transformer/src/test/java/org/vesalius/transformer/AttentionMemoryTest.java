package org.vesalius.transformer;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.vesalius.backend.Backends;
import org.vesalius.backend.cpu.CpuBackend;
import org.vesalius.nn.AttentionPath;
import org.vesalius.nn.F;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Device;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/**
 * The blocked path's memory grows with the sequence, not its square: forward and backward of
 * self-attention over 8,192 positions (float32, head dim 16), whose score matrix alone would be
 * 256 MiB, stay within 16 MiB of native memory beyond the inputs (measured: 4.0 MiB: output,
 * log-sum-exp, gradients and two 512 KiB score blocks). The Java heap is surefire's {@code -Xmx2g}; the
 * kernels' Java arrays are a few blocks per thread.
 */
class AttentionMemoryTest {
    private static final int L = 8192;
    private static final int E = 16;
    private static final long BOUND = 16L << 20;

    @Test
    void blockedAttentionHoldsNoScoreMatrix() {
        CpuBackend cpu = (CpuBackend) Backends.cpu();
        try (Scope s = Scope.open()) {
            Generator g = new Generator(0);
            Tensor q = Tensor.randn(DType.FLOAT32, Device.CPU, g, 1, 1, L, E).requiresGrad_(true);
            Tensor k = Tensor.randn(DType.FLOAT32, Device.CPU, g, 1, 1, L, E).requiresGrad_(true);
            Tensor v = Tensor.randn(DType.FLOAT32, Device.CPU, g, 1, 1, L, E).requiresGrad_(true);
            assertTrue(F.attentionPath(q, k, null) == AttentionPath.BLOCKED, "8192 x 8192 scores take the blocked path");
            long before = cpu.liveBytes();
            cpu.resetPeakLiveBytes();
            Tensor out = F.scaledDotProductAttention(q, k, v, null, 0, true);
            out.sum().backward();
            long used = cpu.peakLiveBytes() - before;
            long scores = (long) L * L * Float.BYTES;
            assertTrue(used < BOUND, "peak native memory above the inputs: " + (used >> 10) + " KiB, a score matrix is "
                    + (scores >> 20) + " MiB");
            assertFalse(Double.isNaN(q.grad().sum().item()), "gradients computed");
        }
    }
}
