package org.vesalius.transformer;

import java.util.function.UnaryOperator;
import org.vesalius.autograd.NoGrad;
import org.vesalius.tensor.DType;
import org.vesalius.tensor.Scope;
import org.vesalius.tensor.Tensor;

/**
 * Decoding target sequences from a {@link TransformerDecoder}: greedy decoding, one token per step,
 * on a {@link KVCache} (or, as the reference it is tested against, recomputing the whole prefix at
 * every step).
 */
public final class Decoding {
    private Decoding() {
    }

    /** Turns target tokens into the decoder's input. */
    @FunctionalInterface
    public interface TargetEmbedding {
        /**
         * @param tokens int64 {@code [N, t]}, the tokens at positions {@code offset .. offset + t - 1}
         * @return {@code [N, t, dModel]} for a batch-first decoder, else {@code [t, N, dModel]}
         *         (token embedding and position encoding, as the model was trained)
         */
        Tensor embed(Tensor tokens, int offset);
    }

    /**
     * Greedy decoding: starting from {@code bos}, appends at each step the token whose logit is
     * highest, until every sequence has produced {@code eos} or {@code maxSteps} tokens were added;
     * a finished sequence continues with {@code eos}. Runs without autograd.
     *
     * @param decoder              the decoder stack (with its final norm)
     * @param memory               the encoder's output, {@code [N, S, dModel]} batch-first, else {@code [S, N, dModel]}
     * @param memoryKeyPaddingMask {@code [N, S]}, true (or -inf) at padded source positions, or null
     * @param embed                target tokens to decoder inputs
     * @param logits               decoder outputs {@code [N, dModel]} to logits {@code [N, vocabulary]}
     * @param cached               keep keys and values in a {@link KVCache} (each step attends over the
     *                             cache); false recomputes the prefix with a causal mask every step
     * @return int64 {@code [N, 1 + steps]}, {@code bos} first
     */
    public static Tensor greedy(TransformerDecoder decoder, Tensor memory, Tensor memoryKeyPaddingMask,
                                TargetEmbedding embed, UnaryOperator<Tensor> logits, long bos, long eos, int maxSteps,
                                boolean cached) {
        if (maxSteps < 0) {
            throw new IllegalArgumentException("greedy: maxSteps must be >= 0, got " + maxSteps);
        }
        boolean batchFirst = decoder.layer(0).batchFirst();
        if (memory.dim() != 3) {
            throw new IllegalArgumentException("greedy: memory must be batched, [N, S, dModel] or [S, N, dModel], got "
                    + java.util.Arrays.toString(memory.shape()));
        }
        int n = memory.size(batchFirst ? 0 : 1);
        int seqDim = batchFirst ? 1 : 0;
        try (NoGrad ng = NoGrad.open(); KVCache cache = new KVCache(decoder.numLayers())) {
            Tensor tokens = Scope.untrack(Tensor.full(DType.INT64, (double) bos, n, 1));
            Tensor finished = Scope.untrack(Tensor.zeros(DType.BOOL, n));
            for (int step = 0; step < maxSteps; step++) {
                Tensor next;
                try (Scope s = Scope.open()) {
                    Tensor out;
                    if (cached) {
                        out = decoder.forwardCached(embed.embed(tokens.narrow(1, step, 1), step), memory, cache,
                                memoryKeyPaddingMask);
                    } else {
                        Tensor mask = Transformer.generateSquareSubsequentMask(step + 1, memory.dtype());
                        out = decoder.forward(embed.embed(tokens, 0), memory, mask, null, null, memoryKeyPaddingMask);
                    }
                    Tensor last = out.select(seqDim, out.size(seqDim) - 1);
                    Tensor best = logits.apply(last).argmax(-1, false);
                    next = s.keep(Tensor.where(finished, Tensor.full(DType.INT64, (double) eos, n), best));
                }
                Tensor grown = Scope.untrack(Tensor.cat(1, tokens, next.unsqueeze(1)));
                Tensor done = Scope.untrack(finished.logicalOr(next.eq(eos)));
                tokens.close();
                finished.close();
                tokens = grown;
                finished = done;
                if (finished.all().item() != 0) {
                    break;
                }
            }
            finished.close();
            return tokens;
        }
    }
}
