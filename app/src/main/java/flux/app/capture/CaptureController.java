package flux.app.capture;

import flux.app.http.Problem;
import flux.app.http.ProblemResponses;
import flux.app.http.auth.Callers;
import flux.capture.CaptureStatus;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;

/**
 * {@code GET /v1/capture/status}: the pipeline's state, last LSN, slot lag, counts published and
 * the cross-check figures; when capture FAILED, {@code failure} says why and since when. 503 problem+json ({@code capture-disabled}) when capture is off.
 * Reads in-memory figures only, so it runs on the event loop. {@code events_by_tenant} counts the
 * events of each tenant; a caller with a tenant sees only its own entry there.
 */
@Controller("/v1/capture")
@ProblemResponses.Unauthorized
@ProblemResponses.Unavailable
final class CaptureController {
    private final CaptureRunner runner;

    CaptureController(CaptureRunner runner) {
        this.runner = runner;
    }

    @Get("/status")
    @ApiResponse(responseCode = "200", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = CaptureStatusAnswer.class)))
    HttpResponse<?> status(HttpRequest<?> request) {
        String tenant = Callers.of(request).tenantId();
        return runner.pipeline()
                .<HttpResponse<?>>map(p -> HttpResponse.ok(CaptureStatusAnswer.of(p.status(), tenant)))
                .orElseGet(() -> disabled(runner));
    }

    /** 503 problem+json {@code capture-disabled}: what capture's endpoints answer while it does not run. */
    static HttpResponse<?> disabled(CaptureRunner runner) {
        return Problem.of(HttpStatus.SERVICE_UNAVAILABLE, "capture-disabled", "Capture is not running",
                runner.enabled() ? "capture has not started yet" : "capture is disabled (flux.capture.enabled=false)")
                .toResponse();
    }
}
