package flux.dev.testing;

import java.util.Random;

/**
 * The seed of one test's randomness, from {@link Seeds}: every {@link Random} a test uses comes
 * from here, so a failure can be replayed with {@code -Dflux.test.seed=<value>}.
 */
public record Seed(long value) {

    /** A generator that yields the same numbers for the same seed. */
    public Random random() {
        return new Random(value);
    }

    /**
     * An independent generator for stream {@code n} (a writer thread, a table): the same for the
     * same seed and {@code n}, unrelated to the other streams.
     */
    public Random random(int n) {
        long z = value + 0x9E3779B97F4A7C15L * (n + 1L); // SplitMix64's mix: near seeds give unrelated streams
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return new Random(z ^ (z >>> 31));
    }

    @Override
    public String toString() {
        return Long.toString(value);
    }
}
