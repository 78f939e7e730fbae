package org.vesalius.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import org.slf4j.LoggerFactory;

/**
 * Seeded fuzzing of a file reader, shared by the readers' fuzz tests. Each case takes one of a few valid
 * seed files and damages it: a truncation, overwritten bytes, a header field set to a value chosen to
 * break size arithmetic (0, -1, 2^31, 2^40, NaN, "1e999", ...), a deleted or repeated range, or random
 * bytes after a valid beginning. Then it
 * reads the result on a worker thread and fails the test unless the reader
 * <ul>
 *   <li>returned a result, or threw a checked exception with a non-blank message (an unchecked
 *       exception or an {@link Error}, {@code OutOfMemoryError} included, is a failure);</li>
 *   <li>finished within the per-case time limit (a hang is a failure);</li>
 *   <li>allocated at most the stated heap on its thread, measured with
 *       {@link com.sun.management.ThreadMXBean#getCurrentThreadAllocatedBytes()} (bytes allocated, not
 *       the peak, so garbage counts too): the test states the bound as a function of the input's size
 *       and of the decoded result's size.</li>
 * </ul>
 * Case {@code i} draws its mutation from {@code SplittableRandom(seed + i * GOLDEN)} alone, so a failure
 * names the case and reproduces with {@code -Dvesalius.fuzz.case=i}. The number of random cases is the
 * test's default (a few hundred) unless {@code -Dvesalius.fuzz.cases=N} raises it, as the {@code fuzz}
 * Maven profile does (100,000 per reader).
 */
public final class ReaderFuzz<T> {
    /** System property: random cases per reader (overrides each test's default when positive). */
    public static final String CASES = "vesalius.fuzz.cases";
    /** System property: run only this case number (to reproduce a failure). */
    public static final String ONLY_CASE = "vesalius.fuzz.case";
    /** System property: the per-case time limit in seconds (default 10). */
    public static final String TIMEOUT = "vesalius.fuzz.timeout.s";

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private static final int MAX_REPORTED = 12;

    /** What one successful read gave: its size in bytes (heap and native) and a fingerprint of its values. */
    public record Decoded(long bytes, String fingerprint) {
    }

    /** Reads {@code input} (the measured part of a case); {@code name} is how errors should name it. */
    @FunctionalInterface
    public interface Reader<T> {
        T read(byte[] input, String name) throws Exception;
    }

    /**
     * Sizes and fingerprints what a {@link Reader} returned, then releases it; runs after the heap is
     * measured, so reading the values back does not count against the bound.
     */
    @FunctionalInterface
    public interface Describer<T> {
        Decoded describe(T result) throws Exception;
    }

    /**
     * The heap one read may allocate, from the size of its input, of the plain bytes before encoding (the
     * inflated size of a gzip input; the input's size when a seed has no encoding) and of what it decoded
     * (0 when it threw).
     */
    @FunctionalInterface
    public interface HeapBound {
        long limit(long inputBytes, long plainBytes, long decodedBytes);
    }

    /** How a field's bytes are interpreted, which picks the values written into it. */
    public enum Kind { INT, FLOAT, TEXT }

    /**
     * A header field the mutations target: {@code width} bytes at {@code offset} of the seed's plain
     * bytes (for {@link Kind#FLOAT}: 4 or 8; for {@link Kind#TEXT}: the value's length, padded with spaces).
     */
    public record Field(String name, int offset, int width, boolean bigEndian, Kind kind) {
        public static Field integer(String name, int offset, int width, boolean bigEndian) {
            return new Field(name, offset, width, bigEndian, Kind.INT);
        }

        public static Field floating(String name, int offset, int width, boolean bigEndian) {
            return new Field(name, offset, width, bigEndian, Kind.FLOAT);
        }

        public static Field text(String name, int offset, int width) {
            return new Field(name, offset, width, false, Kind.TEXT);
        }
    }

    /**
     * A valid file to start from: the {@code plain} bytes mutations act on, the fields worth mutating,
     * and how plain bytes become the reader's input ({@code encode}, e.g. gzip; null for as is).
     */
    public record Seed(String name, byte[] plain, List<Field> fields, UnaryOperator<byte[]> encode) {
        public Seed(String name, byte[] plain, List<Field> fields) {
            this(name, plain, fields, null);
        }

