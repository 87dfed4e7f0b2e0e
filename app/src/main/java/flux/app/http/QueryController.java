package flux.app.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import flux.history.Moments;
import flux.app.http.auth.Callers;
import flux.query.QueryEngine;
import flux.tenancy.Principal;
import flux.tenancy.Role;
import flux.tenancy.TenantDirectory;
import flux.tenancy.TenantScope;
import flux.query.QueryResult;
import flux.query.model.JsonCodec;
import flux.query.model.Query;
import flux.query.model.QueryJson;
import flux.query.model.RequestId;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /v1/query} and {@code POST /v1/transaction}. The body is taken as text and parsed
 * by the engine's strict JSON reader (exact numbers, bounded nesting); errors become
 * problem+json in {@link QueryProblemHandler}. The request id comes from {@code X-Request-Id}
 * or is generated, and is echoed in the same header on every answer. A caller with a tenant
 * (an API key) runs in its tenant's scope ({@link Callers#scope}).
 */
@Controller("/v1")
@ExecuteOn(TaskExecutors.BLOCKING)
@ProblemResponses.BadRequest
@ProblemResponses.Unauthorized
@ProblemResponses.Forbidden
@ProblemResponses.Conflict
@ProblemResponses.TooLarge
@ProblemResponses.Unavailable
final class QueryController {
    static final String REQUEST_ID_HEADER = "X-Request-Id";
    /** Request attribute holding the validated request id, for the error handlers to echo. */
    static final String REQUEST_ID_ATTRIBUTE = "flux.request-id";
    private final QueryEngine engine;
    private final TenantDirectory tenants;
    private final int maxTransactionQueries;

    QueryController(QueryEngine engine, TenantDirectory tenants,
                    @Value("${flux.query.max-transaction-queries:100}") int maxTransactionQueries) {
        if (maxTransactionQueries < 1) {
            throw new IllegalArgumentException("flux.query.max-transaction-queries must be positive, got "
                    + maxTransactionQueries);
        }
        this.engine = engine;
        this.tenants = tenants;
        this.maxTransactionQueries = maxTransactionQueries;
    }

    @Post(uri = "/query", consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    @ApiResponse(responseCode = "200", description = "The selected rows, or the rows the write affected",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = QueryAnswer.class)))
    HttpResponse<byte[]> query(HttpRequest<?> request, @Nullable @Body String body) {
        RequestId id = requestId(request);
        JsonNode json = JsonCodec.parse(body == null ? "" : body);
        // "as_of" (a time-travel select, docs/history.md) is taken off before the query is read
        JsonNode asOf = json instanceof ObjectNode object ? object.remove("as_of") : null;
        Query query = QueryJson.read(json);
        Principal caller = Callers.require(request, needed(query));
        TenantScope scope = Callers.scope(caller, tenants);
        QueryResult result = asOf == null || asOf.isNull()
                ? engine.query(id, clientId(request, caller), scope, query)
                : engine.queryAsOf(id, clientId(request, caller), scope, query,
                        Moments.parse(asOf.asText(), java.time.ZoneOffset.UTC));
        return answer(id, AnswerJson.query(id.value(), result.rowsJson()));
    }

    @Post(uri = "/transaction", consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    @ApiResponse(responseCode = "200", description = "Each query's rows, in the order sent; all committed",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TransactionAnswer.class)))
    HttpResponse<byte[]> transaction(HttpRequest<?> request, @Nullable @Body String body) {
        RequestId id = requestId(request);
        JsonNode json = JsonCodec.parse(body == null ? "" : body);
        List<Query> queries = QueryJson.readTransaction(json, maxTransactionQueries);
        Principal caller = Callers.of(request);
        for (Query q : queries) {
            Callers.require(request, needed(q));
        }
        TenantScope scope = Callers.scope(caller, tenants);
        List<List<String>> results = engine.transactionResult(id, clientId(request, caller), scope, tx -> {
            List<List<String>> each = new ArrayList<>();
            for (Query q : queries) {
                each.add(tx.query(q).rowsJson());
            }
            return each;
        });
        return answer(id, AnswerJson.transaction(id.value(), results));
    }

    private static Role needed(Query query) {
        return query.operation().isWrite() ? Role.READ_WRITE : Role.READ_ONLY;
    }

    /** Who sent the request, for observability's burst detection: the API key, else the address. */
    static String clientId(HttpRequest<?> request, Principal caller) {
        return caller.keyId() != null ? "key:" + caller.keyId()
                : "addr:" + request.getRemoteAddress().getAddress().getHostAddress();
    }

    static RequestId requestId(HttpRequest<?> request) {
        String header = request.getHeaders().get(REQUEST_ID_HEADER);
        RequestId id = header == null ? RequestId.generate() : RequestId.of(header);
        request.setAttribute(REQUEST_ID_ATTRIBUTE, id.value());
        return id;
    }

    static <T> HttpResponse<T> answer(RequestId id, T json) {
        return HttpResponse.ok(json).contentType(MediaType.APPLICATION_JSON_TYPE).header(REQUEST_ID_HEADER, id.value())
                .header(HttpHeaders.DATE, HttpDate.now());
    }
}
