package org.vesalius.tensor;

/**
 * A seeded source of random numbers, like {@code torch.Generator}.
 *
 * <p>Counter-based: a draw of n numbers takes the next n counter values, and a backend turns
 * (seed, counter) into numbers with a hash, so results are the same for any thread count and a
 * generator's state is two longs. Not thread-safe; use one generator per thread.
 */
public final class Generator {
    /** PyTorch's default seed, so runs are repeatable without a call to {@code manualSeed}. */
    public static final long DEFAULT_SEED = 67280421310721L;

    private static final Generator DEFAULT = new Generator(DEFAULT_SEED);

    private long seed;
    private long offset;

    public Generator(long seed) {
        manualSeed(seed);
    }

    /** The generator used when none is passed. */
    public static Generator defaultGenerator() {
        return DEFAULT;
    }

    /** Restarts the stream from {@code seed}. Returns this generator. */
    public Generator manualSeed(long seed) {
        this.seed = seed;
        this.offset = 0;
        return this;
    }

    public long initialSeed() {
        return seed;
    }

    /** How many numbers were drawn since the last seeding. */
    public long offset() {
        return offset;
    }

    /** Restores a state saved with {@link #initialSeed()} and {@link #offset()}. */
    public void setState(long seed, long offset) {
        this.seed = seed;
        this.offset = offset;
    }

    /** Reserves {@code n} counter values and returns the first. */
    long reserve(long n) {
        long start = offset;
        offset += n;
        return start;
    }

    /** A uniform double in [0, 1) drawn on the host (for samplers, shuffles and augmentations). */
    public double nextDouble() {
        return (mix(seed, reserve(1)) >>> 11) * 0x1.0p-53;
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