        byte[] input(byte[] bytes) {
            return encode == null ? bytes : encode.apply(bytes);
        }
    }

    /** Counts of one run, for the test's own assertions and its report. */
    public record Report(String reader, int cases, int results, int exceptions, long maxAllocated, String maxCase,
                         long millis) {
        @Override
        public String toString() {
            return String.format("%s: %d cases (%d results, %d checked exceptions) in %.1f s; at most %,d bytes allocated by "
                    + "one case (%s)", reader, cases, results, exceptions, millis / 1000.0, maxAllocated, maxCase);
        }
    }

    private final String reader;
    private final Reader<T> read;
    private final Describer<T> describe;
    private final long seed;
    private final List<Seed> seeds = new ArrayList<>();
    private HeapBound bound;
    private String boundText;
    private int headerBytes = 1024;
    private byte[] alphabet;
    private final List<String> texts = new ArrayList<>(List.of("1e999", "-1e999", "1.0E999999999999", "NaN", "Infinity",
            "-Infinity", "0", "-0", "-1", "4.9E-324", "1e-320", "99999999999", "2147483648", "-2147483649", "", " ",
            "1\\2\\3\\4\\5\\6", "1e999\\0\\0\\0\\1\\0", "abc", "0x10", "1d", "+-1", "1e", "."));

    private ReaderFuzz(String reader, long seed, Reader<T> read, Describer<T> describe) {
        this.reader = reader;
        this.seed = seed;
        this.read = read;
        this.describe = describe;
    }

    /**
     * A fuzzer of {@code read}, named {@code reader} in its messages, drawing its cases from {@code seed};
     * {@code describe} sizes and releases each result.
     */
    public static <T> ReaderFuzz<T> of(String reader, long seed, Reader<T> read, Describer<T> describe) {
        return new ReaderFuzz<>(reader, seed, read, describe);
    }

    /** Adds a valid seed file. */
    public ReaderFuzz<T> seed(Seed s) {
        seeds.add(s);
        return this;
    }

    /** Adds a valid seed file without named fields, read as is. */
    public ReaderFuzz<T> seed(String name, byte[] bytes) {
        return seed(new Seed(name, bytes, List.of()));
    }

    /** The heap bound, and how the failure message states it (e.g. {@code "16 x input + 3 x decoded + 32 MiB"}). */
    public ReaderFuzz<T> heapBound(String description, HeapBound b) {
        this.boundText = description;
        this.bound = b;
        return this;
    }

    /** How many leading bytes count as the header, where most overwritten bytes land (default 1024). */
    public ReaderFuzz<T> headerBytes(int n) {
        this.headerBytes = n;
        return this;
    }

    /**
     * Bytes that overwritten header bytes are drawn from half the time, e.g. the characters JSON is made
     * of, so that edits reach a text header's parser rather than only its UTF-8 check.
     */
    public ReaderFuzz<T> alphabet(byte[] bytes) {
        this.alphabet = bytes.clone();
        return this;
    }

    /** Extra strings written into {@link Kind#TEXT} fields. */
    public ReaderFuzz<T> texts(String... more) {
        texts.addAll(Arrays.asList(more));
        return this;
    }

    /**
     * Runs the random cases: {@code defaultCases} unless {@link #CASES} says otherwise (or only case
     * {@link #ONLY_CASE}).
     * @throws AssertionError listing the failed cases, or when the cases gave only results or only
     *                        exceptions (the mutations would then test little)
     */
    public Report run(int defaultCases) {
        int cases = Integer.getInteger(CASES, 0) > 0 ? Integer.getInteger(CASES) : defaultCases;
        Integer only = Integer.getInteger(ONLY_CASE);
        Report r = execute(only == null ? cases : only + 1, only, i -> mutate(i));
        if (only == null && (r.results() == 0 || r.exceptions() == 0)) {
            // mutations that never let a file through, or never break one, test little
            throw new AssertionError(reader + ": the mutations gave " + r.results() + " results and " + r.exceptions()
                    + " checked exceptions; both should occur");
        }
        return r;
    }

