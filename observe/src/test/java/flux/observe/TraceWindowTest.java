package flux.observe;

import flux.query.QueryTrace;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TraceWindowTest {

    @Test
    void keepsOnlyTheNewestCapacitySpansNewestFirst() {
        TraceWindow window = new TraceWindow(3);
        for (int i = 1; i <= 5; i++) {
            window.add(Traces.select("req-" + i, "id", i, 1_000_000));
        }
        List<TraceSpan> spans = window.recent(null, TenantView.ALL, 10);
        assertThat(spans).extracting(s -> s.attributes().get(DbSpans.FLUX_REQUEST_ID))
                .containsExactly("req-5", "req-4", "req-3");
        assertThat(window.recorded()).isEqualTo(5);
    }

    @Test
    void filtersByRequestAndHonoursTheLimit() {
        TraceWindow window = new TraceWindow(10);
        for (int i = 0; i < 6; i++) {
            window.add(Traces.select(i % 2 == 0 ? "even" : "odd", "id", i, 1_000_000));
        }
        assertThat(window.recent("even", TenantView.ALL, 10)).hasSize(3);
        assertThat(window.recent("even", TenantView.ALL, 2)).hasSize(2);
        assertThat(window.recent("none", TenantView.ALL, 10)).isEmpty();
    }

    @Test
    void spansFollowTheDatabaseConventionsAndShareTheRequestsTraceId() {
        TraceWindow window = new TraceWindow(10);
        String request = "6f1c0a9e-1b2c-4d3e-8f40-123456789abc";
        window.add(Traces.select(request, "id", 1, 2_000_000));
        QueryTrace failed = new QueryTrace(request, null, "insert", "public", "users", "INSERT INTO users VALUES (?)",
                List.of(1), List.of(), 0, 500_000, "23505", java.time.Instant.now());
        window.add(failed);
        List<TraceSpan> spans = window.recent(request, TenantView.ALL, 10);
        TraceSpan insert = spans.get(0);
        TraceSpan select = spans.get(1);
        assertThat(select.traceId()).isEqualTo("6f1c0a9e1b2c4d3e8f40123456789abc").isEqualTo(insert.traceId());
        assertThat(select.spanId()).isNotEqualTo(insert.spanId()).hasSize(16);
        assertThat(select.name()).isEqualTo("SELECT public.users");
        assertThat(select.attributes()).containsEntry("db.system.name", "postgresql")
                .containsEntry("db.operation.name", "SELECT").containsEntry("db.collection.name", "public.users")
                .containsEntry("db.response.returned_rows", 1L).containsEntry("flux.request_id", request)
                .doesNotContainKey("db.response.status_code");
        assertThat(select.attributes().get("db.query.text").toString()).contains("CAST(? AS integer)");
        assertThat(insert.error()).isTrue();
        assertThat(insert.attributes()).containsEntry("db.response.status_code", "23505");
    }

    @Test
    void aRequestIdThatIsNotAUuidStillGetsAStableTraceId() {
        assertThat(DbSpans.traceId("my-request")).hasSize(32).isEqualTo(DbSpans.traceId("my-request"))
                .isNotEqualTo(DbSpans.traceId("other"));
    }
}
