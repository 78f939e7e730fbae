package org.vesalius.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.vesalius.autograd.NoGrad;
import org.vesalius.backend.Backends;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/**
 * Op-level benchmarks, the Java side of {@code shared/bench/torch_ops.py}: the same workloads, the
 * same JSON line per measurement, so one script can pair the two peers.
 *
 * <pre>java -jar bench/target/vesalius-bench.jar [WORKLOAD ...] [--threads 2] [--warmup 5] [--iters 30]</pre>
 *
 * <p>Op workloads default to 5 warm-up and 30 timed steps; model workloads to the counts of their
 * benchmark definition ({@code lenet-train}, {@code lenet-infer}: 10/30; {@code unet-train}: 2/8;
 * {@code unet-infer}: 3/10). {@code --warmup} and
 * {@code --iters} override both. {@code --trace} also prints every step's time (warm-up included) to
 * standard error, in order, to show how the JIT warms up.
 *
 * <p>{@code --soak STEPS [--sample-every K]} runs each named workload for {@code STEPS} steps after
 * its warm-up instead of timing it, and prints a JSON line every {@code K} steps (default 500) with the
 * process's resident set ({@code VmRSS} from {@code /proc/self/status}), the backend's live and cached
 * native bytes, the JVM heap in use, left after the last collection and committed, and the mean step
 * time since the last sample; then a summary line with the growth of each from the first sample to the
 * last. Flat memory over 10,000 steps is one of the benchmark plan's targets (W4:
 * {@code lstm-train --soak 10000}).
 */
public final class Bench {
    private Bench() {
    }

    /** One timed step; {@link #reps} calls per timed sample for ops too small to time alone. */
    interface Step {
        void run();
    }

    static final class Workload {
        final Step step;
        final int reps;
        /** The workload's own warm-up and timed counts (its PyTorch twin's), or 0 for the command line's defaults. */
        final int warmup;
        final int iters;

        Workload(Step step, int reps) {
            this(step, reps, 0, 0);
        }

        Workload(Step step, int reps, int warmup, int iters) {
            this.step = step;
            this.reps = reps;
            this.warmup = warmup;
            this.iters = iters;
        }
    }

    static Map<String, Workload> workloads() {
        Generator g = new Generator(42);
        Map<String, Workload> m = new LinkedHashMap<>();
        Tensor a = Tensor.randn(g, 4 * 1024 * 1024);
        Tensor b = Tensor.randn(g, 4 * 1024 * 1024);
        Tensor s = Tensor.randn(g, 64, 10000);
        Tensor m1 = Tensor.randn(g, 1024, 1024);
        Tensor n1 = Tensor.randn(g, 1024, 1024);
        Tensor m2 = Tensor.randn(g, 2048, 2048);
        Tensor n2 = Tensor.randn(g, 2048, 2048);
        Tensor oneA = Tensor.randn(g, 1).requiresGrad_(true);
        Tensor oneB = Tensor.randn(g, 1).requiresGrad_(true);
        m.put("sgemm-1024", new Workload(noGrad(() -> m1.matmul(n1)), 1));
        m.put("sgemm-2048", new Workload(noGrad(() -> m2.matmul(n2)), 1));
        m.put("add-4M", new Workload(noGrad(() -> a.add(b)), 1));
        m.put("relu-4M", new Workload(noGrad(a::relu), 1));
        m.put("sum-4M", new Workload(noGrad(a::sum), 1));
        m.put("softmax-64x10000", new Workload(noGrad(() -> s.softmax(1)), 1));
        m.put("tiny-add-autograd", new Workload(() -> oneA.add(oneB), 10000));
        ConvWorkloads.register(m, g);
        NormWorkloads.register(m, g);
        ModelWorkloads.register(m);
        return m;
    }

    /** Runs the op without a graph, freeing its result at once. */
    static Step noGrad(java.util.function.Supplier<Tensor> op) {
        return () -> {
            try (NoGrad ng = NoGrad.open()) {
                op.get().close();
            }
        };
    }

    public static void main(String[] args) {
        List<String> names = new ArrayList<>();
        int threads = 2;
        Integer warmupArg = null;
        Integer itersArg = null;
        boolean trace = false;
        int soak = 0;
        int sampleEvery = 500;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--threads": threads = Integer.parseInt(args[++i]); break;
                case "--warmup": warmupArg = Integer.parseInt(args[++i]); break;
                case "--iters": itersArg = Integer.parseInt(args[++i]); break;
                case "--trace": trace = true; break;
                case "--soak": soak = Integer.parseInt(args[++i]); break;
                case "--sample-every": sampleEvery = Integer.parseInt(args[++i]); break;
                case "--list":
                    workloads().keySet().forEach(System.out::println);
                    return;
                default:
                    names.add(args[i]);
            }
        }
        Backends.cpu().setThreads(threads);
        Map<String, Workload> all = workloads();
        if (names.isEmpty()) {
            names.addAll(all.keySet());
        }
        for (String name : names) {
            Workload w = all.get(name);
            if (w == null) {
                System.err.println("unknown workload '" + name + "'; known: " + all.keySet());
                System.exit(2);
            }
            int warmup = warmupArg != null ? warmupArg : w.warmup > 0 ? w.warmup : 5;
            int iters = itersArg != null ? itersArg : w.iters > 0 ? w.iters : 30;
            if (soak > 0) {
                Soak.run(name, w, warmup, soak, sampleEvery, threads);
                continue;
            }
            double[] ms = time(w, warmup, iters, trace);
            System.out.println(String.format(Locale.ROOT,
                    "{\"peer\": \"vesalius\", \"workload\": \"%s\", \"median_ms\": %.6f, \"min_ms\": %.6f, \"iters\": %d, \"threads\": %d}",
                    name, median(ms), ms[0], iters, threads));
        }
    }

    /** The median of sorted values; the mean of the middle two for an even count, as torch_bench.py. */
    static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
    }

    static double[] time(Workload w, int warmup, int iters, boolean trace) {
        for (int i = 0; i < warmup; i++) {
            try (Scope s = Scope.open()) {
                long t0 = System.nanoTime();
                for (int r = 0; r < w.reps; r++) {
                    w.step.run();
                }
                if (trace) {
                    System.err.printf(Locale.ROOT, "warmup %d %.3f ms%n", i, (System.nanoTime() - t0) / 1e6 / w.reps);
                }
            }
        }
        double[] ms = new double[iters];
        for (int i = 0; i < iters; i++) {
            try (Scope s = Scope.open()) {
                long t0 = System.nanoTime();
                for (int r = 0; r < w.reps; r++) {
                    w.step.run();
                }
                ms[i] = (System.nanoTime() - t0) / 1e6 / w.reps;
                if (trace) {
                    System.err.printf(Locale.ROOT, "step %d %.3f ms%n", i, ms[i]);
                }
            }
        }
        Arrays.sort(ms);
        return ms;
    }
}
