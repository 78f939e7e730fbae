package org.vesalius.examples;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.vesalius.io.AtomicFile;
import org.vesalius.io.Safetensors;
import org.vesalius.nn.Module;
import org.vesalius.train.History;

/** The files every medical example leaves in its output directory. */
final class RunFiles {
    private RunFiles() {
    }

    /**
     * Writes a run's curves.png, history.csv, weights ({@code weightsFile}, safetensors) and metrics.json
     * (the JSON line) to {@code dir}, and says so on {@code out}.
     */
    static void write(Path dir, History history, Module model, String weightsFile, String json, PrintStream out)
            throws IOException {
        Files.createDirectories(dir);
        history.plot(dir.resolve("curves.png"));
        history.saveCsv(dir.resolve("history.csv"));
        Safetensors.saveStateDict(model, dir.resolve(weightsFile));
        AtomicFile.write(dir.resolve("metrics.json"),
                ch -> ch.write(ByteBuffer.wrap((json + "\n").getBytes(StandardCharsets.UTF_8))));
        out.println("wrote curves.png, history.csv, metrics.json and " + weightsFile + " to " + dir);
    }
}