    /**
     * Reads prefixes of every seed (the plain bytes, cut, then encoded): every cut within the first
     * {@link #headerBytes} bytes, and {@code restPerSeed} more spread evenly over the rest. Each must fail,
     * unless it decodes to the very values the whole file does (a cut inside trailing padding loses
     * nothing). These cases are deterministic and not counted in {@link #CASES}.
     */
    public Report truncations(int restPerSeed) {
        return truncations(restPerSeed, true);
    }

    /**
     * {@link #truncations(int)} for formats where a prefix may be a valid file (CSV cut between records):
     * with {@code mustFail} false a cut may read as anything, as long as it reads or fails cleanly.
     */
    public Report truncations(int restPerSeed, boolean mustFail) {
        List<int[]> cuts = new ArrayList<>();
        for (int s = 0; s < seeds.size(); s++) {
            int len = seeds.get(s).plain().length;
            int head = Math.min(len, headerBytes);
            for (int n = 0; n < head; n++) {
                cuts.add(new int[] {s, n});
            }
            int rest = len - head;
            int count = Math.min(rest, restPerSeed);
            for (int k = 0; k < count; k++) {
                cuts.add(new int[] {s, head + (int) ((long) k * rest / count)});
            }
        }
        return execute(cuts.size(), null, i -> {
            Seed s = seeds.get(cuts.get(i)[0]);
            int n = cuts.get(i)[1];
            return new Case(s, s.input(Arrays.copyOf(s.plain(), n)), n, "truncated to " + n + " of " + s.plain().length
                    + " bytes", mustFail);
        });
    }

    private record Case(Seed seed, byte[] input, int plainBytes, String what, boolean mustFail) {
    }

    private record Outcome(Decoded decoded, Throwable thrown, long allocated) {
    }

    private Report execute(int cases, Integer only, java.util.function.IntFunction<Case> make) {
        if (seeds.isEmpty() || bound == null) {
            throw new IllegalStateException(reader + ": give at least one seed and a heap bound");
        }
        long timeoutMs = (long) (1000 * Double.parseDouble(System.getProperty(TIMEOUT, "10")));
        Map<Seed, String> valid = new LinkedHashMap<>();
        ExecutorService[] exec = {newWorker()};
        long start = System.nanoTime();
        List<String> failures = new ArrayList<>();
        int failed = 0;
        int results = 0;
        int exceptions = 0;
        int run = 0;
        long maxAllocated = 0;
        String maxCase = "none";
        try {
            for (Seed s : seeds) { // also warms up the classes the reader loads, outside the measured cases
                Outcome o;
                try {
                    o = call(exec, s.input(s.plain()), s.name(), timeoutMs);
                } catch (TimeoutException e) {
                    throw new AssertionError(reader + ": the seed " + s.name() + " itself does not read within " + timeoutMs
                            + " ms");
                }
                if (o.thrown() != null) {
                    throw new AssertionError(reader + ": the seed " + s.name() + " itself does not read: " + o.thrown(),
                            o.thrown());
                }
                valid.put(s, o.decoded().fingerprint());
            }
            for (int i = 0; i < cases; i++) {
                if (only != null && only != i) {
                    continue;
                }
                Case c = make.apply(i);
                String name = "fuzz-" + reader + "-case-" + i;
                String where = reader + " case " + i + " (seed " + seed + ", file " + c.seed().name() + ", " + c.what() + ")";
                run++;
                Outcome o;
                try {
                    o = call(exec, c.input(), name, timeoutMs);
                } catch (TimeoutException e) {
                    failed++;
                    report(failures, where + ": no answer within " + timeoutMs + " ms (a hang?)");
                    exec[0].shutdownNow();
                    exec[0] = newWorker();
                    continue;
                }
                String problem = judge(c, o, valid.get(c.seed()));
                if (o.thrown() == null) {
                    results++;
                } else if (!(o.thrown() instanceof RuntimeException) && !(o.thrown() instanceof Error)) {
                    exceptions++;
                }
                if (o.allocated() > maxAllocated) {
                    maxAllocated = o.allocated();
                    maxCase = where + (o.decoded() == null ? ", failed" : ", decoded " + o.decoded().bytes() + " bytes");
                }
                if (problem != null) {
                    failed++;
                    report(failures, where + ": " + problem);
                }
            }
        } finally {
            exec[0].shutdownNow();
        }
        Report r = new Report(reader, run, results, exceptions, maxAllocated, maxCase,
                (System.nanoTime() - start) / 1_000_000);
        System.out.println(r);
        if (failed > 0) {
            throw new AssertionError(failed + " of " + run + " " + reader + " cases failed (first " + failures.size()
                    + " below; rerun one with -D" + ONLY_CASE + "=N):\n" + String.join("\n", failures));
        }
        return r;
    }

