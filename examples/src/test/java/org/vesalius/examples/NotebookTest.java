package org.vesalius.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Executes every notebook in {@code docs/notebooks/} as the IJava kernel would (see {@link NotebookRunner}),
 * so a notebook that no longer compiles against the library, or throws, fails the build.
 */
class NotebookTest {
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
            }
        }));
    }

    @Test
    void runnerExecutesCellsInOrderAndSeesTheLibrary() throws IOException {
        List<String> cells = NotebookRunner.codeCells(resource("good.ipynb"));
        assertEquals(List.of("../../target/notebook-lib/"), NotebookRunner.jarDirs(cells.get(0)));
        try (NotebookRunner runner = new NotebookRunner()) {
            runner.run(cells.get(1), 2);
            runner.run(cells.get(2), 3);
            assertTrue(runner.output().contains("numel=6"), runner.output());
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
