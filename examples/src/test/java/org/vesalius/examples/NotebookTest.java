package org.vesalius.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Executes every notebook in {@code docs/notebooks/} as the IJava kernel would (see {@link NotebookRunner}),
 * so a notebook that no longer compiles against the library, or throws, fails the build; a notebook
 * listed in {@link #RESULTS} must also have computed what its checks ask for.
 */
class NotebookTest {
    /** What a notebook must have computed, beyond running without an error, keyed by file name. */
    private static final Map<String, Consumer<NotebookRunner>> RESULTS = Map.of("sentiment.ipynb", NotebookTest::sentimentLearns);

    /** The folder every notebook's {@code %jars} line must name: {@code mvn package} fills it (examples/pom.xml). */
    private static final Path JAR_DIR = Path.of("target", "notebook-lib").toAbsolutePath().normalize();

    @TestFactory
    Stream<DynamicTest> everyNotebookRuns() throws IOException {
        Path dir = Path.of("..", "docs", "notebooks").toAbsolutePath().normalize();
        List<Path> notebooks;
        try (Stream<Path> files = Files.list(dir)) {
            notebooks = files.filter(p -> p.toString().endsWith(".ipynb")).sorted().toList();
        }
        assertFalse(notebooks.isEmpty(), "no notebooks in " + dir);
        return notebooks.stream().map(nb -> DynamicTest.dynamicTest(nb.getFileName().toString(), () -> {
            List<String> cells = NotebookRunner.codeCells(nb);
            for (String jarDir : NotebookRunner.jarDirs(cells.get(0))) {
                assertEquals(JAR_DIR, nb.getParent().resolve(jarDir).normalize(),
                        nb.getFileName() + ": %jars must name the folder the build fills");
            }
            try (NotebookRunner runner = new NotebookRunner()) {
                for (int i = 1; i < cells.size(); i++) {
                    runner.run(cells.get(i), i + 1);
                }
                RESULTS.getOrDefault(nb.getFileName().toString(), r -> { }).accept(runner);
            }
        }));
    }

    /**
     * The sentiment notebook, run on its 60 bundled reviews (48 train, 12 test), must have learnt: its
     * training loss falls from about ln 2 (a constant guess) to a quarter of the first epoch's and it fits
     * its training reviews; the accuracies it prints are fractions of its 12 test reviews and agree with
     * the variables; both new sentences get a probability.
     */
    static void sentimentLearns(NotebookRunner nb) {
        // the suite runs the bundled sample: a notebook committed with fullData = true would train for many minutes
        assertEquals("false", nb.value("full"));
        assertEquals("60", nb.value("reviews.size()"));
        String losses = nb.value("losses");
        double first = Double.parseDouble(nb.value("losses.get(0)"));
        double last = Double.parseDouble(nb.value("losses.get(losses.size() - 1)"));
        assertEquals(nb.value("epochs"), nb.value("losses.size()"), "one loss per epoch: " + losses);
        assertTrue(first > 0.5 && last < 0.25 * first, "training loss per epoch " + losses);
        assertTrue(Double.parseDouble(nb.value("trainAccuracy")) >= 0.9, "training accuracy " + nb.value("trainAccuracy"));

        String out = nb.output();
        Matcher m = Pattern.compile("test accuracy: LSTM (\\d\\.\\d{4}), bag-of-words logistic regression (\\d\\.\\d{4}), "
                + "majority class (\\d\\.\\d{4}) \\(12 test reviews\\)").matcher(out);
        assertTrue(m.find(), out);
        for (int k = 1; k <= 3; k++) {
            double acc = Double.parseDouble(m.group(k));
            assertTrue(acc >= 0 && acc <= 1 && Math.abs(acc * 12 - Math.round(acc * 12)) < 1e-3,
                    "accuracy " + acc + " is not a fraction of 12 reviews: " + m.group());
        }
        assertEquals(Double.parseDouble(nb.value("testAccuracy")), Double.parseDouble(m.group(1)), 5e-5);
        Matcher p = Pattern.compile("P\\(positive\\) = (\\d\\.\\d\\d) ").matcher(out);
        for (int k = 0; k < 2; k++) {
            assertTrue(p.find(), "two predictions: " + out);
            double prob = Double.parseDouble(p.group(1));
            assertTrue(prob >= 0 && prob <= 1, p.group());
        }
    }

    @Test
    void runnerExecutesCellsInOrderAndSeesTheLibrary() throws IOException {
        List<String> cells = NotebookRunner.codeCells(resource("good.ipynb"));
        assertEquals(List.of("../../target/notebook-lib/"), NotebookRunner.jarDirs(cells.get(0)));
        try (NotebookRunner runner = new NotebookRunner()) {
            runner.run(cells.get(1), 2);
            runner.run(cells.get(2), 3);
            assertTrue(runner.output().contains("numel=6"), runner.output());
            assertEquals("6", runner.value("n"));
            assertEquals("12.0", runner.value("a.sum().item() * 2"));
            AssertionError e = assertThrows(AssertionError.class, () -> runner.value("m"));
            assertTrue(e.getMessage().contains("does not compile"), e.getMessage());
        }
    }

    @Test
    void runnerFailsOnAnException() throws IOException {
        List<String> cells = NotebookRunner.codeCells(resource("throws.ipynb"));
        try (NotebookRunner runner = new NotebookRunner()) {
            AssertionError e = assertThrows(AssertionError.class, () -> runner.run(cells.get(1), 2));
            assertTrue(e.getMessage().contains("IllegalArgumentException") && e.getMessage().contains("matmul"), e.getMessage());
        }
    }

    @Test
    void runnerFailsOnACompileError() throws IOException {
        List<String> cells = NotebookRunner.codeCells(resource("does-not-compile.ipynb"));
        try (NotebookRunner runner = new NotebookRunner()) {
            AssertionError e = assertThrows(AssertionError.class, () -> runner.run(cells.get(1), 2));
            assertTrue(e.getMessage().contains("does not compile"), e.getMessage());
        }
    }

    @Test
    void firstCellMustHoldOnlyJarsLines() {
        assertThrows(AssertionError.class, () -> NotebookRunner.jarDirs("%jars lib/\nimport java.util.*;"));
        assertThrows(AssertionError.class, () -> NotebookRunner.jarDirs("%maven org.vesalius:vesalius-core:0.1.0"));
    }

    private static Path resource(String name) {
        return Path.of("src", "test", "resources", "notebooks", name);
    }
}
