package org.vesalius.rnn.embeddings;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vesalius.tensor.Tensor;

/**
 * t-SNE against scikit-learn 1.2.1 on the same real inputs (tools/golden/generate_tsne.py): the
 * affinities, the trustworthiness measure itself, the Barnes-Hut gradient against the exact one, and
 * the quality of whole runs.
 */
class TSNETest {
    @TempDir
    Path tmp;

    private static double min(JsonArray runs, String key) {
        double m = Double.POSITIVE_INFINITY;
        for (JsonElement r : runs) {
            m = Math.min(m, r.getAsJsonObject().get(key).getAsDouble());
        }
        return m;
    }

    private static double max(JsonArray runs, String key) {
        return -min(negated(runs, key), key);
    }

    private static JsonArray negated(JsonArray runs, String key) {
        JsonArray out = new JsonArray();
        for (JsonElement r : runs) {
            JsonObject o = new JsonObject();
            o.addProperty(key, -r.getAsJsonObject().get(key).getAsDouble());
            out.add(o);
        }
        return out;
    }

    private static float[][] randomLayout(int n, long seed) {
        Random r = new Random(seed);
        float[][] y = new float[n][2];
        for (float[] p : y) {
            p[0] = (float) r.nextGaussian();
            p[1] = (float) r.nextGaussian();
        }
        return y;
    }

    @Test
    void affinitiesMatchScikitLearn() {
        float[][] x = Fixtures.rows(Fixtures.wink(tmp));
        JsonObject ref = Fixtures.tsneCase("wink").getAsJsonObject("affinities");
        int k = ref.get("k").getAsInt();
        assertEquals(Math.min(x.length - 1, (int) (3 * 30.0 + 1)), k);
        try (Parallel par = new Parallel(2)) {
            Points.Neighbours nn = Points.of(x, "test").nearest(k, par);
            double[] cond = Affinities.conditional(nn, 30, par);
            for (JsonElement e : ref.getAsJsonArray("conditional")) {
                JsonObject row = e.getAsJsonObject();
                int i = row.get("row").getAsInt();
                Map<Integer, Double> mine = new HashMap<>();
                for (int m = 0; m < k; m++) {
                    mine.put(nn.indices()[i * k + m], cond[i * k + m]);
                }
                JsonArray cols = row.getAsJsonArray("cols");
                JsonArray p = row.getAsJsonArray("p");
                double entropy = 0;
                for (int m = 0; m < cols.size(); m++) {
                    int j = cols.get(m).getAsInt();
                    assertTrue(mine.containsKey(j), "row " + i + ": scikit-learn's neighbour " + j + " is not among ours");
                    double want = p.get(m).getAsDouble();
                    assertEquals(want, mine.get(j), 2e-5 * want + 1e-9, "p(" + j + " | " + i + ")");
                    entropy -= want > 0 ? want * Math.log(want) : 0;
                }
                assertEquals(Math.log(30), entropy, 1e-4, "the reference rows have perplexity 30");
            }
            Affinities joint = Affinities.joint(nn, 30, par);
            JsonArray sums = ref.getAsJsonArray("jointRowSums");
            double total = 0;
            for (int i = 0; i < x.length; i++) {
                double s = 0;
                for (int t = joint.rowStart[i]; t < joint.rowStart[i + 1]; t++) {
                    s += joint.vals[t];
                    assertTrue(joint.cols[t] != i, "no self-affinity");
                }
                total += s;
                assertEquals(sums.get(i).getAsDouble(), s, 1e-5 * sums.get(i).getAsDouble(), "row sum of P, row " + i);
            }
            assertEquals(1, total, 1e-9);
        }
    }

    @Test
    void trustworthinessMatchesScikitLearnOnItsEmbeddings() {
        JsonObject wink = Fixtures.tsneCase("wink");
        float[][] x = Fixtures.rows(Fixtures.wink(tmp));
        float[][] y = Fixtures.matrix(wink.getAsJsonArray("embedding"));
        JsonObject run0 = wink.getAsJsonArray("runs").get(0).getAsJsonObject();
        assertEquals(run0.get("trust5").getAsDouble(), TSNE.trustworthiness(x, y, 5), 1e-12);
        assertEquals(run0.get("trust10").getAsDouble(), TSNE.trustworthiness(x, y, 10, 1), 1e-12);

        // integer pixels tie often; tie order among equal distances is arbitrary in both, so a little slack
        JsonObject digits = Fixtures.tsneCase("digits");
        float[][] dx = Fixtures.digits(null);
        float[][] dy = Fixtures.matrix(digits.getAsJsonArray("embedding"));
        JsonObject d0 = digits.getAsJsonArray("runs").get(0).getAsJsonObject();
        assertEquals(d0.get("trust5").getAsDouble(), TSNE.trustworthiness(dx, dy, 5), 2e-4);
        assertEquals(d0.get("trust10").getAsDouble(), TSNE.trustworthiness(dx, dy, 10), 2e-4);

        assertEquals(1.0, TSNE.trustworthiness(x, x, 5), 0, "an embedding that is the input itself is perfect");
        double random = TSNE.trustworthiness(x, randomLayout(x.length, 1), 5);
        assertTrue(random > 0.4 && random < 0.6, "a random layout scores about 0.5, got " + random);
        assertThrows(IllegalArgumentException.class, () -> TSNE.trustworthiness(x, y, 75));
        assertThrows(IllegalArgumentException.class, () -> TSNE.trustworthiness(x, randomLayout(10, 1), 5));
    }

