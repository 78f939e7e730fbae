package org.vesalius.bench;

import java.util.Map;
import org.vesalius.autograd.NoGrad;
import org.vesalius.cnn.models.LeNet5;
import org.vesalius.cnn.models.Norm;
import org.vesalius.cnn.models.UNet;
import org.vesalius.nn.F;
import org.vesalius.optim.Adam;
import org.vesalius.optim.SGD;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;

/**
 * Model-level workloads, the Java side of {@code bench/scripts/torch_models.py} and of W2 and W3 in
 * the project's PyTorch benchmark ({@code torch_bench.py w2}, {@code w2-infer}, {@code w3},
 * {@code w3-infer}): the same network, batch, loss, optimizer and warm-up/timed counts.
 */
final class ModelWorkloads {
    private ModelWorkloads() {
    }

    static void register(Map<String, Bench.Workload> m) {
        m.put("lenet-train", lenet(true));
        m.put("lenet-infer", lenet(false));
        m.put("unet-train", unet(true));
        m.put("unet-infer", unet(false));
    }

    /**
     * W2: LeNet-5 on a 64×1×28×28 batch. Training: zero the gradients, forward, softmax
     * cross-entropy, backward, SGD step (lr 0.01, momentum 0.9). Inference: the forward in eval mode
     * without a graph. 10 warm-up and 30 timed steps unless the command line says otherwise.
     */
    private static Bench.Workload lenet(boolean train) {
        Generator g = new Generator(42);
        LeNet5 net = new LeNet5(1, 10, g);
        Tensor x = Tensor.rand(g, 64, 1, 28, 28);
        Tensor y = Tensor.randint(0, 10, g, 64);
        if (!train) {
            net.eval();
            return new Bench.Workload(() -> {
                try (NoGrad ng = NoGrad.open()) {
                    net.forward(x);
                }
            }, 1, 10, 30);
        }
        net.train();
        SGD opt = new SGD(net.parameters(), 0.01, 0.9);
        return new Bench.Workload(() -> {
            opt.zeroGrad();
            F.crossEntropy(net.forward(x), y).backward();
            opt.step();
        }, 1, 10, 30);
    }

    /**
     * W3: the U-Net of {@link UNet} with levels 16/32/64 and a 128-channel bottleneck (batch norm, conv
     * without bias, max pooling, 2×2 transposed convolutions, concatenated skips, 1×1 head) on a
     * 4×1×128×128 batch with a random binary mask. Training: zero the gradients, forward, BCE with
     * logits, backward, Adam step (lr 1e-3); 2 warm-up and 8 timed steps. Inference: the forward in eval
     * mode (running statistics) without a graph; 3 warm-up and 10 timed.
     */
    private static Bench.Workload unet(boolean train) {
        Generator g = new Generator(42);
        UNet net = new UNet(2, 1, 1, new int[] {16, 32, 64, 128}, Norm.BATCH, false, false, g);
        Tensor x = Tensor.rand(g, 4, 1, 128, 128);
        Tensor y = Tensor.rand(g, 4, 1, 128, 128).gt(0.5).toFloat();
        if (!train) {
            net.eval();
            return new Bench.Workload(() -> {
                try (NoGrad ng = NoGrad.open()) {
                    net.forward(x);
                }
            }, 1, 3, 10);
        }
        net.train();
        Adam opt = new Adam(net.parameters(), 1e-3);
        return new Bench.Workload(() -> {
            opt.zeroGrad();
            F.binaryCrossEntropyWithLogits(net.forward(x), y).backward();
            opt.step();
        }, 1, 2, 8);
    }
}
