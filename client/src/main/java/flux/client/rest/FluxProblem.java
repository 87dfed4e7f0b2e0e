package flux.client.rest;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An error answer of the Flux API: its RFC 9457 problem (docs/query-api.md, "Errors"). Switch on
 * {@link #type()} (the short name, e.g. {@code unique-violation}); {@link #detail()} is for humans.
 * An error answered without a problem body (a proxy in between) has type {@code http-<status>}.
 */
public final class FluxProblem extends RuntimeException {
    private static final String TYPE_PREFIX = "https://flux.dev/problems/";
    private final int status;
    private final String type;
    private final String title;
    private final String detail;
    private final String requestId;
    private final String sqlState;
    private final JsonNode body;

    FluxProblem(int status, JsonNode problem, String fallbackText) {
        super(message(status, problem, fallbackText));
        this.status = status;
        String fullType = text(problem, "type");
        this.type = fullType == null ? "http-" + status
                : fullType.startsWith(TYPE_PREFIX) ? fullType.substring(TYPE_PREFIX.length()) : fullType;
        this.title = text(problem, "title");
        this.detail = problem == null ? fallbackText : text(problem, "detail");
        this.requestId = text(problem, "request_id");
        this.sqlState = text(problem, "sqlstate");
        this.body = problem;
    }

    private static String message(int status, JsonNode problem, String fallbackText) {
        String detail = problem == null ? fallbackText : text(problem, "detail");
        String type = text(problem, "type");
        return status + " " + (type == null ? "" : type.replace(TYPE_PREFIX, "") + ": ") + (detail == null ? "" : detail);
    }

    private static String text(JsonNode n, String field) {
        if (n == null) {
            return null;
        }
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    public int status() {
        return status;
    }

    /** The problem type without its {@code https://flux.dev/problems/} prefix. */
    public String type() {
        return type;
    }

    public String title() {
        return title;
    }

    public String detail() {
        return detail;
    }

    /** The request id the server gave the failed request, when it had one. */
    public String requestId() {
        return requestId;
    }

    /** PostgreSQL's SQLSTATE, when the database reported the error. */
    public String sqlState() {
        return sqlState;
    }

    /** The whole problem document (extension members such as {@code candidates}); null without one. */
    public JsonNode body() {
        return body;
    }
}
