package flux.app.capture;

import com.fasterxml.jackson.databind.JsonNode;
import flux.app.http.Problem;
import flux.app.http.ProblemResponses;
import flux.app.http.auth.Callers;
import flux.capture.snapshot.Snapshot;
import flux.capture.snapshot.SnapshotStore;
import flux.tenancy.Role;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Snapshots (backfills) of tracked tables to Kafka, admin keys only (docs/capture.md, "Snapshots"):
 * {@code POST /v1/capture/snapshots} {@code {"table": "users", "where": "plan = 'pro'", "chunk_size": 1024}}
 * records one (202; 400 problem+json {@code snapshot-refused} for a table capture does not track or a
 * filter that is not one boolean expression, changing nothing), {@code GET} lists them with their
 * progress (newest first), {@code GET .../{id}} one, {@code DELETE .../{id}} cancels a running one. The
 * capture pipeline works through them ({@code SnapshotRunner}); 503 {@code capture-disabled} without it.
 */
@Controller("/v1/capture/snapshots")
@ProblemResponses.Unauthorized
@ProblemResponses.Forbidden
@ProblemResponses.Unavailable
@ExecuteOn(TaskExecutors.BLOCKING)
final class SnapshotController {
    private final CaptureRunner runner;
    private final DataSource dataSource;

    SnapshotController(CaptureRunner runner, DataSource dataSource) {
        this.runner = runner;
        this.dataSource = dataSource;
    }

    @Post
    @ApiResponse(responseCode = "202", description = "Recorded; the runner works through it",
            content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = SnapshotAnswer.class)))
    @ProblemResponses.BadRequest
    @ProblemResponses.TooLarge
    HttpResponse<?> create(HttpRequest<?> request, @Body JsonNode body) throws SQLException {
        Callers.require(request, Role.ADMIN);
        if (runner.pipeline().isEmpty()) {
            return CaptureController.disabled(runner);
        }
        String table = body == null ? null : body.path("table").asText(null);
        String where = body == null ? null : body.path("where").asText(null);
        int chunk = body != null && body.hasNonNull("chunk_size") ? body.get("chunk_size").asInt()
                : runner.config().snapshots().chunkSize();
        try (Connection c = dataSource.getConnection()) {
            Snapshot s = SnapshotStore.create(c, table, where, chunk);
            return HttpResponse.accepted().body(SnapshotAnswer.of(s));
        } catch (SnapshotStore.Refused e) {
            return Problem.of(HttpStatus.BAD_REQUEST, "snapshot-refused", "Snapshot refused", e.getMessage()).toResponse();
        }
    }

    @Get
    List<SnapshotAnswer> list(HttpRequest<?> request) throws SQLException {
        Callers.require(request, Role.ADMIN);
        try (Connection c = dataSource.getConnection()) {
            return SnapshotStore.list(c).stream().map(SnapshotAnswer::of).toList();
        }
    }

    @Get("/{id}")
    @ApiResponse(responseCode = "200", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = SnapshotAnswer.class)))
    @ProblemResponses.NotFound
    HttpResponse<?> one(HttpRequest<?> request, @PathVariable String id) throws SQLException {
        Callers.require(request, Role.ADMIN);
        try (Connection c = dataSource.getConnection()) {
            return answer(SnapshotStore.find(c, id), id);
        }
    }

    @Delete("/{id}")
    @ApiResponse(responseCode = "200", description = "Its state (cancelled, or as it was if it had ended)",
            content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = SnapshotAnswer.class)))
    @ProblemResponses.NotFound
    HttpResponse<?> cancel(HttpRequest<?> request, @PathVariable String id) throws SQLException {
        Callers.require(request, Role.ADMIN);
        try (Connection c = dataSource.getConnection()) {
            return answer(SnapshotStore.cancel(c, id), id);
        }
    }

    private static HttpResponse<?> answer(Optional<Snapshot> s, @Nullable String id) {
        return s.<HttpResponse<?>>map(x -> HttpResponse.ok(SnapshotAnswer.of(x)))
                .orElseGet(() -> Problem.of(HttpStatus.NOT_FOUND, "snapshot-not-found", "No such snapshot",
                        "no snapshot " + id).toResponse());
    }
}
