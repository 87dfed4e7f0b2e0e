package flux.bench;

import flux.capture.CapturePipeline;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Times one backlog drain by a capture pipeline: from the call (a pipeline that has just reached
 * STREAMING, or one whose walsender was just resumed) until it published the events asked for,
 * with what the JVM and the machine did meanwhile.
 */
final class DrainMeter {
    /**
     * @param firstEventSeconds when the first event was counted: after a start, the engine's start
     *                          (connection, Debezium's search for the stored position, its stream restart)
     * @param perSecond         events counted in each second of the drain (a stall shows as zeros)
     */
    record Drain(long events, double seconds, double firstEventSeconds, double cpuSeconds, double jitSeconds,
                 List<Long> perSecond, double bytesPerEvent, String cpuByThread, String machineBusy, double load) {
        double eventsPerSecond() {
            return events / seconds;
        }

        /** The rate from the first event on: the drain without the engine's start. */
        double streamingEventsPerSecond() {
            return events / (seconds - firstEventSeconds);
        }

        String describe() {
            return String.format("%,d events in %.2f s = %,.0f events/s (%,.0f from the first event, %.2f s in);"
                            + " %.1f µs JVM CPU/event by thread: %s; JIT compilers %.1f s; %,.0f bytes allocated/event;"
                            + " load average %.2f at the start, machine %s busy; events per second: %s",
                    events, seconds, eventsPerSecond(), streamingEventsPerSecond(), firstEventSeconds,
                    cpuSeconds * 1e6 / events, cpuByThread, jitSeconds, bytesPerEvent, load, machineBusy, perSecond);
        }
    }

    private DrainMeter() {
    }

    /** @param before events the pipeline had published before this backlog */
    static Drain measure(CapturePipeline pipeline, long before, long events, int timeoutSeconds)
            throws InterruptedException {
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        long[] machine = MachineMeters.machineTicks();
        long start = System.nanoTime();
        long cpuStart = MachineMeters.processCpuNanos();
        long jitStart = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
        long allocatedStart = allocatedBytes();
        Map<String, Long> threadsStart = cpuByThreadRole();
        Timeline t = follow(() -> pipeline.status().eventsPublished() - before, events, start, timeoutSeconds, 1);
        return new Drain(events, t.seconds(), t.secondsToFirstEvent(), (MachineMeters.processCpuNanos() - cpuStart) / 1e9,
                (ManagementFactory.getCompilationMXBean().getTotalCompilationTime() - jitStart) / 1e3, t.perSecond(),
                (allocatedBytes() - allocatedStart) / (double) events, perEvent(threadsStart, cpuByThreadRole(), events),
                MachineMeters.busySince(machine), load);
    }

    /**
     * When a count of published events first moved and when it reached {@code events}, with the count of
     * each second since {@code start}.
     */
    record Timeline(long startNanos, long firstEventNanos, long endNanos, List<Long> perSecond) {
        double secondsToFirstEvent() {
            return (firstEventNanos - startNanos) / 1e9;
        }

        double seconds() {
            return (endNanos - startNanos) / 1e9;
        }
    }

    /**
     * Reads {@code published} (events since {@code start}) every {@code pauseMillis} until it reaches
     * {@code events}; a BenchFailure after {@code timeoutSeconds}. The counter may throw to give up (a
     * process that exited).
     */
    static Timeline follow(LongSupplier published, long events, long start, int timeoutSeconds, long pauseMillis)
            throws InterruptedException {
        List<Long> perSecond = new ArrayList<>();
        long counted = 0;
        long firstEvent = -1;
        long nextSample = start + TimeUnit.SECONDS.toNanos(1);
        long deadline = start + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        long now;
        long seen;
        while ((seen = published.getAsLong()) < events) {
            now = System.nanoTime();
            if (firstEvent < 0 && seen > 0) {
                firstEvent = now;
            }
            while (now >= nextSample) {
                perSecond.add(seen - counted);
                counted = seen;
                nextSample += TimeUnit.SECONDS.toNanos(1);
            }
            if (now > deadline) {
                throw new BenchFailure("benchmark: capture published " + seen + " of " + events + " events in "
                        + timeoutSeconds + " s");
            }
            Thread.sleep(pauseMillis);
        }
        now = System.nanoTime();
        perSecond.add(seen - counted);
        return new Timeline(start, firstEvent < 0 ? now : firstEvent, now, perSecond);
    }

    /** Heap bytes this JVM allocated so far, terminated threads included: steady on a busy machine. */
    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getTotalThreadAllocatedBytes();
    }

    /**
     * CPU time of live threads, grouped by role: Debezium's streaming thread (decoding, one per
     * connector), capture's thread pool (the engine's polling thread runs the handler), the image
     * comparison, Kafka's producer I/O, the rest. Threads that end meanwhile are not counted, nor
     * the JVM's own (JIT compilers, GC): the process total includes them.
     */
    private static Map<String, Long> cpuByThreadRole() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, Long> cpu = new TreeMap<>();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            String name = info.getThreadName();
            String role = name.contains("change-event-source-coordinator") ? "debezium streaming"
                    : name.startsWith("pool-") ? "engine pool (handler)"
                    : name.startsWith("flux-capture-images") ? "image comparison"
                    : name.startsWith("kafka-producer") ? "kafka producer" : "other";
            cpu.merge(role, Math.max(0, threads.getThreadCpuTime(info.getThreadId())), Long::sum);
        }
        return cpu;
    }

    private static String perEvent(Map<String, Long> before, Map<String, Long> after, long events) {
        StringBuilder out = new StringBuilder();
        after.forEach((role, nanos) -> out.append(out.length() == 0 ? "" : ", ").append(role).append(' ')
                .append(String.format("%.1f", (nanos - before.getOrDefault(role, 0L)) / 1e3 / events)));
        return out.toString();
    }
}
