package org.vesalius.examples;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;

/**
 * Runs the code cells of a Jupyter notebook written for the IJava kernel (or a fork of it) in JShell,
 * as the kernel would, and fails on the first snippet that does not compile or throws.
 *
 * <p>The first code cell must hold only {@code %jars <dir>/} lines: the one magic every JShell-based
 * kernel understands. It is checked, not executed; the class path comes from the test run instead
 * ({@code surefire.test.class.path}), so the test needs no packaged jars. Every other cell is plain
 * Java and is split into snippets with JShell's own source analysis, exactly as a kernel does.
 */
final class NotebookRunner implements AutoCloseable {
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final JShell shell;

    NotebookRunner() {
        PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);
        // "local" runs snippets in this JVM: the backend's native libraries load once and the class
        // path is the test's own, which is what a kernel started with the %jars folder would see
        shell = JShell.builder().executionEngine("local").out(out).err(out).build();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        for (String entry : cp.split(File.pathSeparator)) {
            if (!entry.isBlank()) {
                shell.addToClasspath(entry);
            }
        }
    }

    /** The code cells of {@code notebook}, each as one source string. */
    static List<String> codeCells(Path notebook) throws IOException {
        JsonObject nb = JsonParser.parseString(Files.readString(notebook)).getAsJsonObject();
        List<String> cells = new ArrayList<>();
        for (JsonElement c : nb.getAsJsonArray("cells")) {
            JsonObject cell = c.getAsJsonObject();
            if (!"code".equals(cell.get("cell_type").getAsString())) {
                continue;
            }
            JsonElement src = cell.get("source");
            if (src.isJsonArray()) {
                StringBuilder sb = new StringBuilder();
                for (JsonElement line : (JsonArray) src) {
                    sb.append(line.getAsString());
                }
                cells.add(sb.toString());
            } else {
                cells.add(src.getAsString());
            }
        }
        return cells;
    }

    /** The folders named by the {@code %jars} lines of {@code cell}; fails if it holds anything else. */
    static List<String> jarDirs(String cell) {
        List<String> dirs = new ArrayList<>();
        for (String line : cell.strip().split("\n")) {
            String l = line.strip();
            if (!l.startsWith("%jars ") || !l.endsWith("/")) {
                throw new AssertionError("the first code cell must hold only '%jars <dir>/' lines, found: " + l);
            }
            dirs.add(l.substring("%jars ".length()).strip());
        }
        return dirs;
    }

    /** Evaluates one cell; throws AssertionError naming the snippet and the compiler's or the program's complaint. */
    void run(String cell, int cellNumber) {
        // the local engine runs snippets on this JVM's System.out; capture it as a kernel captures stdout
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(output, true, StandardCharsets.UTF_8));
        try {
            runSnippets(cell, cellNumber);
        } finally {
            System.setOut(stdout);
        }
    }

    private void runSnippets(String cell, int cellNumber) {
        SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
        String remaining = cell;
        while (!remaining.isBlank()) {
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(remaining);
            if (!info.completeness().isComplete()) {
                throw new AssertionError("cell " + cellNumber + ": incomplete Java at: " + head(remaining));
            }
            String source = info.source();
            for (SnippetEvent e : shell.eval(source)) {
                if (e.exception() != null) {
                    throw new AssertionError("cell " + cellNumber + ": " + describe(e.exception()) + "\n  in: "
                            + head(source) + "\n  output so far:\n" + output(), e.exception());
                }
                if (e.status() == Snippet.Status.REJECTED) {
                    throw new AssertionError("cell " + cellNumber + ": does not compile: " + diagnostics(e.snippet())
                            + "\n  in: " + head(source));
                }
            }
            remaining = info.remaining();
        }
    }

    /**
     * The value of {@code expression} evaluated after the cells run so far, as JShell prints it (a
     * {@code double} as {@link Double#toString}), so a test can read what the notebook computed.
     */
    String value(String expression) {
        for (SnippetEvent e : shell.eval(expression)) {
            if (e.exception() != null) {
                throw new AssertionError("'" + expression + "' threw " + describe(e.exception()), e.exception());
            }
            if (e.status() == Snippet.Status.REJECTED) {
                throw new AssertionError("'" + expression + "' does not compile: " + diagnostics(e.snippet()));
            }
            if (e.value() != null) {
                return e.value();
            }
        }
        throw new AssertionError("'" + expression + "' has no value");
    }

    /** What the notebook printed so far. */
    String output() {
        return output.toString(StandardCharsets.UTF_8);
    }

    private String diagnostics(Snippet snippet) {
        return shell.diagnostics(snippet).map(d -> d.getMessage(null)).collect(Collectors.joining("; "));
    }

    private static String describe(Throwable t) {
        if (t instanceof EvalException ee) {
            return ee.getExceptionClassName() + ": " + ee.getMessage();
        }
        return t.toString();
    }

    private static String head(String s) {
        String t = s.strip();
        return t.length() > 200 ? t.substring(0, 200) + " ..." : t;
    }

    @Override
    public void close() {
        shell.close();
    }
}
