package flux.observe;

import flux.query.QueryTrace;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class NPlusOneDetectorTest {
    private static final long MS = 1_000_000;
    private final NPlusOneDetector detector = new NPlusOneDetector(5, 0, 1_000 * MS);

    private void run(NPlusOneDetector d, QueryTrace t, long now) {
        d.record(t, QueryShape.of(t.sql()), now);
    }

    @Test
    void fiveSelectsOfOneShapeWithDifferentValuesInOneRequestAreAnNPlusOne() {
        for (int i = 0; i < 5; i++) {
            run(detector, Traces.select("req", "id", i, MS), i);
        }
        assertThat(detector.findings(TenantView.ALL)).isEmpty(); // judged when the request ends
        detector.requestEnded("req");
        assertThat(detector.findings(TenantView.ALL)).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo("request");
            assertThat(f.repetitions()).isEqualTo(5);
            assertThat(f.requestId()).isEqualTo("req");
            assertThat(f.table()).isEqualTo("public.users");
            assertThat(f.suggestion()).contains("\"op\": \"in\"").contains("\"column\": \"id\"");
        });
    }

    @Test
    void fourRepetitionsAreUnderTheThreshold() {
        for (int i = 0; i < 4; i++) {
            run(detector, Traces.select("req", "id", i, MS), i);
        }
        detector.requestEnded("req");
        assertThat(detector.findings(TenantView.ALL)).isEmpty();
    }

    @Test
    void repeatsWithTheSameValueAreNotAnNPlusOne() {
        for (int i = 0; i < 20; i++) {
            run(detector, Traces.select("req", "id", 7, MS), i);
        }
        detector.requestEnded("req");
        assertThat(detector.findings(TenantView.ALL)).isEmpty();
    }

    @Test
    void selectsSpreadOverRequestsWithoutAClientAreNotAnNPlusOne() {
        for (int i = 0; i < 10; i++) {
            run(detector, Traces.select("req-" + i, "id", i, MS), i);
            detector.requestEnded("req-" + i);
        }
        detector.sweep(10_000 * MS);
        assertThat(detector.findings(TenantView.ALL)).isEmpty();
    }

    @Test
    void oneClientsBurstOfSingleSelectRequestsIsAnNPlusOneOnceTheWindowCloses() {
        for (int i = 0; i < 6; i++) {
            run(detector, Traces.fromClient(Traces.select("req-" + i, "id", i, MS), "10.0.0.7"), i * 10 * MS);
            detector.requestEnded("req-" + i);
        }
        detector.sweep(500 * MS);
        assertThat(detector.findings(TenantView.ALL)).isEmpty();
        detector.sweep(2_000 * MS);
        assertThat(detector.findings(TenantView.ALL)).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo("burst");
            assertThat(f.repetitions()).isEqualTo(6);
            assertThat(f.client()).hasSize(12).doesNotContain("10.0.0.7");
            assertThat(f.suggestion()).contains("across 6 requests");
        });
    }

    @Test
    void aClientsRequestsFurtherApartThanTheWindowAreNotABurst() {
        for (int i = 0; i < 6; i++) {
            run(detector, Traces.fromClient(Traces.select("req-" + i, "id", i, MS), "key-1"), i * 600 * MS);
        }
        detector.sweep(10_000 * MS);
        assertThat(detector.findings(TenantView.ALL)).isEmpty();
    }

    @Test
    void theTimeFloorIgnoresCheapRepetitions() {
        NPlusOneDetector floored = new NPlusOneDetector(5, 50 * MS, 0);
        for (int i = 0; i < 10; i++) {
            run(floored, Traces.select("cheap", "id", i, MS), i);
            run(floored, Traces.select("costly", "id", i, 6 * MS), i);
        }
        floored.requestEnded("cheap");
        floored.requestEnded("costly");
        assertThat(floored.findings(TenantView.ALL)).singleElement().extracting(NPlusOneFinding::requestId).isEqualTo("costly");
    }

    @Test
    void aRequestThatNeverEndsIsJudgedAfterItGoesIdle() {
        for (int i = 0; i < 5; i++) {
            run(detector, Traces.select("forgotten", "id", i, MS), i);
        }
        detector.sweep(NPlusOneDetector.REQUEST_IDLE_NANOS / 2);
        assertThat(detector.findings(TenantView.ALL)).isEmpty();
        detector.sweep(NPlusOneDetector.REQUEST_IDLE_NANOS + 10);
        assertThat(detector.findings(TenantView.ALL)).hasSize(1);
    }

    @Test
    void writesAndUnfilteredSelectsAreNotConsidered() {
        for (int i = 0; i < 10; i++) {
            QueryTrace insert = new QueryTrace("req", null, "insert", "public", "users", "INSERT INTO users VALUES (?)",
                    List.of(i), List.of(), 1, MS, null, Instant.now());
            QueryTrace all = new QueryTrace("req", null, "select", "public", "users", "SELECT * FROM users LIMIT ?",
                    List.of((long) i), List.of(), 1, MS, null, Instant.now());
            run(detector, insert, i);
            run(detector, all, i);
        }
        detector.requestEnded("req");
        assertThat(detector.findings(TenantView.ALL)).isEmpty();
    }

    @Test
    void aPatternSeenAgainCountsAsASecondDetection() {
        for (String request : new String[] {"a", "b"}) {
            for (int i = 0; i < 5; i++) {
                run(detector, Traces.select(request, "id", i, MS), i);
            }
            detector.requestEnded(request);
        }
        assertThat(detector.findings(TenantView.ALL)).singleElement().satisfies(f -> {
            assertThat(f.detections()).isEqualTo(2);
            assertThat(f.requestId()).isEqualTo("b");
        });
    }
}
