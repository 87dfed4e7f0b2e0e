package flux.capture;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Where the process's first start of capture spent its time, from the JVM's start to the first
 * event Kafka acknowledged (docs/capture.md, "Start-up"): each phase with the milliseconds since the
 * JVM started at which it began and ended. Phases in a row begin where the previous one ended
 * ({@link #mark}); one that runs beside them says when it began ({@link #markSince}). Complete once
 * the first event is acknowledged: later phases in a row (a restart's) are not kept here, the log has them.
 * Thread-safe (the supervisor, the engine's thread and the server's start mark it).
 */
public final class StartTimeline {
    /** The phase that completes the timeline. */
    public static final String FIRST_EVENT = "first event acknowledged";

    /**
     * @param name   what ran
     * @param fromMs when it began, in ms since the JVM started
     * @param toMs   when it ended, in ms since the JVM started
     */
    public record Phase(String name, long fromMs, long toMs) {
    }

    private static final long JVM_STARTED_AT_MS = ManagementFactory.getRuntimeMXBean().getStartTime();
    private final List<Phase> phases = new CopyOnWriteArrayList<>();
    private volatile long lastMs;
    private volatile boolean complete;

    /** Milliseconds since the JVM started. */
    public static long sinceJvmStart() {
        return System.currentTimeMillis() - JVM_STARTED_AT_MS;
    }

    /** Milliseconds since the JVM started. */
    public long now() {
        return sinceJvmStart();
    }

    /** A phase in a row that ends now: it began where the last one marked this way ended (or the JVM's start). */
    public void mark(String name) {
        markTo(name, now());
    }

    /** As {@link #mark}, for a phase that ended earlier, at {@code toMs} ({@link #now()} then). */
    public synchronized void markTo(String name, long toMs) {
        if (add(new Phase(name, lastMs, toMs))) {
            lastMs = toMs;
        }
    }

    /**
     * A phase that ran beside the others, from {@code fromMs} ({@link #now()} when it began) until now; kept
     * also when it ends after the first event (it was the first start's), not when a phase of that name is in.
     */
    public synchronized void markSince(String name, long fromMs) {
        if (phases.stream().noneMatch(p -> p.name().equals(name))) {
            phases.add(new Phase(name, fromMs, now()));
        }
    }

    private boolean add(Phase phase) {
        if (complete) {
            return false;
        }
        phases.add(phase);
        if (FIRST_EVENT.equals(phase.name())) {
            complete = true;
        }
        return true;
    }

    public boolean complete() {
        return complete;
    }

    /** The phases so far, in the order they ended. */
    public List<Phase> phases() {
        return List.copyOf(phases);
    }
}
