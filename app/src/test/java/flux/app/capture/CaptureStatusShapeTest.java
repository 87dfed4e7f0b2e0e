package flux.app.capture;

import static org.assertj.core.api.Assertions.assertThat;

import flux.app.http.ServerJson;
import flux.capture.CaptureState;
import flux.capture.CaptureStatus;
import flux.capture.StartTimeline;
import flux.capture.snapshot.SnapshotProgress;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The bytes of {@code GET /v1/capture/status} (docs/capture.md): what appears before the first event and after. */
class CaptureStatusShapeTest {

    private static final Map<String, String> REFUSED = Map.of("\"public\".\"theirs\"", "role app does not own it");

    private static CaptureStatus.Snapshot snapshot(String lastLsn, Long lag, Instant lastEventAt, String lastError,
                                                   Map<String, Long> byTenant) {
        return new CaptureStatus.Snapshot(CaptureState.STREAMING, "flux_slot", "flux_pub", lastLsn, lag, 7, 1, 3,
                new CaptureStatus.CrossCheckCounts(5, 1, 0, 2, 3), 4, 0, lastEventAt, lastError, null, byTenant, 2,
                lastLsn == null ? Map.of() : REFUSED, null);
    }

    @Test
    void beforeTheFirstEventTheUnknownFiguresAreLeftOut() {
        String json = ServerJson.write(CaptureStatusAnswer.of(snapshot(null, null, null, null, Map.of()), null));
        assertThat(json).isEqualTo("{\"state\":\"STREAMING\",\"slot\":\"flux_slot\",\"publication\":\"flux_pub\",\"events_published\":7,\"rolled_back_published"
                + "\":1,\"transactions\":3,\"cross_check\":{\"matched\":5,\"untracked\":1,\"missing\":0,\"mismatched\":2,\"backfilled\":3},\"kafka_retries\":4,\"restarts\":0,\"schema_changes_published\":2}");
    }

    @Test
    void afterEventsEveryFigureIsShownInItsPlace() {
        String json = ServerJson.write(CaptureStatusAnswer.of(snapshot("0/16B3748", 120L,
                Instant.parse("2026-03-10T14:22:01.123Z"), "kafka: timeout", Map.of("acme", 6L)), null));
        assertThat(json).isEqualTo("{\"state\":\"STREAMING\",\"slot\":\"flux_slot\",\"publication\":\"flux_pub\",\"last_lsn\":\"0/16B3748\",\"slot_lag_bytes\":120,\"events_published\":7,\"rolled_back_published\":1,\"transactions\":3,\"cross_c"
                + "heck\":{\"matched\":5,\"untracked\":1,\"missing\":0,\"mismatched\":2,\"backfilled\":3},\"kafka_retries\":4,\"restarts\":0,\"last_event_at\":\"2026-03-10T14:22:01.123Z\",\"last_error\":\"kafka: timeout\",\"events_by_tenant\":{\"acme\":6},\"schema_changes_published\":2,"
                + "\"refused_tables\":{\"\\\"public\\\".\\\"theirs\\\"\":\"role app does not own it\"}}");
    }

    @Test
    void aRunningSnapshotsLiveFiguresAreShownWithItsKeysAsJsonAndHiddenFromATenant() {
        CaptureStatus.Snapshot base = snapshot(null, null, null, null, Map.of("acme", 1L));
        CaptureStatus.Snapshot running = new CaptureStatus.Snapshot(base.state(), base.slot(), base.publication(), null,
                null, 7, 1, 3, base.crossCheck(), 4, 0, null, null, null, base.eventsByTenant(), 2, Map.of(),
                new SnapshotProgress("6f1c", "public.users", 3000, 3, "{\"id\": 3000}", "{\"id\":7000}", 4));
        assertThat(ServerJson.write(CaptureStatusAnswer.of(running, null))).endsWith("\"schema_changes_published\":2,"
                + "\"running_snapshot\":{\"id\":\"6f1c\",\"table\":\"public.users\",\"rows_emitted\":3000,"
                + "\"chunks_published\":3,\"progress_key\":{\"id\": 3000},\"read_up_to\":{\"id\":7000},"
                + "\"chunks_in_flight\":4}}");
        assertThat(ServerJson.write(CaptureStatusAnswer.of(running, "acme"))).doesNotContain("running_snapshot");
    }

    @Test
    void aCallerWithATenantSeesTheStateAndOnlyItsOwnCountNoTotalsNorRefusedTables() {
        String json = ServerJson.write(CaptureStatusAnswer.of(snapshot("0/1", 0L,
                Instant.parse("2026-03-10T14:22:01.123Z"), "t_acme_api.secrets: kafka timeout",
                Map.of("acme", 6L, "globex", 2L)), "globex"));
        assertThat(json).isEqualTo("{\"state\":\"STREAMING\",\"slot\":\"flux_slot\",\"publication\":\"flux_pub\","
                + "\"events_by_tenant\":{\"globex\":2}}");
    }

    @Test
    void theStartsPhasesAreListedInMillisecondsSinceTheJvmStartedAndHiddenFromATenant() {
        CaptureStatus.Snapshot base = snapshot(null, null, null, null, Map.of("acme", 1L));
        CaptureStatus.Snapshot started = new CaptureStatus.Snapshot(base.state(), base.slot(), base.publication(), null,
                null, 7, 1, 3, base.crossCheck(), 4, 0, null, null, null, base.eventsByTenant(), 2, Map.of(), null,
                List.of(new StartTimeline.Phase("server context", 0, 3100), new StartTimeline.Phase("topics", 3300, 3900),
                        new StartTimeline.Phase(StartTimeline.FIRST_EVENT, 3200, 4800)));
        assertThat(ServerJson.write(CaptureStatusAnswer.of(started, null))).endsWith("\"schema_changes_published\":2,"
                + "\"start_phases\":[{\"phase\":\"server context\",\"from_ms\":0,\"to_ms\":3100},"
                + "{\"phase\":\"topics\",\"from_ms\":3300,\"to_ms\":3900},"
                + "{\"phase\":\"first event acknowledged\",\"from_ms\":3200,\"to_ms\":4800}]}");
        assertThat(ServerJson.write(CaptureStatusAnswer.of(started, "acme"))).doesNotContain("start_phases");
    }
}
