package flux.app.http;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The bodies of {@code POST /v1/query} and {@code POST /v1/transaction} ({@link QueryAnswer},
 * {@link TransactionAnswer}), written straight into bytes: the rows are the JSON texts
 * PostgreSQL rendered, copied as they are (no tree, no re-serialization, no reflection), and the
 * request id needs no escaping (a {@link flux.query.model.RequestId} holds only letters, digits
 * and {@code . _ : @ / + = -}).
 */
final class AnswerJson {
    private AnswerJson() {
    }

    /** {@code {"request_id": id, "rows": [...]}}. */
    static byte[] query(String requestId, List<String> rows) {
        StringBuilder json = start(requestId, length(rows)).append("\"rows\":");
        return rows(json, rows).append('}').toString().getBytes(StandardCharsets.UTF_8);
    }

    /** {@code {"request_id": id, "results": [{"rows": [...]}, ...]}}, one result per query. */
    static byte[] transaction(String requestId, List<List<String>> results) {
        int length = 0;
        for (List<String> rows : results) {
            length += length(rows) + 10;
        }
        StringBuilder json = start(requestId, length).append("\"results\":[");
        for (int i = 0; i < results.size(); i++) {
            rows(json.append(i == 0 ? "{\"rows\":" : ",{\"rows\":"), results.get(i)).append('}');
        }
        return json.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The opening, in a builder sized for {@code rowsLength} more characters: it never grows. */
    private static StringBuilder start(String requestId, int rowsLength) {
        return new StringBuilder(32 + requestId.length() + rowsLength).append("{\"request_id\":\"").append(requestId)
                .append("\",");
    }

    private static int length(List<String> rows) {
        int length = 2;
        for (String row : rows) {
            length += row.length() + 1;
        }
        return length;
    }

    private static StringBuilder rows(StringBuilder json, List<String> rows) {
        json.append('[');
        for (int i = 0; i < rows.size(); i++) {
            json.append(i == 0 ? "" : ",").append(rows.get(i));
        }
        return json.append(']');
    }
}
