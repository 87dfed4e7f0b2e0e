package flux.app.capture;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import flux.capture.CaptureStatus;
import flux.capture.StartTimeline;
import flux.capture.snapshot.SnapshotProgress;
import java.util.List;
import java.util.Map;

/**
 * The answer of {@code GET /v1/capture/status} (docs/capture.md lists the members). Figures not
 * known yet (no LSN, lag, event or error; no tenant's events; no table refused), or not the
 * caller's (a tenant's key, see {@link #of}), are left out, not null.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
record CaptureStatusAnswer(String state, String slot, String publication, String lastLsn, Long slotLagBytes,
                           Long eventsPublished, Long rolledBackPublished, Long transactions,
                           CaptureStatus.CrossCheckCounts crossCheck, Long kafkaRetries, Long restarts,
                           String lastEventAt, String lastError, FailureAnswer failure,
                           Map<String, Long> eventsByTenant, Long schemaChangesPublished,
                           Map<String, String> refusedTables, RunningSnapshotAnswer runningSnapshot,
                           List<StartPhaseAnswer> startPhases) {

    /** A phase of this process's first start of capture, in ms since the JVM started (flux.capture.StartTimeline). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record StartPhaseAnswer(String phase, long fromMs, long toMs) {
        static List<StartPhaseAnswer> of(List<StartTimeline.Phase> phases) {
            return phases.stream().map(p -> new StartPhaseAnswer(p.name(), p.fromMs(), p.toMs())).toList();
        }
    }

    /** The snapshot capture works on now (flux.capture.snapshot.SnapshotProgress); keys as JSON objects. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record RunningSnapshotAnswer(String id, String table, long rowsEmitted, long chunksPublished,
                          @JsonRawValue String progressKey, @JsonRawValue String readUpTo, int chunksInFlight) {
        static RunningSnapshotAnswer of(SnapshotProgress p) {
            return p == null ? null : new RunningSnapshotAnswer(p.id(), p.table(), p.rowsEmitted(), p.chunksPublished(),
                    p.progressKey(), p.readUpTo(), p.chunksInFlight());
        }
    }

    /** Why capture stopped retrying, and since when (present only once it FAILED). */
    record FailureAnswer(String reason, String at) {
    }

    /**
     * The pipeline's figures as {@code tenant} may see them. Without a tenant, all of them. With one,
     * the pipeline's state and names and its own event count only: every other figure counts or
     * describes all tenants' changes (totals, positions, schema changes; the last error, the failure
     * and the refused tables may name another tenant's table).
     */
    static CaptureStatusAnswer of(CaptureStatus.Snapshot s, String tenant) {
        if (tenant != null) {
            return new CaptureStatusAnswer(s.state().name(), s.slot(), s.publication(), null, null, null, null, null,
                    null, null, null, null, null, null, Map.of(tenant, s.eventsByTenant().getOrDefault(tenant, 0L)), null, null,
                    null, null);
        }
        return new CaptureStatusAnswer(s.state().name(), s.slot(), s.publication(), s.lastLsn(), s.slotLagBytes(),
                s.eventsPublished(), s.rolledBackPublished(), s.transactions(), s.crossCheck(), s.kafkaRetries(),
                s.restarts(), s.lastEventAt() == null ? null : s.lastEventAt().toString(), s.lastError(),
                s.failure() == null ? null : new FailureAnswer(s.failure().reason(), s.failure().at().toString()),
                s.eventsByTenant(), s.schemaChangesPublished(), s.refusedTables(),
                RunningSnapshotAnswer.of(s.runningSnapshot()), StartPhaseAnswer.of(s.startPhases()));
    }
}
