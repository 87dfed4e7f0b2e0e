package flux.app.capture;

import flux.app.http.Problem;
import flux.app.http.auth.Callers;
import flux.capture.CaptureStatus;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /v1/capture/status}: the pipeline's state, last LSN, slot lag, counts published and
 * the cross-check figures; when capture FAILED, {@code failure} says why and since when. 503 problem+json ({@code capture-disabled}) when capture is off.
 * Reads in-memory figures only, so it runs on the event loop. {@code events_by_tenant} counts the
 * events of each tenant; a caller with a tenant sees only its own entry there.
 */
@Controller("/v1/capture")
final class CaptureController {
    private final CaptureRunner runner;

    CaptureController(CaptureRunner runner) {
        this.runner = runner;
    }

    @Get("/status")
    HttpResponse<?> status(HttpRequest<?> request) {
        String tenant = Callers.of(request).tenantId();
        return runner.pipeline()
                .<HttpResponse<?>>map(p -> HttpResponse.ok(body(p.status(), tenant)))
                .orElseGet(() -> Problem.of(HttpStatus.SERVICE_UNAVAILABLE, "capture-disabled", "Capture is not running",
                        runner.enabled() ? "capture has not started yet" : "capture is disabled (flux.capture.enabled=false)")
                        .toResponse());
    }

    /** snake_case JSON; docs/capture.md lists the fields. */
    static Map<String, Object> body(CaptureStatus.Snapshot s, String tenant) {
        Map<String, Object> crossCheck = new LinkedHashMap<>();
        crossCheck.put("matched", s.crossCheck().matched());
        crossCheck.put("untracked", s.crossCheck().untracked());
        crossCheck.put("missing", s.crossCheck().missing());
        crossCheck.put("mismatched", s.crossCheck().mismatched());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("state", s.state().name());
        body.put("slot", s.slot());
        body.put("publication", s.publication());
        body.put("last_lsn", s.lastLsn());
        body.put("slot_lag_bytes", s.slotLagBytes());
        body.put("events_published", s.eventsPublished());
        body.put("rolled_back_published", s.rolledBackPublished());
        body.put("transactions", s.transactions());
        body.put("cross_check", crossCheck);
        body.put("kafka_retries", s.kafkaRetries());
        body.put("restarts", s.restarts());
        body.put("last_event_at", s.lastEventAt() == null ? null : s.lastEventAt().toString());
        body.put("last_error", s.lastError());
        body.put("failure", s.failure() == null ? null : failure(s.failure()));
        body.put("events_by_tenant", tenant == null ? s.eventsByTenant()
                : Map.of(tenant, s.eventsByTenant().getOrDefault(tenant, 0L)));
        return body;
    }

    private static Map<String, Object> failure(CaptureStatus.Failure f) {
        Map<String, Object> failure = new LinkedHashMap<>();
        failure.put("reason", f.reason());
        failure.put("at", f.at().toString());
        return failure;
    }
}
