package org.vesalius.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.vesalius.autograd.NoGrad;
import org.vesalius.backend.Backend;
import org.vesalius.backend.Backends;

/**
 * 10,000 training steps of a small conv net (conv, ReLU, max pool, linear, log-softmax, NLL,
 * backward, SGD) with a {@link Scope} per step: the native memory held by the allocator must be the
 * same after the last step as after the first hundred.
 */
class MemorySoakTest {
    private static final int STEPS = 10_000;
    /** Allowed growth of live native bytes after step 100. */
    private static final long BOUND_BYTES = 64 * 1024;

    @Test
    void nativeMemoryStaysFlatOverTenThousandSteps() {
        Backend cpu = Backends.cpu();
        Generator g = new Generator(11);
        Tensor w1 = Tensor.randn(g, 4, 1, 3, 3).mul(0.3).requiresGrad_(true);
        Tensor b1 = Tensor.zeros(4).requiresGrad_(true);
        Tensor w2 = Tensor.randn(g, 4 * 5 * 5, 3).mul(0.1).requiresGrad_(true);
        Tensor x = Tensor.randn(g, 8, 1, 12, 12);
        Tensor y = Tensor.randint(0, 3, g, 8);
        Tensor[] params = {w1, b1, w2};

        // Tensors earlier tests in this JVM left to the GC may be reclaimed during the run, which only
        // lowers the count; growth is what a leak looks like, so the check is one-sided.
        System.gc();
        long liveAfterWarmup = 0;
        long peakLiveAfterWarmup = 0;
        double firstLoss = 0;
        double lastLoss = 0;
        for (int step = 0; step < STEPS; step++) {
            try (Scope s = Scope.open()) {
                Tensor h = x.conv2d(w1, b1).relu().maxPool2d(2).flatten(1);
                Tensor logits = h.matmul(w2);
                Tensor loss = logits.logSoftmax(1).gather(1, y.unsqueeze(1)).mean().neg();
                loss.backward();
                try (NoGrad ng = NoGrad.open()) {
                    for (Tensor p : params) {
                        p.sub_(p.grad().mul(0.05));
                        p.zeroGrad();
                    }
                }
                lastLoss = loss.item();
                if (step == 0) {
                    firstLoss = lastLoss;
                }
            }
            if (step == 99) {
                liveAfterWarmup = cpu.liveBytes();
            } else if (step > 99) {
                peakLiveAfterWarmup = Math.max(peakLiveAfterWarmup, cpu.liveBytes());
            }
        }
        assertTrue(peakLiveAfterWarmup <= liveAfterWarmup + BOUND_BYTES,
                "live native bytes grew from " + liveAfterWarmup + " after 100 steps to " + peakLiveAfterWarmup);
        assertTrue(lastLoss < firstLoss, "the net should learn the fixed batch: " + firstLoss + " -> " + lastLoss);
        assertEquals(4, w1.shape()[0]);
    }

    @Test
    void tensorsNobodyClosedAreFreedByTheCleaner() throws InterruptedException {
        Backend cpu = Backends.cpu();
        System.gc();
        Thread.sleep(100);
        long before = cpu.liveBytes();
        for (int i = 0; i < 2000; i++) {
            Tensor.zeros(16 * 1024).add(1); // 64 KiB each, two per iteration, never closed
        }
        assertTrue(cpu.liveBytes() >= before, "the loop allocated native memory");
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (cpu.liveBytes() > before + BOUND_BYTES && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(20);
        }
        assertTrue(cpu.liveBytes() <= before + BOUND_BYTES,
                "unreachable tensors still hold " + (cpu.liveBytes() - before) + " bytes after GC");
    }
}
