package flux.app.http;

import flux.app.capture.CaptureHealth;
import flux.app.http.auth.AuthMode;
import flux.app.http.auth.Callers;
import io.micronaut.context.annotation.Value;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.sql.Connection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;

/**
 * {@code GET /health}: each backend up or down, 200 when all are up, 503 otherwise.
 * The checks run side by side with short timeouts, so a dead backend answers in ~3 s.
 * Capture is listed once it runs, DOWN when it failed for good ({@link CaptureHealth}); why it
 * failed only for the operator ({@link Callers#isOperatorProbe}), {@code "capture failed"} for
 * anyone else.
 */
@Controller("/health")
@ProblemResponses.Unauthorized
@ExecuteOn(TaskExecutors.BLOCKING)
final class HealthController {
    private final DataSource dataSource;
    private final Admin kafka;
    private final CaptureHealth capture;
    private final AuthMode mode;

    HealthController(DataSource dataSource, Admin kafka, CaptureHealth capture,
                     @Value("${flux.auth.mode:keys}") String mode) {
        this.dataSource = dataSource;
        this.kafka = kafka;
        this.capture = capture;
        this.mode = AuthMode.parse(mode);
    }

    @Get
    @ApiResponse(responseCode = "200", description = "Every backend up",
            content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = Health.class)))
    @ApiResponse(responseCode = "503", description = "A backend down (the same shape, not a problem)",
            content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = Health.class)))
    HttpResponse<Health> health(HttpRequest<?> request) {
        CompletableFuture<Health.Component> database = CompletableFuture.supplyAsync(this::database);
        Health.Component broker = kafka();
        boolean operator = Callers.isOperatorProbe(request, mode);
        Health health = Health.of(database.join(), broker, capture.read()
                .map(r -> Health.Component.capture(operator ? r : r.withoutReason())).orElse(null));
        return HttpResponse.<Health>status(health.isUp() ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).body(health);
    }

    private Health.Component database() {
        try (Connection c = dataSource.getConnection()) {
            if (c.isValid(2)) {
                return Health.Component.database(c.getMetaData().getDatabaseProductVersion());
            }
            return Health.Component.down("connection is not valid");
        } catch (Exception e) {
            return Health.Component.down(e.getMessage());
        }
    }

    private Health.Component kafka() {
        try {
            return Health.Component.kafka(kafka.describeCluster().clusterId().get(3, TimeUnit.SECONDS));
        } catch (java.util.concurrent.TimeoutException e) {
            return Health.Component.down("no answer within 3 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Health.Component.down("interrupted");
        } catch (Exception e) {
            return Health.Component.down(e.getCause() != null ? e.getCause().getMessage() : e.getClass().getSimpleName());
        }
    }
}