    private String judge(Case c, Outcome o, String validFingerprint) {
        Throwable t = o.thrown();
        String problem = null;
        if (t instanceof RuntimeException || t instanceof Error) {
            problem = "threw " + describe(t) + ", not a checked exception";
        } else if (t != null && (t.getMessage() == null || t.getMessage().isBlank())) {
            problem = "threw " + t.getClass().getName() + " without a message";
        } else if (t == null && c.mustFail() && !o.decoded().fingerprint().equals(validFingerprint)) {
            problem = "a truncated file decoded to values other than the whole file's, instead of an exception";
        }
        long decoded = o.decoded() == null ? 0 : o.decoded().bytes();
        long limit = bound.limit(c.input().length, c.plainBytes(), decoded);
        if (o.allocated() > limit) {
            String heap = "allocated " + o.allocated() + " bytes on the heap, more than the bound " + boundText + " = " + limit
                    + " (input " + c.input().length + " bytes, plain " + c.plainBytes() + ", decoded " + decoded + ")";
            problem = problem == null ? heap : problem + "; " + heap;
        }
        return problem;
    }

    private static String describe(Throwable t) {
        StringBuilder sb = new StringBuilder(t.toString());
        StackTraceElement[] st = t.getStackTrace();
        for (int k = 0; k < Math.min(4, st.length); k++) {
            sb.append("\n        at ").append(st[k]);
        }
        return sb.toString();
    }

