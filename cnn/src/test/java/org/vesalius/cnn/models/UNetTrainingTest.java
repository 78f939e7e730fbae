package org.vesalius.cnn.models;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.vesalius.autograd.NoGrad;
import org.vesalius.backend.Backends;
import org.vesalius.nn.F;
import org.vesalius.optim.Adam;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/**
 * A small U-Net learns to segment bright disks in noise: a few Adam steps with BCE on logits cut the
 * loss and give a usable Dice, and the training loop holds its native memory steady.
 */
class UNetTrainingTest {
    private static final int N = 8;
    private static final int SIDE = 32;

    /** Images {@code [N, 1, 32, 32]} of one or two disks (value 1) in Gaussian noise, and their masks. */
    private static Tensor[] blobs(long seed) {
        Random r = new Random(seed);
        float[] img = new float[N * SIDE * SIDE];
        float[] mask = new float[N * SIDE * SIDE];
        for (int n = 0; n < N; n++) {
            int disks = 1 + r.nextInt(2);
            for (int d = 0; d < disks; d++) {
                double cy = 6 + r.nextInt(SIDE - 12);
                double cx = 6 + r.nextInt(SIDE - 12);
                double rad = 3 + 4 * r.nextDouble();
                for (int y = 0; y < SIDE; y++) {
                    for (int x = 0; x < SIDE; x++) {
                        if ((y - cy) * (y - cy) + (x - cx) * (x - cx) <= rad * rad) {
                            mask[(n * SIDE + y) * SIDE + x] = 1;
                        }
                    }
                }
            }
            for (int i = n * SIDE * SIDE; i < (n + 1) * SIDE * SIDE; i++) {
                img[i] = mask[i] + 0.35f * (float) r.nextGaussian();
            }
        }
        return new Tensor[] {Tensor.of(img, N, 1, SIDE, SIDE), Tensor.of(mask, N, 1, SIDE, SIDE)};
    }

    @Test
    void aFewAdamStepsLearnToSegmentBlobs() {
        try (Scope s = Scope.open(); UNet net = new UNet(2, 1, 1, new int[] {8, 16, 32}, Norm.BATCH, false, false,
                new Generator(11))) {
            Tensor[] data = blobs(12);
            Tensor x = data[0];
            Tensor y = data[1];
            Adam opt = new Adam(net.parameters(), 1e-2);
            double first = 0;
            double last = 0;
            long liveAfterStep5 = 0;
            int steps = 30;
            for (int step = 1; step <= steps; step++) {
                try (Scope st = Scope.open()) {
                    opt.zeroGrad();
                    Tensor loss = F.binaryCrossEntropyWithLogits(net.forward(x), y);
                    loss.backward();
                    opt.step();
                    double v = loss.item();
                    if (step == 1) {
                        first = v;
                    }
                    last = v;
                }
                if (step == 5) {
                    liveAfterStep5 = Backends.cpu().liveBytes();
                }
            }
            // process-wide count: the GC cleaner may free other tests' leftovers meanwhile, so it can only fall
            long liveAfter = Backends.cpu().liveBytes();
            assertTrue(liveAfter <= liveAfterStep5, "native memory grew from " + liveAfterStep5 + " bytes after step 5 to "
                    + liveAfter + " after step " + steps);
            assertTrue(last < 0.4 * first, "loss " + first + " -> " + last);

            net.eval();
            try (NoGrad ng = NoGrad.open()) {
                Tensor pred = net.forward(x).gt(0).toFloat();
                double inter = pred.mul(y).sum().item();
                double dice = 2 * inter / (pred.sum().item() + y.sum().item());
                assertTrue(dice > 0.8, "training-set Dice in eval mode " + dice);
            }
        }
    }
}
