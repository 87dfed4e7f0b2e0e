package flux.app.http.auth;

/**
 * The paths whose callers the auth filters establish: the API ({@code /v1} and below) and the
 * probes ({@code /health} and below, {@code /prometheus}), as one regular expression
 * ({@code @ServerFilter(patternStyle = REGEX)}). Micronaut matches every filter's patterns against
 * every request; an Ant pattern ({@code /v1/**}) is tokenized again on each match, which was 7% of
 * what the JVM allocated per {@code POST /v1/query}, while a regular expression is compiled once.
 */
final class FilterPaths {
    static final String API_AND_PROBES = "/v1(/.*)?|/health(/.*)?|/prometheus";

    private FilterPaths() {
    }
}
