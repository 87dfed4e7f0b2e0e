package flux.capture;

import flux.capture.snapshot.SnapshotProgress;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Live figures of one pipeline, updated by the streaming thread and read by anyone (status
 * endpoint, metrics). Plain atomics so a metrics binder can read them without locking.
 */
public final class CaptureStatus {
    final AtomicReference<CaptureState> state = new AtomicReference<>(CaptureState.CREATED);
    final AtomicLong lastLsn = new AtomicLong(-1);
    final AtomicLong slotLagBytes = new AtomicLong(-1);
    final AtomicLong eventsPublished = new AtomicLong();
    final AtomicLong rolledBackPublished = new AtomicLong();
    final AtomicLong transactions = new AtomicLong();
    final AtomicLong matched = new AtomicLong();
    final AtomicLong untracked = new AtomicLong();
    final AtomicLong missing = new AtomicLong();
    final AtomicLong mismatched = new AtomicLong();
    /** Records published from the log: their table was not in the publication when written (see LogBackfill). */
    final AtomicLong backfilled = new AtomicLong();
    /** Rows of flux.schema_changes published on flux.schema_changes. */
    final AtomicLong schemaChangesPublished = new AtomicLong();
    /** Tracked tables the publication could not take, with PostgreSQL's reason (set by each sync). */
    final AtomicReference<Map<String, String>> refusedTables = new AtomicReference<>(Map.of());
    final AtomicLong kafkaRetries = new AtomicLong();
    /** Paired changes whose images were compared (asynchronously, see ImageCheck); not shown. */
    final AtomicLong imagesCompared = new AtomicLong();
    /** Times the pipeline started over after a retriable failure. */
    final AtomicLong restarts = new AtomicLong();
    final AtomicReference<String> lastError = new AtomicReference<>();
    /** Set once, before the state becomes FAILED (a reader that sees FAILED finds the reason). */
    final AtomicReference<Failure> failure = new AtomicReference<>();
    final AtomicReference<Instant> lastEventAt = new AtomicReference<>();
    /** Events published per tenant (changes and rolled-back attempts that carry one). */
    final ConcurrentHashMap<String, AtomicLong> eventsByTenant = new ConcurrentHashMap<>();

    /** Where the first start spent its time, until the first event Kafka acknowledged. */
    final StartTimeline start = new StartTimeline();

    /** The snapshot the runner works on, live; null when none. */
    final AtomicReference<SnapshotProgress> snapshotProgress = new AtomicReference<>();

    void snapshotProgress(SnapshotProgress progress) {
        snapshotProgress.set(progress);
    }

    void countTenantEvents(Map<String, Long> counts) {
        counts.forEach((tenant, n) -> eventsByTenant.computeIfAbsent(tenant, t -> new AtomicLong()).addAndGet(n));
    }

    /** A consistent-enough copy for display (each figure is read once). */
    public Snapshot snapshot(String slot, String publication) {
        long lsn = lastLsn.get();
        long lag = slotLagBytes.get();
        return new Snapshot(state.get(), slot, publication, lsn < 0 ? null : Lsns.format(lsn),
                lag < 0 ? null : lag, eventsPublished.get(), rolledBackPublished.get(), transactions.get(),
                new CrossCheckCounts(matched.get(), untracked.get(), missing.get(), mismatched.get(), backfilled.get()),
                kafkaRetries.get(), restarts.get(), lastEventAt.get(), lastError.get(), failure.get(), byTenant(),
                schemaChangesPublished.get(), refusedTables.get(), snapshotProgress.get(), start.phases());
    }

    private Map<String, Long> byTenant() {
        Map<String, Long> copy = new TreeMap<>();
        eventsByTenant.forEach((tenant, n) -> copy.put(tenant, n.get()));
        return copy;
    }

    public CaptureState state() {
        return state.get();
    }

