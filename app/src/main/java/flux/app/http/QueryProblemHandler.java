package flux.app.http;

import flux.query.AccessRefused;
import flux.query.ConstraintViolation;
import flux.query.DatabaseFailure;
import flux.query.InvalidQuery;
import flux.query.InvalidValue;
import flux.query.QueryException;
import flux.query.UnknownName;
import flux.query.WriteConflict;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where engine errors become HTTP: each {@link QueryException} subtype (and
 * reason) maps to a status and a stable problem type. Bad input is 400, conflicts with the
 * data are 409, only a failing database is 5xx.
 */
@Produces
@Singleton
@Requires(classes = {QueryException.class, ExceptionHandler.class})
final class QueryProblemHandler implements ExceptionHandler<QueryException, HttpResponse<Problem>> {
    private static final Logger log = LoggerFactory.getLogger(QueryProblemHandler.class);

    @Override
    public HttpResponse<Problem> handle(HttpRequest request, QueryException e) {
        String requestId = request.getAttribute(QueryController.REQUEST_ID_ATTRIBUTE, String.class).orElse(null);
        boolean fromDatabase = !(e instanceof InvalidQuery) && !(e instanceof UnknownName)
                && !(e instanceof AccessRefused);
        Problem problem = problem(e).about(requestId, fromDatabase ? e.sqlState() : null);
        MutableHttpResponse<Problem> response = problem.toResponse();
        if (requestId != null) {
            response.header(QueryController.REQUEST_ID_HEADER, requestId);
        }
        if (problem.status() >= 500) {
            log.error("request {} failed: {}", requestId, e.getMessage(), e);
        }
        return response;
    }

    static Problem problem(QueryException e) {
        String detail = e.getMessage();
        if (e instanceof InvalidQuery q) {
            return Problem.of(HttpStatus.BAD_REQUEST, slug(q.reason()), title(q.reason()), detail);
        }
        if (e instanceof UnknownName n) {
            return n.kind() == UnknownName.Kind.TABLE
                    ? Problem.of(HttpStatus.BAD_REQUEST, "unknown-table", "Unknown table", detail)
                    : Problem.of(HttpStatus.BAD_REQUEST, "unknown-column", "Unknown column", detail);
        }
        if (e instanceof InvalidValue) {
            return Problem.of(HttpStatus.BAD_REQUEST, "invalid-value", "Invalid value for the column's type", detail);
        }
        if (e instanceof ConstraintViolation) {
            if ("23505".equals(e.sqlState())) {
                return Problem.of(HttpStatus.CONFLICT, "unique-violation", "Unique constraint violated", detail);
            }
            if ("23503".equals(e.sqlState())) {
                return Problem.of(HttpStatus.CONFLICT, "foreign-key-violation", "Foreign key constraint violated", detail);
            }
            return Problem.of(HttpStatus.CONFLICT, "constraint-violation", "Constraint violated", detail);
        }
        if (e instanceof WriteConflict) {
            return Problem.of(HttpStatus.CONFLICT, "serialization-conflict", "Concurrent update conflict; retry", detail);
        }
        if (e instanceof AccessRefused r) {
            // 403, not 507: the tenant's own state refuses the write (retrying will not help until
            // it deletes data or its quota grows), and 5xx would read as a server failure.
            return r.reason() == AccessRefused.Reason.QUOTA_EXCEEDED
                    ? Problem.of(HttpStatus.FORBIDDEN, "quota-exceeded", "Storage quota exceeded", detail)
                    : Problem.of(HttpStatus.FORBIDDEN, "tenant-mismatch", "Row of another tenant", detail);
        }
        if (e instanceof DatabaseFailure && "42501".equals(e.sqlState())) {
            // insufficient_privilege: a tenant's role reaching what it has no grant on (e.g. a
            // table created by hand since the policies were applied) is refused, not a failure.
            return Problem.of(HttpStatus.FORBIDDEN, "forbidden", "Forbidden", detail);
        }
        if (e instanceof DatabaseFailure) {
            boolean unreachable = e.sqlState() == null || e.sqlState().startsWith("08");
            return unreachable
                    ? Problem.of(HttpStatus.SERVICE_UNAVAILABLE, "database-unavailable", "Database unavailable", detail)
                    : Problem.of(HttpStatus.INTERNAL_SERVER_ERROR, "database-error", "Database error", detail);
        }
        throw new IllegalStateException("unmapped query error " + e.getClass().getName());
    }

    private static String slug(InvalidQuery.Reason reason) {
        return reason.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static String title(InvalidQuery.Reason reason) {
        switch (reason) {
            case MALFORMED_JSON: return "Malformed JSON";
            case UNKNOWN_OPERATION: return "Unknown operation";
            case UNKNOWN_OPERATOR: return "Unknown filter operator";
            case FILTERS_REQUIRED: return "Update or delete without filters";
            case INVALID_REQUEST_ID: return "Invalid X-Request-Id";
            case INVALID_QUERY: return "Invalid query";
            default: throw new IllegalStateException("unmapped reason " + reason);
        }
    }
}
