package flux.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time spent by the PostgreSQL cluster (the postmaster, its live children and the children
 * it has reaped) and by this JVM, read from /proc (Linux; elsewhere the server side reads 0).
 * Per operation, CPU time is far steadier than throughput on a shared machine: other load
 * slows a cell down, but adds little to the work each write costs.
 */
final class CpuMeter {
    /** USER_HZ: /proc counts CPU time in these ticks on every Linux this runs on. */
    private static final long TICKS_PER_SECOND = 100;

    private final Path postmasterPid;

    /** @param dataDir the cluster's data directory (it holds postmaster.pid) */
    CpuMeter(Path dataDir) {
        this.postmasterPid = dataDir.resolve("postmaster.pid");
    }

    /**
     * {@code allocatedByThread}: what each live thread had allocated so far. A difference of two
     * samples counts each thread's growth, so a thread that ends between them takes only its own
     * bytes out (they go uncounted) instead of making the total shrink, which once printed a
     * negative allocation per write.
     */
    record Sample(long serverMicros, long jvmMicros, Map<Long, Long> allocatedByThread) {
        static final Sample NONE = new Sample(0, 0, Map.of());

        /** What the JVM's threads allocated between {@code before} and this sample. */
        long jvmAllocatedBytes() {
            return allocatedByThread.values().stream().mapToLong(Long::longValue).sum();
        }

        Sample minus(Sample before) {
            Map<Long, Long> grown = new HashMap<>();
            allocatedByThread.forEach((thread, bytes) ->
                    grown.put(thread, bytes - before.allocatedByThread.getOrDefault(thread, 0L)));
            return new Sample(serverMicros - before.serverMicros, jvmMicros - before.jvmMicros, grown);
        }
    }

    Sample sample() {
        long jvmNanos = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
        return new Sample(serverTicks() * 1_000_000 / TICKS_PER_SECOND, jvmNanos / 1000, allocatedBytes());
    }

    /**
     * Bytes allocated by every live thread (server, pool and client threads all live through a
     * cell): per write, unlike CPU time, it hardly moves with the machine's load, so it shows what
     * a change to the write path saves even on a busy machine.
     */
    private static Map<Long, Long> allocatedBytes() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] ids = threads.getAllThreadIds();
        long[] bytes = threads.getThreadAllocatedBytes(ids);
        Map<Long, Long> byThread = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            if (bytes[i] >= 0) { // -1: the thread ended meanwhile
                byThread.put(ids[i], bytes[i]);
            }
        }
        return byThread;
    }

    private long serverTicks() {
        try {
            String pid = Files.readAllLines(postmasterPid).get(0).trim();
            long ticks = ticks(pid, true);
            for (String child : Files.readString(Path.of("/proc", pid, "task", pid, "children")).trim().split("\\s+")) {
                if (!child.isEmpty()) {
                    ticks += ticks(child, false);
                }
            }
            return ticks;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** utime + stime (and, with {@code reaped}, cutime + cstime) of a process. */
    private static long ticks(String pid, boolean reaped) {
        try {
            String stat = Files.readString(Path.of("/proc", pid, "stat"));
            // Fields after the command name, which may hold spaces; utime is field 14 of stat(5).
            List<String> f = List.of(stat.substring(stat.lastIndexOf(')') + 2).split(" "));
            long t = Long.parseLong(f.get(11)) + Long.parseLong(f.get(12));
            return reaped ? t + Long.parseLong(f.get(13)) + Long.parseLong(f.get(14)) : t;
        } catch (IOException | RuntimeException e) {
            return 0; // a backend that just exited
        }
    }
}
