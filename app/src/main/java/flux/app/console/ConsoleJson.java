package flux.app.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import flux.app.http.Problem;
import flux.console.AuditEntry;
import flux.console.ConsoleRun;
import flux.console.StatementResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The console's answers as JSON (docs/console.md), written with a mapper of its own so that every
 * field is always present (the server's mapper leaves out nulls and empty lists).
 */
final class ConsoleJson {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private ConsoleJson() {
    }

    static Map<String, Object> run(ConsoleRun run) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("request_id", run.requestId());
        body.put("db_role", run.dbRole());
        body.put("committed", run.committed());
        body.put("statements", statements(run.statements()));
        return body;
    }

    static List<Map<String, Object>> statements(List<StatementResult> results) {
        List<Map<String, Object>> all = new ArrayList<>();
        for (StatementResult r : results) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("audit_id", r.auditId());
            s.put("sql", r.sql());
            List<Map<String, String>> columns = new ArrayList<>();
            for (StatementResult.Column c : r.columns()) {
                columns.add(Map.of("name", c.name(), "type", c.type()));
            }
            s.put("columns", columns);
            s.put("rows", r.rows());
            s.put("truncated", r.truncated());
            s.put("row_count", r.rowCount() < 0 ? null : r.rowCount());
            s.put("duration_ms", Math.round(r.durationMs() * 1000) / 1000.0);
            s.put("error", r.error());
            all.add(s);
        }
        return all;
    }

    /**
     * A failed run as problem+json: the problem's members (as the API's other problems have them,
     * absent ones left out) and the statements as they ran.
     */
    static Map<String, Object> problem(Problem problem, List<StatementResult> results) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", problem.type());
        body.put("title", problem.title());
        body.put("status", problem.status());
        body.put("detail", problem.detail());
        body.put("request_id", problem.requestId());
        if (problem.sqlstate() != null) {
            body.put("sqlstate", problem.sqlstate());
        }
        body.put("statements", statements(results));
        return body;
    }

    static Map<String, Object> audit(List<AuditEntry> entries, Long nextBefore) {
        List<Map<String, Object>> all = new ArrayList<>();
        for (AuditEntry e : entries) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", e.id());
            m.put("at", e.at().toString());
            m.put("key_id", e.keyId());
            m.put("tenant_id", e.tenantId());
            m.put("db_role", e.dbRole());
            m.put("request_id", e.requestId());
            m.put("statement", e.statement());
            m.put("duration_ms", e.durationMs());
            m.put("row_count", e.rowCount());
            m.put("error", e.error());
            m.put("outcome", e.outcome());
            all.add(m);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("entries", all);
        body.put("next_before", nextBefore);
        return body;
    }

    static String write(Object body) {
        try {
            return MAPPER.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the console's answer", e);
        }
    }
}
