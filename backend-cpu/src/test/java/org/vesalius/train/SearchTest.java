package org.vesalius.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vesalius.data.DataLoader;
import org.vesalius.data.Subset;
import org.vesalius.data.TensorDataset;
import org.vesalius.nn.Linear;
import org.vesalius.nn.MSELoss;
import org.vesalius.optim.SGD;
import org.vesalius.tensor.Generator;
import org.vesalius.tensor.Tensor;
import org.vesalius.train.search.Config;
import org.vesalius.train.search.CrossValidation;
import org.vesalius.train.search.GridSearch;
import org.vesalius.train.search.Objective;
import org.vesalius.train.search.RandomSearch;
import org.vesalius.train.search.SearchResult;
import org.vesalius.train.search.SearchSpace;
import org.vesalius.train.search.Trial;

class SearchTest {
    @TempDir
    Path dir;

    /** Highest (0) at x = 3, lr = 1e-2, sign = +1. */
    private static double quadratic(Config c) {
        double x = c.getInt("x");
        double lr = c.getDouble("lr");
        return -(x - 3) * (x - 3) - Math.pow(Math.log10(lr) + 2, 2) + (c.getString("sign").equals("+") ? 0 : -1);
    }

    private static SearchSpace quadraticSpace() {
        return new SearchSpace().integer("x", 0, 6).logUniform("lr", 1e-4, 1).choice("sign", "-", "+");
    }

    @Test
    void gridSearchFindsTheOptimumOfAQuadratic() throws IOException {
        GridSearch grid = new GridSearch(quadraticSpace(), Mode.MAX);
        List<Config> configs = grid.configs();
        assertEquals(7 * 5 * 2, configs.size());
        assertEquals("x=0, lr=1.0E-4, sign=-", configs.get(0).toString());
        assertEquals("x=0, lr=1.0E-4, sign=+", configs.get(1).toString(), "the last hyperparameter varies fastest");
        assertEquals(List.of(1e-4, 1e-3, 1e-2, 1e-1, 1.0).toString(), configs.stream().filter(c -> c.getInt("x") == 0
                && c.getString("sign").equals("-")).map(c -> String.format("%.12g", c.getDouble("lr")))
                .map(Double::parseDouble).collect(Collectors.toList()).toString());

        SearchResult r = grid.threads(3).run(SearchTest::quadratic);
        Config best = r.bestConfig();
        assertEquals(3, best.getInt("x"));
        assertEquals(1e-2, best.getDouble("lr"), 1e-15);
        assertEquals("+", best.getString("sign"));
        assertEquals(0, r.best().score(), 1e-20);
        for (int i = 0; i < r.trials().size(); i++) {
            assertEquals(i, r.trials().get(i).index(), "results in trial order");
        }

        Path csv = dir.resolve("grid.csv");
        r.saveCsv(csv);
        List<String> lines = Files.readAllLines(csv);
        assertEquals("trial,x,lr,sign,score,seconds", lines.get(0));
        assertEquals(71, lines.size());
        assertTrue(lines.get(1).matches("0,0,1\\.0E-4,-,-14\\.0,\\d+\\.\\d{3}"), lines.get(1)); // -9 - 4 - 1
    }

    @Test
    void randomSearchIsSeededAndThreadsDoNotChangeTheResults() {
        SearchSpace space = new SearchSpace().uniform("x", -5, 5).logUniform("lr", 1e-5, 1e-1).integer("n", 1, 9, 2)
                .choice("act", "relu", "tanh");
        List<Config> a = new RandomSearch(space, Mode.MIN, 200, 42).configs();
        List<Config> b = new RandomSearch(space, Mode.MIN, 200, 42).configs();
        List<Config> c = new RandomSearch(space, Mode.MIN, 200, 43).configs();
        assertEquals(a.toString(), b.toString());
        assertNotEquals(a.toString(), c.toString());
        assertEquals(a.get(7).seed(), b.get(7).seed());
        assertNotEquals(a.get(7).seed(), a.get(8).seed());

        int belowGeometricMean = 0;
        for (Config cfg : a) {
            double lr = cfg.getDouble("lr");
            assertTrue(lr >= 1e-5 && lr <= 1e-1);
            belowGeometricMean += lr < 1e-3 ? 1 : 0;
            assertTrue(List.of(1, 3, 5, 7, 9).contains(cfg.getInt("n")));
        }
        assertTrue(belowGeometricMean > 70 && belowGeometricMean < 130, "log-uniform: about half below 1e-3, got "
                + belowGeometricMean);

        RandomSearch search = new RandomSearch(space, Mode.MIN, 200, 42);
        SearchResult serial = search.run(cfg -> Math.pow(cfg.getDouble("x") - 1.5, 2));
        SearchResult parallel = search.threads(4).run(cfg -> Math.pow(cfg.getDouble("x") - 1.5, 2));
        assertEquals(scores(serial), scores(parallel));
        assertTrue(Math.abs(serial.bestConfig().getDouble("x") - 1.5) < 0.1, serial.bestConfig().toString());
    }

    private static List<Double> scores(SearchResult r) {
        return r.trials().stream().map(Trial::score).collect(Collectors.toList());
    }

