package flux.bench;

import flux.capture.CaptureStatus;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.util.List;

/**
 * The capture bench's Markdown report: the drains, the references on the same backlog, live
 * throughput, latency, and the conditions each measurement ran in.
 *
 * @param warmups    the warm-up drains, the first as after a start
 * @param restarted  the backlog drained by a capture restarted onto it
 * @param drain      the backlog drained by a running capture (the headline)
 * @param live       writers' rows/s, capture's events/s until caught up
 * @param status     capture's figures at the end (cross-check counts, Kafka retries)
 * @param conditions lines on what each measurement ran in
 */
record CaptureBenchReport(int rows, int txSize, int warmupRows, int liveSeconds, double recvSeconds,
                          TimedEngineRun.Result naive, TimedEngineRun.Result decodeOnly,
                          List<DrainMeter.Drain> warmups, DrainMeter.Drain restarted, DrainMeter.Drain drain,
                          double[] live, List<LatencyProbe.Result> latency, CaptureStatus.Snapshot status,
                          List<String> conditions) {

    void print(PrintWriter out) {
        double drainSeconds = drain.seconds();
        out.println();
        out.println("## Results");
        out.println();
        out.println("| measurement | value |");
        out.println("|---|---|");
        out.printf("| backlog | %,d rows in transactions of %d (each row + its mutation record: %,d WAL changes) |%n",
                rows, txSize, 2L * rows);
        for (int i = 0; i < warmups.size(); i++) {
            DrainMeter.Drain d = warmups.get(i);
            out.printf("| warm-up drain %d%s (%,d rows) | %.2f s = %,.0f events/s; JIT compilers busy %.1f s of it |%n", i + 1,
                    i == 0 ? ", the first in this JVM (as after a start)" : "", warmupRows, d.seconds(),
                    d.eventsPerSecond(), d.jitSeconds());
        }
        out.printf("| capture restarted onto the backlog (after %d warm-up drain(s)) | %.2f s = %,.0f events/s;"
                        + " %,.0f events/s from the first event (%.2f s after streaming started) |%n",
                warmups.size(), restarted.seconds(), restarted.eventsPerSecond(), restarted.streamingEventsPerSecond(),
                restarted.firstEventSeconds());
        out.printf("| **capture backlog drain** (running capture; its walsender paused while the backlog was written)"
                        + " | %.2f s = **%,.0f events/s** into Kafka (%,.0f WAL changes/s decoded); first event after %.2f s |%n",
                drainSeconds, drain.eventsPerSecond(), 2 * drain.eventsPerSecond(), drain.firstEventSeconds());
        out.printf("| capture CPU during the drain (this JVM, all threads) | %.2f s = %.1f µs/event (%,.0f events per CPU-second) |%n",
                drain.cpuSeconds(), drain.cpuSeconds() * 1e6 / rows, rows / drain.cpuSeconds());
        out.printf("| pg_recvlogical (pgoutput, same backlog, ceiling) | %.2f s = %,.0f events/s (%,.0f WAL changes/s) |%n",
                recvSeconds, rows / recvSeconds, 2 * rows / recvSeconds);
        out.printf("| capture / pg_recvlogical | %.2fx |%n", recvSeconds / drainSeconds);
        out.printf("| naive Debezium JSON path (same backlog; each WAL change one message, no pairing) | %.2f s = %,.0f messages/s"
                        + " (%,.0f rows/s); %.1f µs CPU per message |%n",
                naive.seconds(), 2 * rows / naive.seconds(), rows / naive.seconds(),
                naive.cpuSeconds() * 1e6 / naive.counted());
        out.printf("| capture / naive Debezium JSON path (rows per second) | %.2fx |%n", naive.seconds() / drainSeconds);
        out.printf("| Debezium decoding alone (capture's engine settings, a consumer that only marks records; no Kafka) | %.2f s ="
                        + " %,.0f WAL changes/s (%,.0f rows/s); %.1f µs CPU per change |%n",
                decodeOnly.seconds(), 2 * rows / decodeOnly.seconds(), rows / decodeOnly.seconds(),
                decodeOnly.cpuSeconds() * 1e6 / decodeOnly.counted());
        out.printf("| capture / Debezium decoding alone (rows per second) | %.2fx |%n", decodeOnly.seconds() / drainSeconds);
        out.printf("| live, %d s of 4 writers | writers %,.0f rows/s; capture published them at %,.0f events/s (until caught up) |%n",
                liveSeconds, live[0], live[1]);
        out.println();
        out.println("| rate (target tx/s) | achieved tx/s | samples | lost | p50 ms | p99 ms | p99.9 ms | max ms |");
        out.println("|---|---|---|---|---|---|---|---|");
        for (LatencyProbe.Result r : latency) {
            out.printf("| %,.0f | %,.0f | %,d | %d | %.1f | %.1f | %.1f | %.1f |%n", r.targetRate(), r.achievedRate(),
                    r.samples(), r.missing(), r.p50Ms(), r.p99Ms(), r.p999Ms(), r.maxMs());
        }
        out.println();
        out.println("Split at the message's Kafka timestamp (when capture handed it to the producer; wall clock, 1 ms resolution):");
        out.println();
        out.println("| rate (tx/s) | commit -> sent p50 / p99 / p99.9 ms | sent -> consumer p50 / p99 / p99.9 ms |");
        out.println("|---|---|---|");
        for (LatencyProbe.Result r : latency) {
            out.printf("| %,.0f | %.0f / %.0f / %.0f | %.0f / %.0f / %.0f |%n", r.targetRate(),
                    r.toSend().p50Ms(), r.toSend().p99Ms(), r.toSend().p999Ms(),
                    r.sendToConsumer().p50Ms(), r.sendToConsumer().p99Ms(), r.sendToConsumer().p999Ms());
        }
        CaptureStatus.Snapshot s = status;
        out.printf("%ncross-check: matched %,d, untracked %d, missing %d, mismatched %d; Kafka retries %d%n",
                s.crossCheck().matched(), s.crossCheck().untracked(), s.crossCheck().missing(),
                s.crossCheck().mismatched(), s.kafkaRetries());
        out.printf("machine: %d cores, %s, Java %s; load average at the end %.2f%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name") + " " + System.getProperty("os.arch"), System.getProperty("java.version"),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        for (int i = 0; i < warmups.size(); i++) {
            out.println("warm-up drain " + (i + 1) + ": " + warmups.get(i).describe());
        }
        out.println("drain after the restart: " + restarted.describe());
        out.println("drain by the running capture: " + drain.describe());
        conditions.forEach(out::println);
        out.flush();
    }
}
