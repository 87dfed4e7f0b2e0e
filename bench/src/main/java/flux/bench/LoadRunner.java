package flux.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs one benchmark cell: {@code clients} threads call an operation back to back, first for a
 * warm-up (not measured), then for the measured time; each call's latency is kept.
 */
final class LoadRunner {
    /** One call of the operation by client {@code client}, its {@code n}-th. */
    interface Operation {
        void run(int client, long n) throws Exception;
    }

    /** A measured cell; CPU figures are microseconds per operation over the measured time. */
    record Cell(double opsPerSecond, double p50Millis, double p99Millis, long operations, double serverCpuMicros,
                double jvmCpuMicros, double jvmAllocatedBytes) {
    }

    private LoadRunner() {
    }

    static Cell run(int clients, double warmupSeconds, double seconds, Operation op) throws InterruptedException {
        return run(clients, warmupSeconds, seconds, op, null);
    }

    /** Like {@link #run(int, double, double, Operation)}, reading {@code cpu} (nullable) as the measured time starts and ends. */
    static Cell run(int clients, double warmupSeconds, double seconds, Operation op, CpuMeter cpu)
            throws InterruptedException {
        long[][] latencies = new long[clients][];
        int[] counts = new int[clients];
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(clients);
        // The clients live until the closing sample is read: a thread that ended no longer counts in
        // the JVM's allocated bytes (CpuMeter), and a client that stopped at the end would drop out.
        CountDownLatch sampled = new CountDownLatch(cpu == null ? 0 : 1);
        long start = System.nanoTime();
        long measureFrom = start + (long) (warmupSeconds * 1e9);
        long end = measureFrom + (long) (seconds * 1e9);
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            Thread t = new Thread(() -> {
                long[] mine = new long[1 << 14];
                int n = 0;
                long calls = 0;
                try {
                    while (failure.get() == null) {
                        long t0 = System.nanoTime();
                        if (t0 >= end) {
                            break;
                        }
                        op.run(client, calls++);
                        long t1 = System.nanoTime();
                        if (t0 >= measureFrom) {
                            if (n == mine.length) {
                                mine = Arrays.copyOf(mine, n * 2);
                            }
                            mine[n++] = t1 - t0;
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    latencies[client] = mine;
                    counts[client] = n;
                    done.countDown();
                    awaitQuietly(sampled);
                }
            }, "bench-client-" + c);
            threads.add(t);
            t.start();
        }
        CpuMeter.Sample[] cpuAt = new CpuMeter.Sample[2];
        try {
            if (cpu != null) {
                sleepUntil(measureFrom);
                cpuAt[0] = cpu.sample();
                sleepUntil(end);
                cpuAt[1] = cpu.sample();
            }
        } finally {
            sampled.countDown();
        }
        done.await();
        if (failure.get() != null) {
            throw new IllegalStateException("benchmark client failed: " + failure.get(), failure.get());
        }
        int total = Arrays.stream(counts).sum();
        long[] all = new long[total];
        int at = 0;
        for (int c = 0; c < clients; c++) {
            System.arraycopy(latencies[c], 0, all, at, counts[c]);
            at += counts[c];
        }
        Arrays.sort(all);
        CpuMeter.Sample used = cpu == null ? CpuMeter.Sample.NONE : cpuAt[1].minus(cpuAt[0]);
        double ops = Math.max(1, total);
        return new Cell(total / seconds, percentile(all, 0.50), percentile(all, 0.99), total,
                used.serverMicros() / ops, used.jvmMicros() / ops, used.jvmAllocatedBytes() / ops);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long wait;
        while ((wait = nanoTime - System.nanoTime()) > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
        return sorted[Math.max(i, 0)] / 1e6;
    }
}
