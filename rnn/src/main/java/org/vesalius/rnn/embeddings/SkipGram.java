package org.vesalius.rnn.embeddings;

import java.util.Arrays;
import java.util.List;
import org.vesalius.autograd.NoGrad;
import org.vesalius.nn.Embedding;
import org.vesalius.nn.F;
import org.vesalius.nn.Init;
import org.vesalius.nn.Module;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;
import org.vesalius.text.Vocabulary;
import org.vesalius.text.WordVectors;

/**
 * The skip-gram model with negative sampling (word2vec): two tables of {@code dim}-vectors, the word
 * vectors {@code in_embed} (what {@link #vectors} returns) and the context vectors {@code out_embed}.
 * A word pair (centre c, context o) with negatives n_1..n_K drawn from the noise distribution costs
 * <pre>
 * -log sigmoid(v_c . u_o) - sum_k log sigmoid(-v_c . u_nk)
 * </pre>
 * The word vectors start uniform in {@code [-0.5/dim, 0.5/dim)} and the context vectors at zero, as in
 * word2vec's C code, so every pair's first loss is {@code (K + 1) log 2}. {@link Word2Vec} trains it.
 */
public class SkipGram extends Module {
    private final Embedding inEmbed;
    private final Embedding outEmbed;

    /** A model for {@code vocabSize} words, initialised from {@code generator}. */
    public SkipGram(int vocabSize, int dim, Generator generator) {
        if (vocabSize < 1 || dim < 1) {
            throw new IllegalArgumentException("SkipGram: vocabSize and dim must be positive, got " + vocabSize + " and " + dim);
        }
        inEmbed = registerModule("in_embed", new Embedding(vocabSize, dim, null, generator));
        outEmbed = registerModule("out_embed", new Embedding(vocabSize, dim, null, generator));
        try (NoGrad ng = NoGrad.open()) {
            Init.uniform_(inEmbed.weight(), -0.5 / dim, 0.5 / dim, generator);
            Init.zeros_(outEmbed.weight());
        }
    }

    /** The word vectors' table {@code [vocabSize, dim]}. */
    public Embedding inEmbedding() {
        return inEmbed;
    }

    /** The context vectors' table {@code [vocabSize, dim]}. */
    public Embedding outEmbedding() {
        return outEmbed;
    }

    /** The word vectors of int64 (or int32) word ids of any shape: {@code [*ids.shape, dim]}. */
    @Override
    public Tensor forward(Tensor ids) {
        return inEmbed.forward(ids);
    }

    /**
     * The loss of each pair, {@code [B]}: {@code centres [B]} and {@code contexts [B]} are word ids of
     * the observed pairs, {@code negatives [B, K]} the noise words drawn for each.
     */
    public Tensor loss(Tensor centres, Tensor contexts, Tensor negatives) {
        if (centres.dim() != 1 || contexts.dim() != 1 || negatives.dim() != 2 || contexts.size(0) != centres.size(0)
                || negatives.size(0) != centres.size(0)) {
            throw new IllegalArgumentException("SkipGram.loss: expected centres [B], contexts [B] and negatives [B, K], got "
                    + Arrays.toString(centres.shape()) + ", " + Arrays.toString(contexts.shape()) + " and "
                    + Arrays.toString(negatives.shape()));
        }
        int k = negatives.size(1);
        // the context and the negatives in one lookup and one batched product: [B, 1 + K] scores
        Tensor targets = Tensor.cat(1, contexts.unsqueeze(1).to(negatives.dtype()), negatives);
        Tensor scores = outEmbed.forward(targets).bmm(inEmbed.forward(centres).unsqueeze(2)).squeeze(2);
        float[] sign = new float[k + 1];
        Arrays.fill(sign, -1);
        sign[0] = 1;
        return F.logsigmoid(scores.mul(Tensor.of(sign, k + 1).to(scores.dtype()).to(scores.device()))).sum(1, false).neg();
    }

    /** The word vectors, row {@code i} for {@code vocabulary.token(i)}, for nearest-neighbour queries. */
    public WordVectors vectors(Vocabulary vocabulary) {
        Tensor w = inEmbed.weight();
        if (vocabulary.size() != w.size(0)) {
            throw new IllegalArgumentException("SkipGram.vectors: the vocabulary has " + vocabulary.size()
                    + " tokens, the model " + w.size(0) + " rows");
        }
        int dim = w.size(1);
        float[] flat = w.toFloatArray();
        float[][] rows = new float[vocabulary.size()][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = Arrays.copyOfRange(flat, i * dim, (i + 1) * dim);
        }
        List<String> words = vocabulary.tokens();
        return WordVectors.of(words, rows);
    }
}
