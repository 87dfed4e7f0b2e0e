package flux.app.http.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.core.util.PathMatcher;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The auth filters' regular expression covers exactly the paths their former Ant patterns did. */
class FilterPathsTest {
    private static final List<String> ANT = List.of("/v1/**", "/health", "/health/**", "/prometheus");
    private static final List<String> PATHS = List.of("/v1", "/v1/", "/v1/query", "/v1/state/t/1/history", "/v10",
            "/v1x/query", "/health", "/health/", "/health/liveness", "/healthz", "/prometheus", "/prometheus/x",
            "/prometheusx", "/ui", "/ui/tables", "/openapi.yml", "/", "/x/v1/query");

    @Test
    void theRegularExpressionMatchesWhatTheAntPatternsMatched() {
        for (String path : PATHS) {
            boolean ant = ANT.stream().anyMatch(pattern -> PathMatcher.ANT.matches(pattern, path));
            assertThat(PathMatcher.REGEX.matches(FilterPaths.API_AND_PROBES, path)).as(path).isEqualTo(ant);
        }
        assertThat(PathMatcher.REGEX.matches(FilterPaths.API_AND_PROBES, "/v1/query")).isTrue();
        assertThat(PathMatcher.REGEX.matches(FilterPaths.API_AND_PROBES, "/ui/tables")).isFalse();
    }
}
