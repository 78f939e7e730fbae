package org.vesalius.transformer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.vesalius.autograd.NoGrad;
import org.vesalius.nn.Embedding;
import org.vesalius.nn.Linear;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Device;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/**
 * Incremental decoding on a {@link KVCache} against full recomputation: the cached decoder's outputs
 * at each new position equal the whole prefix's with a causal mask (float64, 1e-12), fed one position
 * at a time or in chunks, and greedy decoding gives the same tokens either way.
 */
class DecodingTest {
    private Scope scope;
    private NoGrad noGrad;

    @BeforeEach
    void open() {
        scope = Scope.open();
        noGrad = NoGrad.open();
    }

    @AfterEach
    void close() {
        noGrad.close();
        scope.close();
    }

    private static Tensor randn(long seed, int... shape) {
        return Tensor.randn(DType.FLOAT64, Device.CPU, new Generator(seed), shape);
    }

    private static Transformer model(boolean batchFirst, boolean normFirst) {
        Transformer t = new Transformer(8, 2, 1, 3, 16, 0.1, Activation.GELU, 1e-5, batchFirst, normFirst,
                new Generator(11));
        t.to(DType.FLOAT64);
        t.eval();
        return t;
    }

    @ParameterizedTest(name = "batchFirst={0} normFirst={1}")
    @CsvSource({"false,false", "true,true", "true,false"})
    void cachedStepsEqualTheFullPrefix(boolean batchFirst, boolean normFirst) {
        Transformer t = model(batchFirst, normFirst);
        int n = 2;
        int len = 7;
        int seq = batchFirst ? 1 : 0;
        Tensor src = batchFirst ? randn(1, n, 5, 8) : randn(1, 5, n, 8);
        Tensor tgt = batchFirst ? randn(2, n, len, 8) : randn(2, len, n, 8);
        Tensor padding = Tensor.of(new boolean[] {false, false, false, true, true, false, false, false, false, false},
                n, 5);
        Tensor memory = t.encoder().forward(src, null, padding);
        Tensor full = t.decoder().forward(tgt, memory, Transformer.generateSquareSubsequentMask(len, DType.FLOAT64),
                null, null, padding);
        // one position at a time, then chunks of 3, 1 and 3 (a chunk attends causally within itself)
        for (int[] chunks : new int[][] {{1, 1, 1, 1, 1, 1, 1}, {3, 1, 3}}) {
            try (KVCache cache = new KVCache(3)) {
                int at = 0;
                for (int c : chunks) {
                    Tensor out = t.decoder().forwardCached(tgt.narrow(seq, at, c), memory, cache, padding);
                    Tensor want = full.narrow(seq, at, c);
                    assertTrue(out.allclose(want, 1e-12, 1e-12), "positions " + at + ".." + (at + c - 1) + " of chunks "
                            + java.util.Arrays.toString(chunks) + ": max diff " + out.sub(want).abs().max().item());
                    at += c;
                }
                assertEquals(len, cache.length());
                assertArrayEquals(new int[] {n, 2, len, 4}, cache.self(0).keys().shape());
                assertArrayEquals(new int[] {n, 2, 5, 4}, cache.cross(2).values().shape());
            }
        }
    }

    @ParameterizedTest(name = "batchFirst={0}")
    @CsvSource({"true", "false"})
    void greedyWithTheCacheEqualsRecomputation(boolean batchFirst) {
        Transformer t = model(batchFirst, false);
        int vocab = 12;
        Embedding tokens = new Embedding(vocab, 8, null, new Generator(3));
        tokens.to(DType.FLOAT64);
        SinusoidalPositionalEncoding positions = new SinusoidalPositionalEncoding(8, 64, 0, batchFirst);
        Linear project = new Linear(8, vocab, true, new Generator(4));
        project.to(DType.FLOAT64);
        Decoding.TargetEmbedding embed = (ids, offset) -> {
            Tensor e = tokens.forward(ids).mul(Math.sqrt(8));
            return positions.forward(batchFirst ? e : e.transpose(0, 1), offset);
        };
        int n = 3;
        Tensor src = batchFirst ? randn(5, n, 6, 8) : randn(5, 6, n, 8);
        Tensor padding = Tensor.of(new boolean[] {false, false, false, false, true, true, false, false, false, false,
            false, false, false, false, false, false, false, true}, n, 6);
        Tensor memory = t.encoder().forward(src, null, padding);
        Tensor cached = Decoding.greedy(t.decoder(), memory, padding, embed, project::forward, 1, 2, 20, true);
        Tensor full = Decoding.greedy(t.decoder(), memory, padding, embed, project::forward, 1, 2, 20, false);
        assertArrayEquals(full.toLongArray(), cached.toLongArray());
        assertEquals(n, cached.size(0));
        long[] ids = cached.toLongArray();
        int width = cached.size(1);
        for (int r = 0; r < n; r++) {
            assertEquals(1, ids[r * width], "bos first");
            boolean ended = false;
            for (int c = 1; c < width; c++) {
                if (ended) {
                    assertEquals(2, ids[r * width + c], "eos after eos");
                }
                ended |= ids[r * width + c] == 2;
            }
        }
    }

    @Test
    void errors() {
        Transformer t = model(true, false);
        try (KVCache cache = new KVCache(2)) {
            String msg = assertThrows(IllegalArgumentException.class, () -> t.decoder().forwardCached(randn(1, 1, 1, 8),
                    randn(2, 1, 3, 8), cache, null)).getMessage();
            assertTrue(msg.contains("2 layers"), msg);
        }
        MultiheadAttention withBiasKv = new MultiheadAttention(8, 2, 0, true, true, false, 8, 8, true, new Generator(1));
        Tensor x = Tensor.zeros(1, 1, 8);
        String msg = assertThrows(IllegalArgumentException.class,
                () -> withBiasKv.forwardCached(x, x, x, new KVCache.Slot(), true, null)).getMessage();
        assertTrue(msg.contains("addBiasKv"), msg);
    }
}
