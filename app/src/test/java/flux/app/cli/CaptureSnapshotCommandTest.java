package flux.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** How the snapshot commands show a snapshot the server answered with. */
class CaptureSnapshotCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theProgressBarAndTheLineShowRowsDoneOfEstimated() throws Exception {
        JsonNode s = JSON.readTree("{\"id\": \"6f1c\", \"schema\": \"public\", \"table\": \"users\", \"filter\": \"plan = 'pro'\","
                + " \"status\": \"running\", \"rows_done\": 1200, \"rows_estimated\": 3000, \"progress\": 0.4}");
        assertThat(CaptureSnapshotCommand.bar(s)).isEqualTo("[############..................]  40%  1,200 / 3,000 rows");
        assertThat(CaptureSnapshotsCommand.line(s))
                .isEqualTo("6f1c  public.users  running  1,200 / 3,000 rows (40%)  where plan = 'pro'");
    }
}
