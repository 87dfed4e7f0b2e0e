package flux.bench;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the machine and this JVM spent, read before and after a measurement. */
public final class MachineMeters {
    private MachineMeters() {
    }

    /**
     * All CPUs' busy and total ticks from /proc/stat (Linux; null elsewhere). The machine may be
     * shared: how busy it was tells a slow run from a slow capture.
     */
    public static long[] machineTicks() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length; i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]); // idle + iowait
            return new long[] {total - idle, total};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    public static String busySince(long[] before) {
        long[] now = machineTicks();
        if (before == null || now == null || now[1] == before[1]) {
            return "(unknown)";
        }
        return String.format("%.0f%%", 100.0 * (now[0] - before[0]) / (now[1] - before[1]));
    }

    /** The 1, 5 and 15 minute load averages as {@code uptime} prints them (Linux; "(unknown)" elsewhere). */
    public static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "(unknown)";
        }
    }

    static long gcMillis() {
        long total = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            total += Math.max(0, gc.getCollectionTime());
        }
        return total;
    }

    /** CPU time of this JVM (every thread); during the drain only capture runs in it. */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
