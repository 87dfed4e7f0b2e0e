package flux.app.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.core.util.PathMatcher;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The web UI filter's regular expression covers exactly what its former Ant pattern {@code /ui/**} did. */
class UiAuthFilterPathsTest {
    @Test
    void theRegularExpressionMatchesWhatTheAntPatternMatched() {
        for (String path : List.of("/ui", "/ui/", "/ui/login", "/ui/tables/1", "/ui/static/app.css", "/uix", "/v1/query",
                "/x/ui", "/health")) {
            assertThat(PathMatcher.REGEX.matches(UiAuthFilter.PATHS, path)).as(path)
                    .isEqualTo(PathMatcher.ANT.matches("/ui/**", path));
        }
    }
}
