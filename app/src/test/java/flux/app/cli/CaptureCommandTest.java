package flux.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** {@code flux capture status} from the server's JSON (the shape CaptureController writes). */
class CaptureCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode status(String state, String failure) throws Exception {
        return JSON.readTree("""
                {"state": "%s", "slot": "flux", "publication": "flux", "last_lsn": null, "slot_lag_bytes": 376,
                 "events_published": 2, "rolled_back_published": 0, "transactions": 4,
                 "cross_check": {"matched": 0, "untracked": 2, "missing": 0, "mismatched": 0},
                 "kafka_retries": 0, "restarts": 3, "last_event_at": null, "last_error": "lost the session",
                 "failure": %s, "events_by_tenant": {}}
                """.formatted(state, failure));
    }

    private static String print(JsonNode status) {
        StringWriter out = new StringWriter();
        CaptureCommand.Status.print(status, new PrintWriter(out, true));
        return out.toString();
    }

    @Test
    void aFailedCaptureLeadsWithItsReasonAndExitsOne() throws Exception {
        JsonNode failed = status("FAILED", """
                {"reason": "role \\"app\\" lacks the REPLICATION attribute", "at": "2026-12-06T20:01:54Z"}""");
        assertThat(print(failed)).startsWith("""
                state        FAILED since 2026-12-06T20:01:54Z
                reason       role "app" lacks the REPLICATION attribute
                slot         flux (publication flux)
                """).contains("restarts     3\n").doesNotContain("last error");
        assertThat(CaptureCommand.Status.exitCode(failed)).isEqualTo(ExitCodes.FAILED);
    }

    @Test
    void tablesCaptureCannotTakeAreListedWithTheirReason() throws Exception {
        JsonNode streaming = JSON.readTree("""
                {"state": "STREAMING", "slot": "flux", "publication": "flux", "events_published": 2,
                 "cross_check": {"matched": 1, "untracked": 0, "missing": 0, "mismatched": 0, "backfilled": 3},
                 "schema_changes_published": 4,
                 "refused_tables": {"\\"public\\".\\"theirs\\"": "role app does not own table public.theirs"}}
                """);
        assertThat(print(streaming)).contains("missing 0, mismatched 0, backfilled 3\n", "schema       4 changes published\n",
                "not captured \"public\".\"theirs\": role app does not own table public.theirs\n");
    }

    @Test
    void aRunningSnapshotPrintsItsLiveFigures() throws Exception {
        JsonNode streaming = JSON.readTree("""
                {"state": "STREAMING", "slot": "flux", "publication": "flux", "events_published": 2,
                 "running_snapshot": {"id": "6f1c", "table": "public.users", "rows_emitted": 3000,
                  "chunks_published": 3, "progress_key": {"id": 3000}, "read_up_to": {"id": 7000},
                  "chunks_in_flight": 4}}
                """);
        assertThat(print(streaming)).contains("snapshotting public.users (6f1c): 3000 rows emitted in 3 chunks,"
                + " 4 in flight, read up to {\"id\":7000}\n");
    }

    @Test
    void aRunningCaptureShowsItsRestartsAndLastErrorAndExitsZero() throws Exception {
        JsonNode streaming = status("STREAMING", "null");
        assertThat(print(streaming)).startsWith("state        STREAMING\nslot ")
                .endsWith("kafka        0 retries\nrestarts     3\nlast error   lost the session\n");
        assertThat(CaptureCommand.Status.exitCode(streaming)).isEqualTo(ExitCodes.OK);
    }

    @Test
    void aTenantsViewPrintsTheWholeServersFiguresAsHiddenNeverAsZero() throws Exception {
        JsonNode tenants = JSON.readTree("""
                {"state": "STREAMING", "slot": "flux", "publication": "flux", "events_by_tenant": {"acme": 3}}
                """);
        String printed = print(tenants);
        assertThat(printed).contains("published    hidden (", "cross-check  hidden (", "restarts     hidden (",
                "slot lag     hidden (", "tenants      acme 3\n").doesNotContain(" 0 ", " 0\n", "-\n");
        assertThat(CaptureCommand.Status.exitCode(tenants)).isEqualTo(ExitCodes.OK);
    }
}
