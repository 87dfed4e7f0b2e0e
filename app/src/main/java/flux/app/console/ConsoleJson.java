package flux.app.console;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import flux.app.http.Problem;
import flux.console.ConsoleRun;
import flux.console.StatementResult;
import io.micronaut.core.annotation.Nullable;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/**
 * The console's answers as JSON (docs/console.md), written with a mapper of its own so that every
 * field is always present (the server's mapper leaves out nulls and empty lists). The records are
 * also the answers' schemas in the OpenAPI document ({@code /openapi.yml}).
 */
final class ConsoleJson {
    // A pair of surrogates is written as its one character (4 UTF-8 bytes), not as two escapes.
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8).build();

    private ConsoleJson() {
    }

    @Schema(name = "SqlRun", requiredProperties = {"request_id", "db_role", "committed", "statements"})
    record Run(@JsonProperty("request_id") String requestId, @JsonProperty("db_role") String dbRole, boolean committed,
               List<Statement> statements) {
    }

    @Schema(name = "SqlStatement", requiredProperties = {"audit_id", "sql", "columns", "rows", "truncated", "row_count",
            "duration_ms", "error"})
    record Statement(@JsonProperty("audit_id") long auditId, String sql, List<Column> columns,
                     @Schema(description = "each row's values as text (null for SQL NULL)") List<List<String>> rows,
                     boolean truncated,
                     @Nullable @JsonProperty("row_count") @Schema(description = "null when not known") Long rowCount,
                     @JsonProperty("duration_ms") double durationMs, @Nullable String error) {
    }

    @Schema(name = "SqlColumn", requiredProperties = {"name", "type"})
    record Column(String name, String type) {
    }

    /** A failed run as problem+json: the members the API's other problems have, and the statements. */
    @Schema(name = "SqlProblem", requiredProperties = {"type", "title", "status", "statements"})
    record SqlProblem(String type, String title, int status, String detail,
                      @Nullable @JsonProperty("request_id") String requestId,
                      @Nullable @JsonInclude(JsonInclude.Include.NON_NULL) String sqlstate,
                      List<Statement> statements) {
    }

    @Schema(name = "SqlAudit", requiredProperties = {"entries", "next_before"})
    record Audit(List<AuditEntry> entries,
                 @Nullable @JsonProperty("next_before")
                 @Schema(description = "?before= of the next page; null at the end") Long nextBefore) {
    }

    @Schema(name = "SqlAuditEntry", requiredProperties = {"id", "at", "key_id", "tenant_id", "db_role", "request_id",
            "statement", "duration_ms", "row_count", "error", "outcome"})
    record AuditEntry(long id, String at, @Nullable @JsonProperty("key_id") String keyId,
                      @Nullable @JsonProperty("tenant_id") String tenantId, @JsonProperty("db_role") String dbRole,
                      @Nullable @JsonProperty("request_id") String requestId, String statement,
                      @Nullable @JsonProperty("duration_ms") Double durationMs,
                      @Nullable @JsonProperty("row_count") Long rowCount, @Nullable String error, String outcome) {
    }

    static Run run(ConsoleRun run) {
        return new Run(run.requestId(), run.dbRole(), run.committed(), statements(run.statements()));
    }

    static List<Statement> statements(List<StatementResult> results) {
        return results.stream().map(r -> new Statement(r.auditId(), r.sql(),
                r.columns().stream().map(c -> new Column(c.name(), c.type())).toList(), r.rows(), r.truncated(),
                r.rowCount() < 0 ? null : r.rowCount(), Math.round(r.durationMs() * 1000) / 1000.0, r.error()))
                .toList();
    }

    /** A failed run as problem+json (absent members left out, as the API's other problems have them). */
    static SqlProblem problem(Problem problem, List<StatementResult> results) {
        return new SqlProblem(problem.type(), problem.title(), problem.status(), problem.detail(), problem.requestId(),
                problem.sqlstate(), statements(results));
    }

    static Audit audit(List<flux.console.AuditEntry> entries, Long nextBefore) {
        return new Audit(entries.stream().map(e -> new AuditEntry(e.id(), e.at().toString(), e.keyId(), e.tenantId(),
                        e.dbRole(), e.requestId(), e.statement(), e.durationMs(), e.rowCount(), e.error(), e.outcome()))
                .toList(), nextBefore);
    }

    /**
     * The answer as UTF-8 bytes, written by Jackson's byte generator: it escapes a lone UTF-16
     * surrogate (a statement text or an error PostgreSQL quoted may hold one) as {@code \\uD800}. A
     * String handed to the HTTP server instead was encoded by Netty, which writes a lone high
     * surrogate as '?' and the char after it as one truncated byte: invalid UTF-8 (fuzz seed
     * -8386821064082129466, {@code SELECT \\ud800\\u0080}).
     */
    static byte[] write(Object body) {
        try {
            return MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the console's answer", e);
        }
    }
}
