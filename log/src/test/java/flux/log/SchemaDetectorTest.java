package flux.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchemaDetectorTest {
    @Test
    void theAnnouncementNamesWhatChanged() {
        assertThat(SchemaDetector.payload(List.of(change(SchemaChange.Kind.ADD_COLUMN, "b"),
                change(SchemaChange.Kind.CREATE_TABLE, null))))
                .isEqualTo("detector: add_column public.evo.b, create_table public.evo");
    }

    @Test
    void aLongAnnouncementIsCutShortOfTheNotifyLimit() {
        List<SchemaChange> many = java.util.Collections.nCopies(2_000, change(SchemaChange.Kind.ADD_COLUMN, "b"));
        String payload = SchemaDetector.payload(many);
        assertThat(payload).endsWith(", ...");
        assertThat(payload.length()).isLessThan(8_000);
    }

    private static SchemaChange change(SchemaChange.Kind kind, String column) {
        return new SchemaChange(1, null, kind, 1, "public", "evo", null, null, column, null, "integer", null, null,
                "[]", List.of("id"), null, SchemaChange.Recorder.DETECTOR, null, null, Instant.EPOCH);
    }
}
