package org.vesalius.bench;

import java.util.Map;
import org.vesalius.tensor.Generator;

/** The convolution workloads of torch_ops.py; registered once the conv ops exist. */
final class ConvWorkloads {
    private ConvWorkloads() {
    }

    static void register(Map<String, Bench.Workload> m, Generator g) {
        // filled in with conv2d forward+backward at the LeNet and U-Net shapes
    }
}