    private static void report(List<String> failures, String line) {
        if (failures.size() < MAX_REPORTED) {
            failures.add("  " + line);
        }
    }

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "reader-fuzz");
            t.setDaemon(true); // a hung case must not keep the JVM alive
            return t;
        });
    }

    private Outcome call(ExecutorService[] exec, byte[] input, String name, long timeoutMs) throws TimeoutException {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Future<Outcome> f = exec[0].submit(() -> {
            long before = mx.getCurrentThreadAllocatedBytes();
            T result = null;
            Throwable thrown = null;
            try {
                result = read.read(input, name);
            } catch (Throwable e) {
                thrown = e;
            }
            long allocated = mx.getCurrentThreadAllocatedBytes() - before;
            Decoded d = null;
            if (thrown == null) {
                try {
                    d = describe.describe(result);
                } catch (Throwable e) {
                    thrown = e;
                }
            }
            return new Outcome(d, thrown, allocated);
        });
        try {
            return f.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (ExecutionException e) {
            throw new AssertionError("the fuzz worker failed", e.getCause());
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Mutations

    private Case mutate(int i) {
        SplittableRandom r = new SplittableRandom(seed + i * GOLDEN);
        Seed s = seeds.get(i % seeds.size());
        byte[] b = s.plain().clone();
        int kind = r.nextInt(100);
        String what;
        if (kind < 18 || b.length == 0) {
            int n = r.nextInt(b.length + 1);
            b = Arrays.copyOf(b, n);
            what = "truncated to " + n + " bytes";
        } else if (kind < 40 || s.fields().isEmpty() && kind < 75) {
            int flips = 1 + r.nextInt(4);
            StringBuilder sb = new StringBuilder("bytes set:");
            for (int k = 0; k < flips; k++) {
                // mostly in the header, where a change alters structure rather than one value
                int at = r.nextInt(100) < 75 ? r.nextInt(Math.min(b.length, headerBytes)) : r.nextInt(b.length);
                byte v = alphabet != null && r.nextBoolean() ? alphabet[r.nextInt(alphabet.length)]
                        : r.nextBoolean() ? (byte) r.nextInt(256) : (byte) (b[at] ^ (1 << r.nextInt(8)));
                b[at] = v;
                sb.append(' ').append(at).append("=0x").append(Integer.toHexString(v & 0xFF));
            }
            what = sb.toString();
        } else if (kind < 75) {
            int count = r.nextInt(100) < 80 ? 1 : 2;
            StringBuilder sb = new StringBuilder("fields set:");
            for (int k = 0; k < count; k++) {
                Field f = s.fields().get(r.nextInt(s.fields().size()));
                sb.append(' ').append(f.name()).append('=').append(setField(b, f, r));
            }
            what = sb.toString();
        } else if (kind < 85) {
            int from = r.nextInt(b.length);
            int len = 1 + r.nextInt(Math.min(b.length - from, 1 + r.nextInt(64)));
            byte[] out = new byte[b.length - len];
            System.arraycopy(b, 0, out, 0, from);
            System.arraycopy(b, from + len, out, from, b.length - from - len);
            b = out;
            what = "deleted bytes [" + from + ", " + (from + len) + ")";
        } else if (kind < 93) {
            int from = r.nextInt(b.length);
            int len = 1 + r.nextInt(Math.min(b.length - from, 1 + r.nextInt(64)));
            byte[] out = new byte[b.length + len];
            System.arraycopy(b, 0, out, 0, from + len);
            System.arraycopy(b, from, out, from + len, b.length - from);
            b = out;
            what = "repeated bytes [" + from + ", " + (from + len) + ")";
        } else { // a valid beginning (magic numbers, a plausible first length), then random bytes
            int keep = r.nextInt(Math.min(b.length, headerBytes) + 1);
            byte[] out = Arrays.copyOf(b, keep + r.nextInt(4096));
            for (int k = keep; k < out.length; k++) {
                out[k] = (byte) r.nextInt(256);
            }
            b = out;
            what = "the first " + keep + " bytes, then " + (out.length - keep) + " random bytes";
        }
        byte[] input = s.input(b);
        if (s.encode() != null && r.nextInt(100) < 15 && input.length > 0) {
            int at = r.nextInt(input.length);
            input[at] = (byte) r.nextInt(256);
            what += ", then encoded byte " + at + " set to 0x" + Integer.toHexString(input[at] & 0xFF);
        }
        return new Case(s, input, b.length, what, false);
    }

    private String setField(byte[] b, Field f, SplittableRandom r) {
        if (f.offset() + f.width() > b.length) {
            return "(beyond the end)";
        }
        ByteBuffer bb = ByteBuffer.wrap(b).order(f.bigEndian() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        switch (f.kind()) {
            case TEXT: {
                String v = texts.get(r.nextInt(texts.size()));
                byte[] t = Arrays.copyOf(v.getBytes(StandardCharsets.US_ASCII), f.width());
                for (int k = v.length(); k < t.length; k++) {
                    t[k] = ' ';
                }
                System.arraycopy(t, 0, b, f.offset(), f.width());
                return "'" + new String(t, StandardCharsets.US_ASCII) + "'";
            }
            case FLOAT: {
                double old = f.width() == 4 ? bb.getFloat(f.offset()) : bb.getDouble(f.offset());
                double[] pick = {0, -0.0, 1, -1, 0.5, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e38,
                    -1e38, 1e-45, 3e38, 1e300, Math.pow(2, 31), Math.pow(2, 40), Math.pow(2, 63), old + 1, old * 2, old * 1000,
                    -old, r.nextDouble() * 1e6, Float.MAX_VALUE, Double.MAX_VALUE};
                double v = pick[r.nextInt(pick.length)];
                if (f.width() == 4) {
                    bb.putFloat(f.offset(), (float) v);
                } else {
                    bb.putDouble(f.offset(), v);
                }
                return Double.toString(f.width() == 4 ? (float) v : v);
            }
            default: {
                long old = readInt(bb, f);
                int bits = 8 * f.width();
                long max = bits == 64 ? Long.MAX_VALUE : (1L << (bits - 1)) - 1;
                long[] pick = {0, 1, 2, 3, 7, 8, -1, -2, max, -max - 1, max / 2 + 1, 255, 256, 32767, 32768, 65535, 65536,
                    Integer.MAX_VALUE, 1L << 31, 0xFFFFFFFFL, 1L << 32, 1L << 40, 1L << 62, Long.MAX_VALUE, old + 1, old - 1,
                    old * 2, old * 256, old ^ (1L << r.nextInt(bits)), r.nextLong()};
                long v = pick[r.nextInt(pick.length)];
                writeInt(bb, f, v);
                return Long.toString(readInt(bb, f));
            }
        }
    }

    private static long readInt(ByteBuffer bb, Field f) {
        switch (f.width()) {
            case 1: return bb.get(f.offset());
            case 2: return bb.getShort(f.offset());
            case 4: return bb.getInt(f.offset());
            case 8: return bb.getLong(f.offset());
            default: throw new IllegalArgumentException("field " + f.name() + ": integer width must be 1, 2, 4 or 8");
        }
    }

    private static void writeInt(ByteBuffer bb, Field f, long v) {
        switch (f.width()) {
            case 1: bb.put(f.offset(), (byte) v); break;
            case 2: bb.putShort(f.offset(), (short) v); break;
            case 4: bb.putInt(f.offset(), (int) v); break;
            default: bb.putLong(f.offset(), v);
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Helpers for the tests

    /** Something to measure; may throw anything. */
    @FunctionalInterface
    public interface Action {
        void run() throws Exception;
    }

    /** The heap bytes an action allocated on its thread, and what it threw (null if nothing). */
    public record Measured(long bytes, Throwable thrown) {
    }

    /** Runs {@code action} on this thread, catching whatever it throws, and measures its heap allocation. */
    public static Measured measure(Action action) {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = mx.getCurrentThreadAllocatedBytes();
        Throwable thrown = null;
        try {
            action.run();
        } catch (Throwable t) {
            thrown = t;
        }
        return new Measured(mx.getCurrentThreadAllocatedBytes() - before, thrown);
    }

    /**
     * A fresh directory in memory ({@code /dev/shm}) for readers that take a path, deleted when the JVM
     * exits, or {@code fallback} where there is none: writing each case to a disk-backed temporary
     * directory took a millisecond per case here, a hundred times more than in memory.
     */
    public static java.nio.file.Path memoryDirectory(java.nio.file.Path fallback) throws java.io.IOException {
        java.nio.file.Path shm = java.nio.file.Path.of("/dev/shm");
        if (!java.nio.file.Files.isDirectory(shm) || !java.nio.file.Files.isWritable(shm)) {
            return fallback;
        }
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory(shm, "vesalius-fuzz");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(dir)) {
                for (java.nio.file.Path f : (Iterable<java.nio.file.Path>) files::iterator) {
                    java.nio.file.Files.deleteIfExists(f);
                }
                java.nio.file.Files.deleteIfExists(dir);
            } catch (java.io.IOException e) {
                // a leftover directory in /dev/shm is harmless
            }
        }));
        return dir;
    }

    /** {@code b} gzip-compressed: the encoding of seeds whose files are gzipped. */
    public static byte[] gzip(byte[] b) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(out)) {
            gz.write(b);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** {@code b} inflated: the plain bytes of a gzipped seed. */
    public static byte[] gunzip(byte[] b) throws java.io.IOException {
        try (java.util.zip.GZIPInputStream in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(b))) {
            return in.readAllBytes();
        }
    }

    /** The size and a fingerprint of tensors a reader returned (shape, dtype, values), closing them. */
    public static Decoded describeTensors(java.util.Collection<org.vesalius.tensor.Tensor> tensors) {
        long bytes = 0;
        StringBuilder print = new StringBuilder();
        for (org.vesalius.tensor.Tensor t : tensors) {
            try (t) {
                bytes += (long) t.numel() * t.dtype().byteSize();
                print.append(Arrays.toString(t.shape())).append(t.dtype()).append(Arrays.hashCode(t.toDoubleArray()))
                        .append(';');
            }
        }
        return new Decoded(bytes, print.toString());
    }

    /**
     * Raises the level of the loggers under {@code prefix} to ERROR until closed, so that the warnings a
     * reader logs for damaged files (expected here, thousands of them) do not flood the test output.
     */
    public static AutoCloseable quiet(String prefix) {
        Logger l = (Logger) LoggerFactory.getLogger(prefix);
        Level before = l.getLevel();
        l.setLevel(Level.ERROR);
        return () -> l.setLevel(before);
    }
}
