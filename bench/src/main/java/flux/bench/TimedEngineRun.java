package flux.bench;

import io.debezium.engine.DebeziumEngine;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs a baseline's Debezium engine over its slot and times the part after a warm-up: from the
 * batch that passed the warm-up (without one, from the engine's first poll, as capture's drain is
 * timed) to the batch that passed the target. The engine's consumer reports what it counted.
 */
final class TimedEngineRun {
    /** {@code counted}: in the timed part (its last batch may go past the target). */
    record Result(double seconds, double cpuSeconds, long counted) {
    }

    private final String name;
    private final long warmup;
    private final AtomicLong counted = new AtomicLong();
    private final CompletableFuture<Throwable> ended = new CompletableFuture<>();
    private final CompletableFuture<long[]> timed = new CompletableFuture<>(); // {wall, CPU, counted} at the start

    TimedEngineRun(String name, long warmup) {
        this.name = name;
        this.warmup = warmup;
    }

    /** The engine's completion callback. */
    DebeziumEngine.CompletionCallback completion() {
        return (success, message, error) -> ended.complete(error != null ? error : new IllegalStateException(message));
    }

    /** Starts the clock at the first poll when there is no warm-up. */
    DebeziumEngine.ConnectorCallback connector() {
        return new DebeziumEngine.ConnectorCallback() {
            @Override
            public void pollingStarted() {
                if (warmup == 0) {
                    start(0);
                }
            }
        };
    }

    /** Called by the consumer after each batch, with what that batch counted. */
    void counted(long n) {
        long total = counted.addAndGet(n);
        if (warmup > 0 && total >= warmup && !timed.isDone()) {
            start(total);
        }
    }

    private void start(long total) {
        timed.complete(new long[] {System.nanoTime(), MachineMeters.processCpuNanos(), total});
    }

    /** Runs the engine until {@code target} more were counted after the warm-up, then closes it. */
    Result run(DebeziumEngine<?> engine, long target) throws Exception {
        ExecutorService runner = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "bench-" + name);
            t.setDaemon(true);
            return t;
        });
        try (engine) {
            runner.execute(engine);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(600);
            while (!timed.isDone() || counted.get() - timed.get()[2] < target) {
                if (ended.isDone()) {
                    throw new BenchFailure("the " + name + " engine stopped: " + ended.get());
                }
                if (System.nanoTime() > deadline) {
                    throw new BenchFailure("the " + name + " engine did not count " + target + " changes in 600 s");
                }
                Thread.sleep(5);
            }
            long[] start = timed.get();
            return new Result((System.nanoTime() - start[0]) / 1e9,
                    (MachineMeters.processCpuNanos() - start[1]) / 1e9, counted.get() - start[2]);
        } finally {
            runner.shutdown();
        }
    }
}
