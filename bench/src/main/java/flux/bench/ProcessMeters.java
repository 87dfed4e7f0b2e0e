package flux.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU of another process, read from /proc (Linux; -1 elsewhere): the whole process, and its JIT
 * compiler threads (named "C1 CompilerThre..."/"C2 CompilerThre..." by HotSpot), so a drain by a
 * {@code flux serve} process shows how much of it the JIT took. A compiler thread that ended
 * (HotSpot starts and stops them by the queue's length) is not counted in the second figure.
 */
final class ProcessMeters {
    /** Linux reports /proc times in USER_HZ, 100 on every architecture the JDK runs on. */
    private static final double TICKS_PER_SECOND = 100;

    private ProcessMeters() {
    }

    /** User + system CPU seconds of the process, its ended threads included. */
    static double cpuSeconds(long pid) {
        long ticks = ticks(Path.of("/proc", Long.toString(pid), "stat"));
        return ticks < 0 ? -1 : ticks / TICKS_PER_SECOND;
    }

    /** User + system CPU seconds of the process's live JIT compiler threads. */
    static double jitSeconds(long pid) {
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            return tasks.filter(ProcessMeters::isCompiler).mapToLong(t -> Math.max(0, ticks(t.resolve("stat"))))
                    .sum() / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static boolean isCompiler(Path task) {
        try {
            return Files.readString(task.resolve("comm")).matches("(?s)C[12] Compi.*");
        } catch (IOException e) {
            return false;
        }
    }

    /** utime + stime of a stat file; its second field (the name, in parentheses) may hold spaces. */
    private static long ticks(Path stat) {
        try {
            String s = Files.readString(stat);
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15 of proc(5)
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
