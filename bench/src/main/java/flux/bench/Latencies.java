package flux.bench;

import java.util.Arrays;

/** Wall-clock samples of one operation, in nanoseconds; percentiles by nearest rank. */
final class Latencies {
    private final long[] samples;
    private int count;

    Latencies(int capacity) {
        samples = new long[capacity];
    }

    void add(long nanos) {
        samples[count++] = nanos;
    }

    /** The p-th percentile (0 < p <= 100) in milliseconds. */
    double percentileMillis(double p) {
        long[] sorted = Arrays.copyOf(samples, count);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)] / 1_000_000.0;
    }
}
