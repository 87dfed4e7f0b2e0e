package flux.app.console;

import com.fasterxml.jackson.databind.JsonNode;
import flux.app.http.Problem;
import flux.app.http.ProblemResponses;
import flux.console.AuditEntry;
import flux.console.ConsoleCaller;
import flux.console.ConsoleRefused;
import flux.console.ConsoleRun;
import flux.console.SqlConsole;
import flux.tenancy.TenantDirectory;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.sql.SQLException;
import java.util.List;

/**
 * {@code POST /v1/sql} runs a text of statements in the SQL console as the caller
 * ({@link SqlConsole}); {@code GET /v1/sql/audit} lists the console's audit log, the caller's
 * tenant's entries only for a key with a tenant. A statement PostgreSQL rejects answers 400
 * problem+json {@code sql-error}, naming the SQLSTATE, with the statements as they ran.
 */
@Controller("/v1/sql")
@ProblemResponses.Unauthorized
@ProblemResponses.Unavailable
@ExecuteOn(TaskExecutors.BLOCKING)
final class SqlController {
    private final SqlConsole console;
    private final TenantDirectory tenants;

    SqlController(SqlConsole console, TenantDirectory tenants) {
        this.console = console;
        this.tenants = tenants;
    }

    @Post(consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    @ApiResponse(responseCode = "200", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = ConsoleJson.Run.class)))
    @ApiResponse(responseCode = "400", description = "`sql-error` (a statement failed: the statements as they ran),"
            + " or `sql-refused` (a text the console will not run)",
            content = @Content(mediaType = ProblemResponses.MEDIA_TYPE,
                    schema = @Schema(implementation = ConsoleJson.SqlProblem.class)))
    @ProblemResponses.TooLarge
    HttpResponse<?> run(HttpRequest<?> request, @Nullable @Body String body) {
        ConsoleRun run = console.run(ConsoleCallers.of(request, tenants), sqlOf(body));
        if (run.failed()) {
            Problem problem = Problem.of(HttpStatus.BAD_REQUEST, "sql-error", "The statement failed",
                    run.failure().error()).about(run.requestId(), sqlstateOf(run.failure().error()));
            return HttpResponse.status(HttpStatus.BAD_REQUEST).contentType(Problem.MEDIA_TYPE)
                    .body(ConsoleJson.write(ConsoleJson.problem(problem, run.statements())));
        }
        return HttpResponse.ok(ConsoleJson.write(ConsoleJson.run(run))).contentType(MediaType.APPLICATION_JSON_TYPE);
    }

    @Get(uri = "/audit", produces = MediaType.APPLICATION_JSON)
    @ApiResponse(responseCode = "200", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = ConsoleJson.Audit.class)))
    @ProblemResponses.BadRequest
    HttpResponse<?> audit(HttpRequest<?> request, @Nullable @QueryValue String before,
                          @Nullable @QueryValue String limit) throws SQLException {
        ConsoleCaller caller = ConsoleCallers.of(request, tenants);
        int n = number(limit, 50, "limit");
        List<AuditEntry> entries = console.audit().list(caller, before == null ? null : (long) number(before, 0,
                "before"), n);
        Long next = entries.size() == n ? entries.get(entries.size() - 1).id() : null;
        return HttpResponse.ok(ConsoleJson.write(ConsoleJson.audit(entries, next)))
                .contentType(MediaType.APPLICATION_JSON_TYPE);
    }

    private static String sqlOf(String body) {
        JsonNode json;
        try {
            json = body == null ? null : ConsoleJson.MAPPER.readTree(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ConsoleRefused("the body must be JSON {\"sql\": \"...\"}: " + e.getOriginalMessage());
        }
        if (json == null || !json.path("sql").isTextual()) {
            throw new ConsoleRefused("the body must be JSON {\"sql\": \"...\"} with the statements as text");
        }
        return json.get("sql").textValue();
    }

    /** The SQLSTATE a statement's error text starts with ({@code SQLSTATE: message}); null if none. */
    private static String sqlstateOf(String error) {
        int colon = error == null ? -1 : error.indexOf(':');
        return colon == 5 ? error.substring(0, 5) : null;
    }

    private static int number(String text, int fallback, String name) {
        if (text == null || text.isBlank()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(text.strip());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new ConsoleRefused(name + " must be a whole number of at least 1, not \"" + text + "\"");
    }
}
