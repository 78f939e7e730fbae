package org.vesalius.io;


import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vesalius.nn.F;
import org.vesalius.nn.Linear;
import org.vesalius.optim.Adam;
import org.vesalius.optim.StepLR;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;
import org.vesalius.testing.ReaderFuzz;

/**
 * Damaged checkpoints (a small model with Adam state, a schedule, generators and metadata) load or fail
 * with an IOException naming the file, within the per-case time limit and a heap bound of
 * {@code 2 x decoded + 16 x input + 1 MiB} allocated per case: the safetensors layer's bound plus the
 * JSON state in the header, parsed into maps. Mutations as for safetensors, and every number and every
 * JSON token of the header's state strings.
 */
class CheckpointFuzzTest {
    static final String BOUND = "2 x decoded + 16 x input + 1 MiB";
    private static final byte[] JSON = "{}[]\\\",:0123456789-+eE. nulltruefalseNaNInfinity".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    private byte[] checkpoint() throws IOException {
        Tensor.manualSeed(11);
        try (Linear net = new Linear(3, 2); Adam opt = new Adam(net.parameters(), 0.01)) {
            StepLR sched = new StepLR(opt, 2, 0.5);
            try (Scope s = Scope.open()) {
                Tensor x = Tensor.randn(4, 3);
                F.mseLoss(net.forward(x), Tensor.zeros(4, 2)).backward();
                opt.step();
                sched.step();
            }
            Path f = dir.resolve("seed.ckpt");
            Checkpoint.save(f, net, opt, sched, Map.of("epoch", 3, "loss", 0.25, "tags", List.of("a", "b"),
                    "data", new Generator(5)));
            return Files.readAllBytes(f);
        }
    }

    @Test
    void damagedCheckpointsLoadOrFailCleanly() throws IOException {
        Path file = ReaderFuzz.memoryDirectory(dir).resolve("fuzz.ckpt");
        ReaderFuzz<Checkpoint> fuzz = ReaderFuzz.of("checkpoint", 2718L, (input, name) -> {
            Files.write(file, input);
            return Checkpoint.load(file);
        }, c -> {
            try (c) {
                long bytes = 0;
                StringBuilder print = new StringBuilder(c.metadata() + c.schedulerType() + c.hasOptimizerState());
                for (Tensor t : c.modelState().values()) {
                    bytes += (long) t.numel() * t.dtype().byteSize();
                    print.append(java.util.Arrays.hashCode(t.toDoubleArray()));
                }
                return new ReaderFuzz.Decoded(bytes, print.toString());
            }
        }).heapBound(BOUND, (input, plain, decoded) -> 2 * decoded + 16 * input + (1 << 20)).alphabet(JSON)
                .headerBytes(4096);
        byte[] b = checkpoint();
        fuzz.seed(new ReaderFuzz.Seed("linear + adam.ckpt", b, SafetensorsFuzzTest.fields(b)));
        fuzz.run(800);
    }
}
