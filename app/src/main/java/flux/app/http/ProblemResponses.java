package flux.app.http;

import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The problem answers of the REST API for its OpenAPI document ({@code /openapi.yml}): each annotation
 * documents one status as {@code application/problem+json} with the {@link Problem} schema. Put on a
 * controller (every operation of it) or on one operation, for the statuses it really answers; an
 * operation's own {@code @ApiResponse} of a status wins over its controller's. {@code OpenApiIT}
 * validates real error answers against them and fails on a status the document does not list.
 */
public final class ProblemResponses {
    /** {@link Problem#MEDIA_TYPE}, as a constant annotations can name. */
    public static final String MEDIA_TYPE = "application/problem+json";

    private ProblemResponses() {
    }

    /** 400: the request cannot be served as sent (malformed JSON, unknown table or column, a bad parameter). */
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.TYPE, ElementType.METHOD})
    @ApiResponse(responseCode = "400", description = "Bad input; `type` says which (e.g. malformed-json,"
            + " unknown-table, unknown-column, invalid-value, invalid-parameter); nothing was changed",
            content = @Content(mediaType = MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public @interface BadRequest {
    }

    /** 401: a credential that is not a valid API key, or none in {@code keys} mode. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.TYPE, ElementType.METHOD})
    @ApiResponse(responseCode = "401", description = "No valid API key (`unauthorized`; header WWW-Authenticate)",
            content = @Content(mediaType = MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public @interface Unauthorized {
    }

    /** 403: the key's role or tenant may not do this. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.TYPE, ElementType.METHOD})
    @ApiResponse(responseCode = "403", description = "The key may not do this: `forbidden` (its role), or for"
            + " writes `tenant-mismatch`, `quota-exceeded`",
            content = @Content(mediaType = MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public @interface Forbidden {
    }

    /** 404: what the path names does not exist (or belongs to another tenant). */
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.TYPE, ElementType.METHOD})
    @ApiResponse(responseCode = "404", description = "Not found: `unknown-table`, `unknown-row`, `unknown-request`,"
            + " `snapshot-not-found` (another tenant's is not found either)",
            content = @Content(mediaType = MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public @interface NotFound {
    }

    /** 409: the data refuses the change. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.TYPE, ElementType.METHOD})
    @ApiResponse(responseCode = "409", description = "Conflict with the data: `unique-violation`,"
            + " `foreign-key-violation`, `constraint-violation`, `serialization-conflict` (retry), `undo-refused`,"
            + " `checksum-conflict`, `dirty-migration`, `in-use`; `sqlstate` where PostgreSQL refused",
            content = @Content(mediaType = MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public @interface Conflict {
    }

    /** 413: a body above {@code micronaut.server.max-request-size}. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.TYPE, ElementType.METHOD})
    @ApiResponse(responseCode = "413", description = "Body too large (`body-too-large`, above 1 MiB by default)",
            content = @Content(mediaType = MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public @interface TooLarge {
    }

    /** 422: a migration Flux cannot run, or PostgreSQL refused one of its statements. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.TYPE, ElementType.METHOD})
    @ApiResponse(responseCode = "422", description = "`invalid-migration`, or `migration-failed` with PostgreSQL's"
            + " `sqlstate`",
            content = @Content(mediaType = MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public @interface Unprocessable {
    }

    /** 503: the server cannot serve it now; retrying later may succeed. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.TYPE, ElementType.METHOD})
    @ApiResponse(responseCode = "503", description = "Not now: `database-unavailable`, `pool-exhausted` (with"
            + " Retry-After), `statement-timeout`, `capture-disabled`, `console-unavailable`, `migration-locked`",
            content = @Content(mediaType = MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public @interface Unavailable {
    }
}
