package flux.app.capture;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import flux.capture.CaptureStatus;
import java.util.Map;

/**
 * The answer of {@code GET /v1/capture/status} (docs/capture.md lists the members). Figures not
 * known yet (no LSN, lag, event or error; no tenant's events) are left out, not null.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
record CaptureStatusAnswer(String state, String slot, String publication, String lastLsn, Long slotLagBytes,
                           long eventsPublished, long rolledBackPublished, long transactions,
                           CaptureStatus.CrossCheckCounts crossCheck, long kafkaRetries, long restarts,
                           String lastEventAt, String lastError, FailureAnswer failure,
                           Map<String, Long> eventsByTenant) {

    /** Why capture stopped retrying, and since when (present only once it FAILED). */
    record FailureAnswer(String reason, String at) {
    }

    /** The pipeline's figures as {@code tenant} may see them: with a tenant, only its own event count. */
    static CaptureStatusAnswer of(CaptureStatus.Snapshot s, String tenant) {
        return new CaptureStatusAnswer(s.state().name(), s.slot(), s.publication(), s.lastLsn(), s.slotLagBytes(),
                s.eventsPublished(), s.rolledBackPublished(), s.transactions(), s.crossCheck(), s.kafkaRetries(),
                s.restarts(), s.lastEventAt() == null ? null : s.lastEventAt().toString(), s.lastError(),
                s.failure() == null ? null : new FailureAnswer(s.failure().reason(), s.failure().at().toString()),
                tenant == null ? s.eventsByTenant() : Map.of(tenant, s.eventsByTenant().getOrDefault(tenant, 0L)));
    }
}
