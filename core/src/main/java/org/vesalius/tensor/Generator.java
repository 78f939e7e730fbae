package org.vesalius.tensor;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A seeded source of random numbers, like {@code torch.Generator}.
 *
 * <p>Counter-based: a draw of n numbers takes the next n counter values, and a backend turns
 * (seed, counter) into numbers with a hash, so results are the same for any thread count and a
 * generator's state is two longs (see {@link #state()}).
 *
 * <p><b>Threads.</b> One generator may be shared by several threads. Every draw reserves its block of
 * counter values atomically together with the seed it belongs to, so no two draws overlap, none is
 * lost, and each is made entirely from one state: a {@link #manualSeed} or {@link #setState} on
 * another thread lands before or after a draw, never inside it. Which thread gets which block is up to
 * the scheduler, so a shared generator gives repeatable numbers only to a program that draws from it
 * in a fixed order; give each thread its own generator (or use the per-thread default) where the
 * numbers must be the same on every run.
 *
 * <p><b>The default generator is per thread</b> ({@link #defaultGenerator()}): each thread has its own
 * stream, which {@link Tensor#manualSeed} seeds. Threads that use their default generator without
 * seeding it first are numbered in the order they first do so: the first (in a plain program, the
 * main thread) starts from {@link #DEFAULT_SEED}, as PyTorch's global generator does, and the k-th
 * (k = 1, 2, ...) from a seed mixed from {@code DEFAULT_SEED} and k, so threads draw independent
 * streams instead of copies of one. What is repeatable: a thread that calls
 * {@code Tensor.manualSeed(s)} before drawing gets the same numbers on every run, whatever other
 * threads do (and takes no number); so does the main thread of a program in which it is the first to
 * draw. What is not: the stream of an unseeded thread whose first draw races with other unseeded
 * threads' (pool workers, say), since its number depends on the scheduler.
 */
public final class Generator {
    /** PyTorch's default seed, so runs are repeatable without a call to {@code manualSeed}. */
    public static final long DEFAULT_SEED = 67280421310721L;

    /** Mixed into later threads' seeds so that they are not numbers the first thread's stream draws. */
    private static final long THREAD_STREAMS = 0x5DEECE66DL;

    /** How many threads have started an unseeded default generator so far. */
    private static final AtomicLong THREADS_SEEDED = new AtomicLong();

    /** Each thread's default generator; null until the thread first uses or seeds it. */
    private static final ThreadLocal<Generator> DEFAULT = new ThreadLocal<>();

    private long seed;
    private long offset;

    public Generator(long seed) {
        manualSeed(seed);
    }

    /**
     * The calling thread's default generator, the one used when none is passed ({@code Tensor.rand},
     * {@code randn}, {@code randint}, {@code randperm}, {@code dropout}, layers' initial weights and
     * {@code Dropout} modules built without a generator). Each thread has its own; see the class
     * comment for how its seed is chosen.
     */
    public static Generator defaultGenerator() {
        Generator g = DEFAULT.get();
        if (g == null) {
            g = new Generator(defaultSeed(THREADS_SEEDED.getAndIncrement()));
            DEFAULT.set(g);
        }
        return g;
    }

    /**
     * Seeds the calling thread's default generator ({@link Tensor#manualSeed}). A thread that seeds
     * before drawing takes no place in the order that picks unseeded threads' seeds.
     */
    static void seedDefault(long seed) {
        Generator g = DEFAULT.get();
        if (g == null) {
            DEFAULT.set(new Generator(seed));
        } else {
            g.manualSeed(seed);
        }
    }

    /**
     * The starting seed of the default generator of the k-th thread to use one (k from 0):
     * {@link #DEFAULT_SEED} for the first, a SplitMix64 mix of it and k for the others.
     */
    static long defaultSeed(long k) {
        return k == 0 ? DEFAULT_SEED : mix(DEFAULT_SEED ^ THREAD_STREAMS, k);
    }

    /** A generator's position: the seed of its stream and how many numbers were drawn from it. */
    public record State(long seed, long offset) {
    }

    /** Restarts the stream from {@code seed} (offset 0). Returns this generator. */
    public synchronized Generator manualSeed(long seed) {
        this.seed = seed;
        this.offset = 0;
        return this;
    }

    /** The seed of the current stream. */
    public synchronized long initialSeed() {
        return seed;
    }

    /** How many numbers were drawn since the last seeding. */
    public synchronized long offset() {
        return offset;
    }

    /**
     * Seed and offset read together, so a state saved while other threads draw is one the generator
     * really had (reading {@link #initialSeed()} then {@link #offset()} could mix two).
     */
    public synchronized State state() {
        return new State(seed, offset);
    }

    /** Restores a state saved with {@link #state()} (or {@link #initialSeed()} and {@link #offset()}). */
    public synchronized void setState(long seed, long offset) {
        this.seed = seed;
        this.offset = offset;
    }

    /** Restores a state saved with {@link #state()}. */
    public void setState(State state) {
        setState(state.seed(), state.offset());
    }

    /**
     * Reserves {@code n} counter values atomically and returns the seed they belong to with the first
     * (the numbers to draw are those of counters {@code offset .. offset + n - 1} of {@code seed}).
     */
    synchronized State reserve(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("Generator: cannot reserve " + n + " numbers");
        }
        State s = new State(seed, offset);
        offset += n;
        return s;
    }

    /** A uniform double in [0, 1) drawn on the host (for samplers, shuffles and augmentations). */
    public double nextDouble() {
        State s = reserve(1);
        return (mix(s.seed(), s.offset()) >>> 11) * 0x1.0p-53;
    }

    /** A uniform int in [0, bound). */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("nextInt: bound must be positive, got " + bound);
        }
        return (int) Math.floor(nextDouble() * bound);
    }

    /**
     * The 64 random bits for counter value {@code i} of stream {@code seed} (SplitMix64 of the pair);
     * backends use this same function so every device draws the same numbers.
     */
    public static long mix(long seed, long i) {
        long z = seed * 0x9E3779B97F4A7C15L + (i + 1) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
