package flux.query;

import com.fasterxml.jackson.databind.JsonNode;
import flux.query.model.JsonCodec;
import flux.query.model.RequestId;
import java.util.List;

/**
 * The rows a query returned (a select's matches, or the rows a write affected, as they are
 * after the write), each a JSON object in the table's column order, with the request id the
 * query ran under. Numbers are exact ({@code BigDecimal}), bytea is base64 text. Immutable.
 */
public final class QueryResult {
    private final RequestId requestId;
    private final List<String> rowsJson;

    QueryResult(RequestId requestId, List<String> rowsJson) {
        this.requestId = requestId;
        this.rowsJson = List.copyOf(rowsJson);
    }

    public RequestId requestId() {
        return requestId;
    }

    /** The rows, parsed. */
    public List<JsonNode> rows() {
        return rowsJson.stream().map(JsonCodec::parseTrusted).toList();
    }

    /** The rows as PostgreSQL rendered them, one JSON object text each (cheapest to forward). */
    public List<String> rowsJson() {
        return rowsJson;
    }

    public int size() {
        return rowsJson.size();
    }
}
