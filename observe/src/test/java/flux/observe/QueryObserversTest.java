package flux.observe;

import flux.query.QueryTrace;
import flux.query.QueryObserver;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** The front door's promises to the engine; no statement here is slow, so no database is asked. */
class QueryObserversTest {

    @Test
    void aFailingObserverNeitherThrowsIntoTheEngineNorStopsTheOthers() {
        List<QueryTrace> seen = new ArrayList<>();
        QueryObserver broken = trace -> {
            throw new IllegalStateException("broken exporter");
        };
        try (QueryObservers observers = QueryObservers.start(ObserveSettings.defaults(), new PGSimpleDataSource(),
                List.of(broken, seen::add))) {
            QueryTrace trace = Traces.select("req", "id", 1, 1_000);
            assertThatCode(() -> observers.onQuery(trace)).doesNotThrowAnyException();
            assertThatCode(() -> observers.onQuery(null)).doesNotThrowAnyException();
            assertThatCode(() -> observers.onRequestEnd("req")).doesNotThrowAnyException();
            assertThat(seen).containsExactly(trace);
            assertThat(observers.traces().recent("req", TenantView.ALL, 10)).hasSize(1);
        }
    }

    @Test
    void settingsRefuseValuesThatMakeNoSense() {
        assertThatCode(() -> new ObserveSettings(0, 1, java.time.Duration.ZERO, 5, java.time.Duration.ZERO,
                java.time.Duration.ZERO, 1, 0)).hasMessageContaining("trace window must be positive");
        assertThatCode(() -> new ObserveSettings(1, 1, java.time.Duration.ofMillis(-1), 5, java.time.Duration.ZERO,
                java.time.Duration.ZERO, 1, 0)).hasMessageContaining("slow threshold must not be negative");
        assertThatCode(() -> new ObserveSettings(1, 1, java.time.Duration.ZERO, 1, java.time.Duration.ZERO,
                java.time.Duration.ZERO, 1, 0)).hasMessageContaining("N+1 threshold must be at least 2");
    }
}
