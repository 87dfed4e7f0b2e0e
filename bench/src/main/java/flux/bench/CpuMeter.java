package flux.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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

    /** {@code jvmAllocatedBytes}: what the JVM's live threads allocated so far (a thread that ended no longer counts). */
    record Sample(long serverMicros, long jvmMicros, long jvmAllocatedBytes) {
        static final Sample NONE = new Sample(0, 0, 0);

        Sample minus(Sample before) {
            return new Sample(serverMicros - before.serverMicros, jvmMicros - before.jvmMicros,
                    jvmAllocatedBytes - before.jvmAllocatedBytes);
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
    private static long allocatedBytes() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long total = 0;
        for (long bytes : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
            total += Math.max(0, bytes);
        }
        return total;
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
