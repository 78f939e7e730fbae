package org.vesalius.backend.cpu;

import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;

/**
 * Counter-based random fills: element {@code i} of the row-major order draws from
 * {@code Generator.mix(seed, offset + i)}, so the numbers do not depend on threads or chunking.
 */
final class CpuRandom {
    private static final long SECOND_STREAM = 0x632BE59BD9B4E019L;

    private CpuRandom() {
    }

    static double unit53(long bits) {
        return (bits >>> 11) * 0x1.0p-53;
    }

    static void uniform(Tensor out, double lo, double hi, long seed, long offset) {
        boolean integral = !out.dtype().isFloatingPoint();
        // 24 random bits for float32 so that rounding to float can never reach 1.0
        boolean narrow = out.dtype() != org.vesalius.tensor.DType.FLOAT64 && !integral;
        fill(out, (i) -> {
            long bits = Generator.mix(seed, offset + i);
            double u = narrow ? (bits >>> 40) * 0x1.0p-24 : unit53(bits);
            return integral ? lo + Math.floor(u * (hi - lo)) : lo + u * (hi - lo);
        });
    }

    static void normal(Tensor out, double mean, double std, long seed, long offset) {
        fill(out, (i) -> {
            // Box-Muller on two independent streams; 1 - u keeps the log argument in (0, 1]
            double u1 = 1 - unit53(Generator.mix(seed, offset + i));
            double u2 = unit53(Generator.mix(seed ^ SECOND_STREAM, offset + i));
            return mean + std * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
        });
    }

    @FunctionalInterface
    private interface Draw {
        double at(long i);
    }

    private static void fill(Tensor out, Draw draw) {
        Strided it = Strided.of(out);
        CpuStorage so = CpuElementwise.st(out);
        int s0 = it.inner(0);
        Parallel.range(it.numel, Parallel.GRAIN, (from, to) -> {
            double[] buf = new double[it.chunk];
            long[] pos = {from};
            it.forEach(from, to, (off, len) -> {
                long base = pos[0];
                for (int j = 0; j < len; j++) {
                    buf[j] = draw.at(base + j);
                }
                pos[0] += len;
                Access.store(buf, len, so, off[0], s0);
            });
        });
    }
}