    /** The exact gradient and KL divergence, O(N^2), from the same sparse P. */
    private static double exact(Affinities p, double[] y, double[] grad) {
        int n = p.n();
        double z = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (i != j) {
                    double dx = y[2 * i] - y[2 * j];
                    double dy = y[2 * i + 1] - y[2 * j + 1];
                    z += 1 / (1 + dx * dx + dy * dy);
                }
            }
        }
        double kl = 0;
        for (int i = 0; i < n; i++) {
            double gx = 0;
            double gy = 0;
            for (int j = 0; j < n; j++) {
                if (i == j) {
                    continue;
                }
                double dx = y[2 * i] - y[2 * j];
                double dy = y[2 * i + 1] - y[2 * j + 1];
                double q = 1 / (1 + dx * dx + dy * dy);
                gx -= q * q / z * dx;
                gy -= q * q / z * dy;
            }
            for (int t = p.rowStart[i]; t < p.rowStart[i + 1]; t++) {
                int j = p.cols[t];
                double dx = y[2 * i] - y[2 * j];
                double dy = y[2 * i + 1] - y[2 * j + 1];
                double q = 1 / (1 + dx * dx + dy * dy);
                gx += p.vals[t] * q * dx;
                gy += p.vals[t] * q * dy;
                kl += p.vals[t] * Math.log(p.vals[t] / (q / z));
            }
            grad[2 * i] = 4 * gx;
            grad[2 * i + 1] = 4 * gy;
        }
        return kl;
    }

    @Test
    void barnesHutGradientIsExactAtAngleZeroAndCloseAtHalf() {
        float[][] x = Fixtures.rows(Fixtures.wink(tmp));
        try (Parallel par = new Parallel(2)) {
            Affinities p = Affinities.joint(Points.of(x, "test").nearest(91, par), 30, par);
            float[][] layout = randomLayout(x.length, 7);
            double[] y = new double[2 * x.length];
            for (int i = 0; i < x.length; i++) {
                y[2 * i] = 5 * layout[i][0];
                y[2 * i + 1] = 5 * layout[i][1];
            }
            double[] want = new double[y.length];
            double kl = exact(p, y, want);
            double norm = 0;
            for (double g : want) {
                norm += g * g;
            }
            norm = Math.sqrt(norm);
            double[] got = new double[y.length];
            double bhKl = new TSNE.Gradient(p, 0, par).evaluate(y, got, true);
            assertEquals(kl, bhKl, 1e-10 * Math.abs(kl));
            assertArrayEquals(want, got, 1e-12 * norm + 1e-15);
            new TSNE.Gradient(p, 0.5, par).evaluate(y, got, false);
            double err = 0;
            for (int t = 0; t < y.length; t++) {
                err += (got[t] - want[t]) * (got[t] - want[t]);
            }
            assertTrue(Math.sqrt(err) < 0.05 * norm, "angle 0.5: relative gradient error " + Math.sqrt(err) / norm);
            assertTrue(Math.sqrt(err) > 0, "angle 0.5 approximates (cells were summarized)");
        }
    }

    @Test
    void winkVectorsEmbedAsWellAsScikitLearn() {
        float[][] x = Fixtures.rows(Fixtures.wink(tmp));
        JsonArray runs = Fixtures.tsneCase("wink").getAsJsonArray("runs");
        TSNE.Result r = new TSNE().seed(0).fit(x);
        assertEquals(x.length, r.embedding().length);
        assertEquals(1000, r.iterations());
        double t5 = TSNE.trustworthiness(x, r.embedding(), 5);
        double t10 = TSNE.trustworthiness(x, r.embedding(), 10);
        double random = TSNE.trustworthiness(x, randomLayout(x.length, 3), 5);
        // scikit-learn's five seeds span about 0.02 here (150 points): allow that much below its worst
        assertTrue(t5 >= min(runs, "trust5") - 0.02, "trustworthiness(5) " + t5 + " vs scikit-learn's " + min(runs, "trust5"));
        assertTrue(t10 >= min(runs, "trust10") - 0.02, "trustworthiness(10) " + t10 + " vs scikit-learn's " + min(runs, "trust10"));
        assertTrue(t5 > random + 0.25, "trustworthiness " + t5 + " vs a random layout's " + random);
        assertTrue(r.klDivergence() <= max(runs, "kl") + 0.05, "KL " + r.klDivergence() + " vs scikit-learn's " + max(runs, "kl"));
    }

    @Test
    void digitsEmbedAsWellAsScikitLearnAndSeparateTheClasses() {
        int[][] labels = new int[1][];
        float[][] x = Fixtures.digits(labels);
        JsonArray runs = Fixtures.tsneCase("digits").getAsJsonArray("runs");
        TSNE.Result r = new TSNE().seed(0).fit(x);
        double t5 = TSNE.trustworthiness(x, r.embedding(), 5);
        double t10 = TSNE.trustworthiness(x, r.embedding(), 10);
        assertTrue(t5 >= min(runs, "trust5") - 0.003, "trustworthiness(5) " + t5 + " vs scikit-learn's " + min(runs, "trust5"));
        assertTrue(t10 >= min(runs, "trust10") - 0.003, "trustworthiness(10) " + t10 + " vs scikit-learn's " + min(runs, "trust10"));
        assertTrue(r.klDivergence() <= max(runs, "kl") + 0.03, "KL " + r.klDivergence() + " vs scikit-learn's " + max(runs, "kl"));
        // the map separates the digits: a point's nearest neighbour on it is nearly always the same digit
        float[][] y = r.embedding();
        int same = 0;
        for (int i = 0; i < y.length; i++) {
            int best = -1;
            double bestD = Double.POSITIVE_INFINITY;
            for (int j = 0; j < y.length; j++) {
                double dx = y[i][0] - y[j][0];
                double dy = y[i][1] - y[j][1];
                if (j != i && dx * dx + dy * dy < bestD) {
                    bestD = dx * dx + dy * dy;
                    best = j;
                }
            }
            same += labels[0][best] == labels[0][i] ? 1 : 0;
        }
        assertTrue(same > 0.95 * y.length, "1-NN label agreement on the map: " + same + " of " + y.length);
    }

    @Test
    void aRunIsRepeatableWhateverTheThreads() {
        float[][] x = Fixtures.rows(Fixtures.wink(tmp));
        for (TSNE.Init init : TSNE.Init.values()) {
            float[][] a = new TSNE(10).init(init).seed(5).threads(1).maxIter(300).fitTransform(x);
            float[][] b = new TSNE(10).init(init).seed(5).threads(3).maxIter(300).fitTransform(x);
            for (int i = 0; i < a.length; i++) {
                assertArrayEquals(a[i], b[i], init + " row " + i);
            }
        }
        float[][] c = new TSNE(10).init(TSNE.Init.RANDOM).seed(6).maxIter(300).fitTransform(x);
        float[][] d = new TSNE(10).init(TSNE.Init.RANDOM).seed(5).maxIter(300).fitTransform(x);
        assertTrue(c[0][0] != d[0][0], "another seed, another layout");
    }

    @Test
    void tensorInAndOut() {
        float[][] x = Fixtures.rows(Fixtures.wink(tmp));
        float[] flat = new float[x.length * x[0].length];
        for (int i = 0; i < x.length; i++) {
            System.arraycopy(x[i], 0, flat, i * x[0].length, x[0].length);
        }
        TSNE tsne = new TSNE(10).maxIter(250);
        Tensor y = tsne.fitTransform(Tensor.of(flat, x.length, x[0].length).toDouble());
        assertArrayEquals(new int[] {x.length, 2}, y.shape());
        float[][] ref = tsne.fitTransform(x);
        float[] got = y.toFloatArray();
        for (int i = 0; i < x.length; i++) {
            assertArrayEquals(ref[i], new float[] {got[2 * i], got[2 * i + 1]});
        }
        assertThrows(IllegalArgumentException.class, () -> tsne.fitTransform(Tensor.of(new long[] {1, 2, 3, 4}, 2, 2)));
        assertThrows(IllegalArgumentException.class, () -> tsne.fitTransform(Tensor.of(flat, flat.length)));
    }

    @Test
    void badInputIsRefusedWithTheReason() {
        float[][] three = {{0, 1}, {1, 0}, {2, 2}};
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new TSNE().fit(three)).getMessage().contains("perplexity"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new TSNE(1).fit(new float[][] {{0, 1}, {1}}))
                .getMessage().contains("point 1"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new TSNE(1).fit(new float[][] {{0, 1}, {Float.NaN, 0}}))
                .getMessage().contains("non-finite"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new TSNE(1).fit(new float[][] {{0}, {1}, {2}}))
                .getMessage().contains("Init.RANDOM"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new TSNE(1).fit(new float[][] {{1, 1}, {1, 1}, {1, 1}}))
                .getMessage().contains("do not vary"));
        assertThrows(IllegalArgumentException.class, () -> new TSNE(1).fit(new float[0][]));
        assertThrows(IllegalArgumentException.class, () -> new TSNE().maxIter(100));
        assertThrows(IllegalArgumentException.class, () -> new TSNE().angle(1.5));
        assertThrows(IllegalArgumentException.class, () -> new TSNE(-1));
        assertThrows(IllegalArgumentException.class, () -> new TSNE().learningRate(Double.NaN));
        float[][] line = new TSNE(1).init(TSNE.Init.RANDOM).maxIter(250).fitTransform(new float[][] {{0}, {1}, {2}, {10}});
        assertEquals(4, line.length, "one-dimensional input works from a random start");
    }
}
