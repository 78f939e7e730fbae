package org.vesalius.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.vesalius.autograd.NoGrad;
import org.vesalius.cnn.models.LeNet5;
import org.vesalius.cnn.models.Norm;
import org.vesalius.cnn.models.UNet;
import org.vesalius.nn.F;
import org.vesalius.nn.Linear;
import org.vesalius.optim.Adam;
import org.vesalius.optim.SGD;
import org.vesalius.rnn.GRU;
import org.vesalius.rnn.LSTM;
import org.vesalius.rnn.RNNBase;
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
        m.put("lstm-train", recurrent("lstm"));
        m.put("gru-train", recurrent("gru"));
        m.put("bilstm-train", recurrent("bilstm"));
    }

    /**
     * W4 and its variants: a one-layer recurrent classifier over a batch-first 32×64×128 input,
     * hidden 256, the last step's output into a dense layer to 2 classes, cross-entropy, Adam lr 1e-3;
     * {@code lstm} is W4 itself, {@code gru} a GRU, {@code bilstm} a bidirectional LSTM (dense 512 to 2).
     * 5 warm-up and 20 timed steps.
     */
    private static Bench.Workload recurrent(String kind) {
        Generator g = new Generator(42);
        boolean bidir = kind.equals("bilstm");
        RNNBase rnn = kind.equals("gru") ? new GRU(128, 256, 1, true, true, 0, false, g)
                : new LSTM(128, 256, 1, true, true, 0, bidir, 0, g);
        Linear fc = new Linear(bidir ? 512 : 256, 2, true, g);
        Tensor x = Tensor.rand(g, 32, 64, 128);
        Tensor y = Tensor.randint(0, 2, g, 32);
        List<Tensor> params = new ArrayList<>(rnn.parameters());
        params.addAll(fc.parameters());
        Adam opt = new Adam(params, 1e-3);
        return new Bench.Workload(() -> {
            opt.zeroGrad();
            Tensor out = rnn.forward(x);
            F.crossEntropy(fc.forward(out.select(1, out.size(1) - 1)), y).backward();
            opt.step();
        }, 1, 5, 20);
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
