package flux.capture.pg;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class PublicationTest {

    /** As Debezium matches {@code table.exclude.list}: the whole {@code schema.table}, without case. */
    private static boolean excluded(String table) {
        return Pattern.compile(Publication.unpublishedOwnTables(), Pattern.CASE_INSENSITIVE).matcher(table).matches();
    }

    @Test
    void debeziumSkipsFluxsOwnTablesOutsideThePublicationAndNothingElse() {
        assertThat(Publication.unpublishedOwnTables()).doesNotContain(","); // Debezium splits its lists on commas
        assertThat(excluded("flux.tenants")).isTrue();
        assertThat(excluded("flux.capture_offsets")).isTrue();
        assertThat(excluded("flux.state_mutations_archive")).isTrue();
        assertThat(excluded("flux.state_mutations")).isFalse();
        assertThat(excluded("flux.schema_changes")).isFalse();
        assertThat(excluded("flux.capture_snapshot_watermarks")).isFalse();
        assertThat(excluded("public.users")).isFalse();
        assertThat(excluded("public.flux")).isFalse();
        assertThat(excluded("fluxy.users")).isFalse();
        assertThat(excluded("FLUX.users")).as("a user's schema \"FLUX\" is not Flux's").isFalse();
    }
}
