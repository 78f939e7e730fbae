package org.vesalius.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.security.SecureRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a file so that readers see either the old content or the complete new one, never a
 * half-written file: the content goes to a temporary file in the same directory, is flushed to disk
 * ({@code fsync}), and is then renamed over the target in one atomic step. If writing fails (an
 * exception from the writer, a full disk, a crash) the target is untouched and the temporary file is
 * removed (after a crash it stays behind as {@code .<name>.<random>.tmp}).
 * <pre>{@code
 * AtomicFile.write(Path.of("history.csv"), ch -> ch.write(ByteBuffer.wrap(csv.getBytes(UTF_8))));
 * }</pre>
 */
public final class AtomicFile {
    private static final Logger LOG = LoggerFactory.getLogger(AtomicFile.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Produces the file's content. */
    @FunctionalInterface
    public interface Writer {
        /** Writes the whole content to {@code channel}, a new empty file opened for writing. */
        void write(FileChannel channel) throws IOException;
    }

    private AtomicFile() {
    }

    /**
     * Replaces (or creates) {@code target} with what {@code writer} writes. A target that exists keeps
     * its POSIX permissions.
     *
     * @throws IOException if the directory does not exist or cannot be written, or writing fails; the
     *                     target is then unchanged. Runtime exceptions from the writer propagate
     *                     unchanged, with the same guarantee.
     */
    public static void write(Path target, Writer writer) throws IOException {
        Path file = target.toAbsolutePath();
        Path dir = file.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IOException(target + ": the directory " + dir + " does not exist");
        }
        if (Files.isDirectory(file)) {
            throw new IOException(target + ": is a directory");
        }
        Path tmp = dir.resolve("." + file.getFileName() + "." + Long.toHexString(RANDOM.nextLong()) + ".tmp");
        boolean moved = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                writer.write(ch);
                ch.force(true);
            }
            keepPermissions(file, tmp);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
        } catch (AccessDeniedException e) {
            throw new IOException(target + ": cannot write in " + dir + " (access denied: " + e.getMessage() + ")", e);
        } finally {
            if (!moved) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    LOG.warn("could not remove the temporary file {}: {}", tmp, e.toString());
                }
            }
        }
        syncDirectory(dir);
    }

    private static void keepPermissions(Path file, Path tmp) {
        PosixFileAttributeView old = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (old == null || !Files.exists(file)) {
            return;
        }
        try {
            Files.setPosixFilePermissions(tmp, old.readAttributes().permissions());
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debug("could not copy the permissions of {}: {}", file, e.toString());
        }
    }

    /** Makes the rename itself durable; not every platform can open a directory, which is fine. */
    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            LOG.debug("could not sync directory {}: {}", dir, e.toString());
        }
    }
}
