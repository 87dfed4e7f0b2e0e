package flux.app.http.auth;

/** The paths whose callers the auth filters establish: the API and the probes. */
final class FilterPaths {
    static final String API = "/v1/**";
    static final String HEALTH = "/health";
    static final String HEALTH_PARTS = "/health/**";
    static final String METRICS = "/prometheus";

    private FilterPaths() {
    }
}
