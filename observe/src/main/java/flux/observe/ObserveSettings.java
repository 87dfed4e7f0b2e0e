package flux.observe;

import java.time.Duration;

/**
 * Thresholds and sizes of query observability. {@link #defaults()} are the documented
 * defaults; the server reads each from {@code flux.observe.*} (see docs/observability.md).
 *
 * @param traceWindow       spans kept in memory (newest win)
 * @param queueCapacity     statements waiting for analysis; beyond it they are dropped and counted
 * @param slowThreshold     a statement at least this long is slow
 * @param nPlusOneThreshold repetitions of one select shape with different values that make an N+1
 * @param nPlusOneMinTotal  an N+1 must also take this long in total; zero turns the floor off
 * @param burstWindow       one client's requests within this window count together; zero turns
 *                          burst detection off
 * @param indexMinFilters   filters on a column before it is considered for an index
 * @param indexMinRows      a table must have about this many rows for an index suggestion
 */
public record ObserveSettings(int traceWindow, int queueCapacity, Duration slowThreshold, int nPlusOneThreshold,
                              Duration nPlusOneMinTotal, Duration burstWindow, int indexMinFilters,
                              long indexMinRows) {
    public ObserveSettings {
        positive("trace window", traceWindow);
        positive("queue capacity", queueCapacity);
        if (nPlusOneThreshold < 2) {
            throw new IllegalArgumentException("the N+1 threshold must be at least 2, got " + nPlusOneThreshold);
        }
        positive("index min filters", indexMinFilters);
        notNegative("slow threshold", slowThreshold);
        notNegative("N+1 min total", nPlusOneMinTotal);
        notNegative("burst window", burstWindow);
        if (indexMinRows < 0) {
            throw new IllegalArgumentException("index min rows must not be negative, got " + indexMinRows);
        }
    }

    public static ObserveSettings defaults() {
        return new ObserveSettings(10_000, 10_000, Duration.ofMillis(100), 5, Duration.ZERO,
                Duration.ofSeconds(1), 10, 10_000);
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }

    private static void notNegative(String name, Duration value) {
        if (value == null || value.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, got " + value);
        }
    }
}