    /** Where the first start spent its time; the server's start marks its own phases in it. */
    public StartTimeline start() {
        return start;
    }

    public long eventsPublished() {
        return eventsPublished.get();
    }

    public long matched() {
        return matched.get();
    }

    public long untracked() {
        return untracked.get();
    }

    public long missing() {
        return missing.get();
    }

    public long mismatched() {
        return mismatched.get();
    }

    public long backfilled() {
        return backfilled.get();
    }

    public long rolledBackPublished() {
        return rolledBackPublished.get();
    }

    public long slotLagBytes() {
        return slotLagBytes.get();
    }

    public long restarts() {
        return restarts.get();
    }

    /** Why capture stopped for good, or null: set with the FAILED state. */
    public Failure failure() {
        return failure.get();
    }

    /**
     * A permanent failure: capture stopped retrying.
     *
     * @param reason what failed and what to change (the {@link CaptureException.Permanent}'s message)
     * @param at     when capture stopped
     */
    public record Failure(String reason, Instant at) {
    }

    /**
     * @param matched    WAL changes paired with an API mutation record of the same transaction
     * @param untracked  WAL changes without a record (raw SQL): published with source "wal" and recorded
     * @param missing    API records without a WAL change
     * @param mismatched paired changes whose before/after images differ from the record's old/new
     * @param backfilled records without a WAL change because their table was not in the publication when
     *                   they were written (API writes before it joined, snapshot records of its join):
     *                   published from the log's images instead, not missing
     */
    public record CrossCheckCounts(long matched, long untracked, long missing, long mismatched, long backfilled) {
    }

    /**
     * @param lastLsn      LSN of the last change published, {@code X/Y} form, null before the first
     * @param slotLagBytes WAL the slot retains beyond its confirmed position, null when unknown
     * @param restarts     times capture started over after a retriable failure (since this process started)
     * @param lastError    the last failure seen, retriable or not; null before the first
     * @param failure      why capture stopped for good (state FAILED), null otherwise
     * @param eventsByTenant events published per tenant, for those that carry one (by tenant id)
     * @param schemaChangesPublished messages published on {@code flux.schema_changes}
     * @param refusedTables  tracked tables the publication could not take (the login role does not own
     *                       them, or their writers held them too long), table to PostgreSQL's reason
     * @param runningSnapshot the snapshot capture works on now (rows emitted, chunks, keys, chunks in
     *                       flight), null when none
     * @param startPhases    where this process's first start of capture spent its time ({@link StartTimeline}),
     *                       until the first event Kafka acknowledged; empty before the first phase
     */
    public record Snapshot(CaptureState state, String slot, String publication, String lastLsn, Long slotLagBytes,
                           long eventsPublished, long rolledBackPublished, long transactions,
                           CrossCheckCounts crossCheck, long kafkaRetries, long restarts, Instant lastEventAt,
                           String lastError, Failure failure, Map<String, Long> eventsByTenant,
                           long schemaChangesPublished, Map<String, String> refusedTables,
                           SnapshotProgress runningSnapshot, List<StartTimeline.Phase> startPhases) {
        /** Without start phases (a pipeline not started by this process's server). */
        public Snapshot(CaptureState state, String slot, String publication, String lastLsn, Long slotLagBytes,
                        long eventsPublished, long rolledBackPublished, long transactions,
                        CrossCheckCounts crossCheck, long kafkaRetries, long restarts, Instant lastEventAt,
                        String lastError, Failure failure, Map<String, Long> eventsByTenant,
                        long schemaChangesPublished, Map<String, String> refusedTables,
                        SnapshotProgress runningSnapshot) {
            this(state, slot, publication, lastLsn, slotLagBytes, eventsPublished, rolledBackPublished, transactions,
                    crossCheck, kafkaRetries, restarts, lastEventAt, lastError, failure, eventsByTenant,
                    schemaChangesPublished, refusedTables, runningSnapshot, List.of());
        }
    }
}
