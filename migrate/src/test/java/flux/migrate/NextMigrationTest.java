package flux.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NextMigrationTest {
    private static final Instant NOW = Instant.parse("2026-11-22T10:15:30Z");
    @TempDir
    Path dir;

    private List<String> create(String name, boolean down, boolean repeatable) {
        return NextMigration.write(dir, name, down, repeatable, NOW).stream().map(p -> p.getFileName().toString()).toList();
    }

    private void touch(String... names) throws IOException {
        for (String n : names) {
            Files.writeString(dir.resolve(n), "SELECT 1;");
        }
    }

    @Test
    void sequentialNumbersKeepTheDirectorysWidth() throws IOException {
        touch("001_users.sql", "006_teams.sql", "notes.txt");
        assertThat(create("Add Orgs!", false, false)).containsExactly("007_add_orgs.sql");
    }

    @Test
    void aDirectoryOfUpDownPairsGetsAPair() throws IOException {
        touch("000123_a.up.sql", "000123_a.down.sql");
        assertThat(create("b", false, false)).containsExactly("000124_b.up.sql", "000124_b.down.sql");
        assertThat(Files.readString(dir.resolve("000124_b.down.sql"))).contains("undoes 000124_b.up.sql");
    }

    @Test
    void timestampNumbersTakeTheClockAndStillSortAfterTheNewest() throws IOException {
        touch("20260101000000_a.up.sql");
        assertThat(create("b", true, false)).containsExactly("20261122101530_b.up.sql", "20261122101530_b.down.sql");
        assertThat(create("c", false, false)).containsExactly("20261122101531_c.up.sql", "20261122101531_c.down.sql");
    }

    @Test
    void unixSecondsStayUnixSeconds() throws IOException {
        touch("1700000000_a.sql");
        assertThat(create("b", false, false)).containsExactly(NOW.getEpochSecond() + "_b.sql");
    }

    @Test
    void flywayNamesGetTheNextVersionAndNoDownFile() throws IOException {
        touch("V1__init.sql", "V2__more.sql", "R__views.sql");
        assertThat(create("teams", false, false)).containsExactly("V3__teams.sql");
        assertThatThrownBy(() -> create("x", true, false)).isInstanceOf(InvalidMigration.class)
                .hasMessageContaining("has no down files");
    }

    @Test
    void anEmptyDirectoryStartsAt001AndRepeatablesHaveNoNumber() {
        assertThat(create("users", true, false)).containsExactly("001_users.up.sql", "001_users.down.sql");
        assertThat(create("views", false, true)).containsExactly("R__views.sql");
        assertThatThrownBy(() -> create("views", false, true)).isInstanceOf(InvalidMigration.class)
                .hasMessageEndingWith("R__views.sql exists already; nothing was written");
        assertThatThrownBy(() -> create("--", false, false)).isInstanceOf(InvalidMigration.class);
    }

    @Test
    void theNewFilesAreReadAsTheNextMigration() throws IOException {
        touch("001_users.sql");
        create("teams", true, false);
        assertThat(MigrationFiles.directory(dir, null)).extracting(f -> f.version().text() + " " + (f.down() != null))
                .containsExactly("1 false", "2 true");
    }
}
