package flux.app.tenancy;

import flux.app.http.Problem;
import flux.app.http.ProblemResponses;
import flux.app.http.QueryProblemHandler;
import flux.app.http.auth.Callers;
import flux.app.records.TenantLifecycle;
import flux.tenancy.Principal;
import flux.tenancy.Role;
import flux.tenancy.TenancyException;
import flux.tenancy.Tenant;
import flux.query.sql.SqlErrors;
import io.micronaut.data.connection.jdbc.exceptions.CannotGetJdbcConnectionException;
import io.micronaut.data.exceptions.DataAccessException;
import io.micronaut.transaction.exceptions.CannotCreateTransactionException;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /v1/admin/tenants}: the tenant lifecycle of {@code flux tenants credentials | delete |
 * undelete | purge | extensions} over HTTP, for admin keys only (403 otherwise), as
 * {@code /v1/admin/schema}: an admin key is an operator's, whatever tenant it was issued for. Each
 * change is audited with the calling key's id as actor ({@code open} in open mode). Bad input is a
 * 400 problem and changes nothing; PostgreSQL's refusals (an extension still in use) 409.
 */
@Controller("/v1/admin/tenants")
@ProblemResponses.BadRequest
@ProblemResponses.Unauthorized
@ProblemResponses.Forbidden
@ProblemResponses.Conflict
@ExecuteOn(TaskExecutors.BLOCKING)
final class TenantAdminController {
    private static final Logger log = LoggerFactory.getLogger(TenantAdminController.class);
    private final TenantLifecycle lifecycle;

    TenantAdminController(TenantLifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    /** The tenant's login: created when missing (the password in the answer, once), rotated on {@code "rotate": true}. */
    @Post(uri = "/{id}/credentials", produces = MediaType.APPLICATION_JSON)
    @ApiResponse(responseCode = "200", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = TenantLifecycle.Credentials.class)))
    @ProblemResponses.TooLarge
    HttpResponse<?> credentials(HttpRequest<?> request, String id, @Nullable @Body CredentialsRequest body) {
        String actor = admin(request);
        CredentialsRequest b = body == null ? new CredentialsRequest(null, null, null) : body;
        return answer(() -> lifecycle.credentials(actor, id, Boolean.TRUE.equals(b.rotate()), b.connectionLimit(), b.host()));
    }

    /** Deletes the tenant, kept as a tombstone for {@code ?keep_days=} (default the server's, 30). */
    @Delete(uri = "/{id}", produces = MediaType.APPLICATION_JSON)
    @ApiResponse(responseCode = "200", description = "The tenant, now a tombstone",
            content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = Tenant.class)))
    HttpResponse<?> delete(HttpRequest<?> request, String id, @Nullable @QueryValue("keep_days") Integer keepDays) {
        String actor = admin(request);
        return answer(() -> lifecycle.delete(actor, id, keepDays == null ? null : Duration.ofDays(keepDays)));
    }

    @Post(uri = "/{id}/undelete", produces = MediaType.APPLICATION_JSON)
    @ApiResponse(responseCode = "200", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = Tenant.class)))
    HttpResponse<?> undelete(HttpRequest<?> request, String id) {
        String actor = admin(request);
        return answer(() -> lifecycle.undelete(actor, id));
    }

    @Post(uri = "/purge", produces = MediaType.APPLICATION_JSON)
    @ApiResponse(responseCode = "200", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = Purged.class)))
    HttpResponse<?> purge(HttpRequest<?> request) {
        String actor = admin(request);
        return answer(() -> new Purged(lifecycle.purge(actor)));
    }

    @Get(uri = "/extensions", produces = MediaType.APPLICATION_JSON)
    @ApiResponse(responseCode = "200", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = Extensions.class)))
    HttpResponse<?> extensions(HttpRequest<?> request) {
        admin(request);
        return answer(() -> new Extensions(lifecycle.extensions()));
    }

    @Put(uri = "/extensions/{name}", produces = MediaType.APPLICATION_JSON)
    @ApiResponse(responseCode = "200", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = Extensions.class)))
    HttpResponse<?> allow(HttpRequest<?> request, String name) {
        String actor = admin(request);
        return answer(() -> new Extensions(lifecycle.changeExtension(actor, name, true)));
    }

    @Delete(uri = "/extensions/{name}", produces = MediaType.APPLICATION_JSON)
    @ApiResponse(responseCode = "200", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = Extensions.class)))
    HttpResponse<?> withdraw(HttpRequest<?> request, String name) {
        String actor = admin(request);
        return answer(() -> new Extensions(lifecycle.changeExtension(actor, name, false)));
    }

    /** The actor of an admin caller: its key id, or {@code open}. */
    private static String admin(HttpRequest<?> request) {
        Principal caller = Callers.require(request, Role.ADMIN);
        return caller.keyId() == null ? "open" : caller.keyId();
    }

    private static HttpResponse<?> answer(Supplier<Object> work) {
        try {
            return HttpResponse.ok(work.get());
        } catch (IllegalArgumentException e) {
            return Problem.of(HttpStatus.BAD_REQUEST, "invalid-tenant-request", "Invalid tenant request", e.getMessage())
                    .toResponse();
        } catch (DataAccessException | CannotGetJdbcConnectionException | CannotCreateTransactionException e) {
            // The records' repositories and transactions: no connection came (an exhausted pool, the
            // database unreachable). 503 as every route answers it, never a 500.
            return QueryProblemHandler.response(SqlErrors.connectionFailure("administer tenants", e), null);
        } catch (TenancyException e) {
            if (e.reason() == TenancyException.Reason.IN_USE) {
                return Problem.of(HttpStatus.CONFLICT, "in-use", "Still in use", e.getMessage()).about(null, e.sqlState())
                        .toResponse();
            }
            if (e.reason() == TenancyException.Reason.UNAVAILABLE) {
                return QueryProblemHandler.response(SqlErrors.connectionFailure("administer tenants", e), null);
            }
            log.error("tenant administration failed: {}", e.getMessage(), e);
            return Problem.of(HttpStatus.INTERNAL_SERVER_ERROR, "database-error", "Database error",
                    "tenant administration failed (SQLSTATE " + e.sqlState() + "); see the server log")
                    .about(null, e.sqlState()).toResponse();
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record CredentialsRequest(@Nullable Boolean rotate, @Nullable Integer connectionLimit, @Nullable String host) {
    }

    record Purged(List<String> purged) {
    }

    record Extensions(List<String> extensions) {
    }
}