    @Test
    void aSensibleLearningRateWinsOnATinyRegression() {
        List<Tensor[]> train = Blobs.regression(200, 20, 21);
        List<Tensor[]> val = Blobs.regression(100, 50, 22);
        try {
            SearchSpace space = new SearchSpace().logUniform("lr", 1e-4, 1, 5);
            SearchResult r = new GridSearch(space, Mode.MIN, 7).threads(2).run(cfg -> {
                try (Linear model = new Linear(2, 1, true, new Generator(cfg.seed()));
                     SGD opt = new SGD(model.parameters(), cfg.getDouble("lr"))) {
                    Trainer t = new Trainer(model, new MSELoss(), opt).epochs(5).logging(false);
                    t.fit(train);
                    return t.evaluate(val).get("loss");
                }
            });
            assertEquals(0.1, r.bestConfig().getDouble("lr"), 1e-12, r.toString());
            // noise variance 0.01: the best fit's validation loss is near it, the slowest far above
            assertTrue(r.best().score() < 0.02, r.toString());
            assertTrue(r.trials().get(0).score() > 1, r.toString());
        } finally {
            Blobs.close(train);
            Blobs.close(val);
        }
    }

    @Test
    void kFoldScoresEveryConfigurationOnTheSameFolds() {
        // y = 3 x0 - 2 x1 + 0.5 + noise as one tensor pair; folds index its rows
        List<Tensor[]> rows = Blobs.regression(120, 120, 23);
        Tensor x = rows.get(0)[0];
        Tensor y = rows.get(0)[1];
        TensorDataset data = new TensorDataset(x, y);
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        Objective cv = CrossValidation.kFold(4, data.size(), 5, (cfg, trainIdx, valIdx) -> {
            assertEquals(90, trainIdx.length);
            assertEquals(30, valIdx.length);
            seen.add(cfg.trial() + ":" + java.util.Arrays.toString(valIdx));
            var train = DataLoader.of(new Subset<>(data, trainIdx), 15).shuffle(true).seed(cfg.seed());
            var val = DataLoader.of(new Subset<>(data, valIdx), 30);
            try (Linear model = new Linear(2, 1, true, new Generator(cfg.seed()));
                 SGD opt = new SGD(model.parameters(), cfg.getDouble("lr"))) {
                Trainer t = new Trainer(model, new MSELoss(), opt).epochs(4).logging(false);
                t.fit(train);
                return t.evaluate(val).get("loss");
            }
        });
        try {
            SearchResult r = new GridSearch(new SearchSpace().choice("lr", 1e-3, 0.1), Mode.MIN).threads(2).run(cv);
            assertEquals(0.1, r.bestConfig().getDouble("lr"));
            // each trial validated every sample once, on the same four folds as the other trial
            for (int trial = 0; trial < 2; trial++) {
                int t = trial;
                List<String> folds = seen.stream().filter(f -> f.startsWith(t + ":")).map(f -> f.substring(2)).sorted()
                        .collect(Collectors.toList());
                assertEquals(4, folds.size());
                assertEquals(120, folds.stream().mapToInt(f -> f.split(",").length).sum());
                assertEquals(folds, seen.stream().filter(f -> f.startsWith("1:")).map(f -> f.substring(2)).sorted()
                        .collect(Collectors.toList()));
            }
        } finally {
            Blobs.close(rows);
        }
    }

    @Test
    void nanScoresNeverWinAndFailuresNameTheConfiguration() {
        SearchSpace space = new SearchSpace().choice("k", 1, 2, 3);
        SearchResult r = new GridSearch(space, Mode.MIN).run(c -> c.getInt("k") == 1 ? Double.NaN : c.getInt("k"));
        assertEquals(2, r.bestConfig().getInt("k"));
        assertTrue(r.toCsv().contains("\n0,1,,"), r.toCsv());

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new GridSearch(space, Mode.MIN)
                .threads(2).run(c -> {
                    if (c.getInt("k") == 2) {
                        throw new IOException("disk full");
                    }
                    return 0;
                }));
        assertTrue(e.getMessage().contains("trial 1 (k=2) failed: java.io.IOException: disk full"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> new GridSearch(space, Mode.MAX).run(c -> Double.NaN).best());
    }

    @Test
    void badSpacesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new SearchSpace().uniform("a", 0, 1).integer("a", 0, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SearchSpace().logUniform("lr", 0, 1));
        assertEquals("SearchSpace: log-uniform 'lr' needs low > 0, got 0.0", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new SearchSpace().integer("n", 5, 1));
        assertThrows(IllegalArgumentException.class, () -> new SearchSpace().choice("c"));
        assertThrows(IllegalArgumentException.class, () -> new GridSearch(new SearchSpace(), Mode.MIN));
        SearchSpace huge = new SearchSpace().integer("a", 0, 999).integer("b", 0, 999).integer("c", 0, 9);
        e = assertThrows(IllegalArgumentException.class, () -> new GridSearch(huge, Mode.MIN));
        assertTrue(e.getMessage().contains("10000000 combinations"), e.getMessage());
        Config c = new GridSearch(new SearchSpace().uniform("lr", 0, 1), Mode.MIN).configs().get(0);
        e = assertThrows(IllegalArgumentException.class, () -> c.getInt("lr"));
        assertEquals("Config: 'lr' is 0.0 (Double), not an integer", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> c.get("momentum"));
        assertEquals("Config: no hyperparameter 'momentum'; the space has [lr]", e.getMessage());
        assertEquals(Map.of("lr", 0.0), c.values());
    }
}
