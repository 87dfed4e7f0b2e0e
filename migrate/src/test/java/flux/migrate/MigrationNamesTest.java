package flux.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import flux.migrate.MigrationFiles.Name;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class MigrationNamesTest {

    @Test
    void numberedFilesAreVersionedByTheirNumberWhateverTheConvention() {
        assertThat(Name.parse("001_create_users.sql")).isEqualTo(new Name(new Version("1"), false, false));
        assertThat(Name.parse("007_add.up.sql")).isEqualTo(new Name(new Version("7"), false, false));
        assertThat(Name.parse("007_add.down.sql")).isEqualTo(new Name(new Version("7"), true, false));
        assertThat(Name.parse("V3__flyway_style.sql").version()).isEqualTo(new Version("3"));
        assertThat(Name.parse("20260101120000_timestamped.sql").version()).isEqualTo(new Version("20260101120000"));
    }

    @Test
    void repeatableAndUnnumberedFilesAreRecognised() {
        assertThat(Name.parse("R__views.sql").repeatable()).isTrue();
        assertThat(Name.parse("todos.sql")).isEqualTo(new Name(new Version("todos"), false, false));
    }

    @Test
    void versionsSortNumericallyThenByName() {
        List<Version> versions = new ArrayList<>(List.of(Version.of("todos"), Version.of("10"), Version.of("002"),
                Version.of("accounts"), Version.of("9")));
        Collections.sort(versions);
        assertThat(versions).extracting(Version::text).containsExactly("2", "9", "10", "accounts", "todos");
        assertThat(Version.of("007")).isEqualTo(Version.of("7"));
    }
}
