package flux.app.cli.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HistoryTextTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HistoryText text = new HistoryText(ZoneOffset.UTC, Palette.PLAIN);

    private static JsonNode json(String s) throws Exception {
        return JSON.readTree(s.replace('\'', '"'));
    }

    @Test
    void entriesAlignTheRequestColumnLikeTheSeed() throws Exception {
        JsonNode entries = json("""
                [{'at': '2026-03-10T12:00:01Z', 'operation': 'INSERT', 'request_id': '1a2b3c4d-x', 'status': 'committed',
                  'source': 'api', 'old': null, 'new': {'id': 42, 'email': 'a@b.com', 'plan': 'free', 'note': null},
                  'changed_columns': null, 'error': null},
                 {'at': '2026-03-10T14:22:00Z', 'operation': 'UPDATE', 'request_id': '4f9a3b2c-x', 'status': 'committed',
                  'source': 'api', 'old': {'plan': 'free'}, 'new': {'plan': 'pro'}, 'changed_columns': ['plan'], 'error': null},
                 {'at': '2026-03-10T14:22:30Z', 'operation': 'UPDATE', 'request_id': '550e8400-x', 'status': 'rolled_back',
                  'source': 'api', 'old': {'plan': 'pro'}, 'new': {'plan': null}, 'changed_columns': ['plan'],
                  'error': '23502: null value'}]
                """);
        assertThat(text.entries(entries, Set.of("id"), false)).containsExactly(
                "2026-03-10 12:00 INSERT email=a@b.com, plan=free        req:1a2b3c4d",
                "2026-03-10 14:22 UPDATE plan: free → pro                req:4f9a3b2c",
                "2026-03-10 14:22 UPDATE plan: pro → null (rolled back)  req:550e8400",
                "    error 23502: null value");
    }

    @Test
    void schemaChangesReadAsDdlAmongTheEntriesAndRenamedColumnsSayWhatTheyWere() throws Exception {
        List<JsonNode> entries = List.of(json("""
                {'at': '2026-03-10T12:00:01Z', 'operation': 'INSERT', 'request_id': '1a2b3c4d-x', 'status': 'committed',
                 'source': 'api', 'old': null, 'new': {'id': 1, 'a2': 'x'}, 'renamed': {'a2': 'a'}, 'error': null}"""),
                json("""
                {'at': '2026-03-10T12:05:00Z', 'operation': 'UPDATE', 'request_id': '5e6f7a8b-x', 'status': 'committed',
                 'source': 'snapshot', 'old': {'a2': 'x'}, 'new': {'a2': 'y'}, 'changed_columns': ['a2'], 'error': null}"""));
        JsonNode changes = json("""
                [{'id': 3, 'at': '2026-03-10T12:02:00Z', 'change': 'rename_column', 'table': 'evo', 'column': 'a2',
                  'old_column': 'a', 'type': 'text', 'migration': 'apply 004_rename.sql', 'detected_by': 'event_trigger'},
                 {'id': 4, 'at': '2026-03-10T12:07:00Z', 'change': 'add_column', 'table': 'evo', 'column': 'b',
                  'type': 'integer', 'detected_by': 'detector'}]""");
        assertThat(text.entries(HistoryText.timeline(entries, changes), Set.of("id"), false)).containsExactly(
                "2026-03-10 12:00 INSERT a2=x (a2 was a)       req:1a2b3c4d",
                "2026-03-10 12:02 RENAME COLUMN a → a2         schema  apply 004_rename.sql",
                "2026-03-10 12:05 UPDATE a2: x → y (snapshot)  req:5e6f7a8b",
                "2026-03-10 12:07 ADD COLUMN b integer         schema");
    }

    @Test
    void anEntryOfATenantShowsItsTenantAfterTheRequest() throws Exception {
        JsonNode entries = json("""
                [{'at': '2026-03-10T12:00:01Z', 'operation': 'DELETE', 'request_id': 'abcdef12-x', 'status': 'committed',
                  'source': 'api', 'old': {'id': 1}, 'new': null, 'changed_columns': null, 'error': null,
                  'tenant_id': 'acme'}]
                """);
        assertThat(text.entries(entries, Set.of("id"), false))
                .containsExactly("2026-03-10 12:00 DELETE  req:abcdef12  tenant:acme");
    }

    @Test
    void walWritesDeletesAndUnknownOldValuesReadPlainly() throws Exception {
        assertThat(text.describe(json("{'operation': 'UPDATE', 'status': 'committed', 'source': 'wal',"
                + " 'old': {'n': 1}, 'new': {'n': 2}, 'changed_columns': ['n']}"), Set.of()))
                .isEqualTo("UPDATE n: 1 → 2 (wal)");
        assertThat(text.describe(json("{'operation': 'UPDATE', 'status': 'committed', 'source': 'console',"
                + " 'old': {'n': 1}, 'new': {'n': 3}, 'changed_columns': ['n']}"), Set.of()))
                .isEqualTo("UPDATE n: 1 → 3 (console)");
        assertThat(text.describe(json("{'operation': 'DELETE', 'status': 'committed', 'source': 'api',"
                + " 'old': {'n': 1}, 'new': null}"), Set.of())).isEqualTo("DELETE");
        assertThat(text.describe(json("{'operation': 'UPDATE', 'status': 'rolled_back', 'source': 'api',"
                + " 'old': null, 'new': {'n': 5}, 'changed_columns': null}"), Set.of()))
                .isEqualTo("UPDATE n: ? → 5 (rolled back)");
        assertThat(text.describe(json("{'operation': 'UPDATE', 'status': 'committed', 'source': 'api',"
                + " 'old': {'n': 1}, 'new': {'n': 1}, 'changed_columns': []}"), Set.of()))
                .isEqualTo("UPDATE (no change)");
    }

    @Test
    void longAndStructuredValuesAreCutToOneShortLine() throws Exception {
        assertThat(HistoryText.value(json("{'a': [1, 2]}").get("a"))).isEqualTo("[1,2]");
        assertThat(HistoryText.value(JSON.getNodeFactory().textNode("x".repeat(50)))).hasSize(40).endsWith("…");
        assertThat(HistoryText.value(JSON.getNodeFactory().textNode("two\nlines"))).isEqualTo("two lines");
    }

    @Test
    void blameOfADeletedRowStartsWithWhoDeletedIt() throws Exception {
        JsonNode blame = json("""
                {'table': 'users', 'row_id': '9', 'deleted': true,
                 'deleted_by': {'request_id': 'rm000000-1', 'at': '2026-03-11T09:00:00Z'},
                 'columns': [{'column': 'id', 'value': 9, 'request_id': 'mk000000-1', 'at': '2026-03-10T12:00:00Z', 'last_attempt': null},
                             {'column': 'note', 'value': null, 'request_id': null, 'at': null, 'last_attempt': null}]}
                """);
        List<String> lines = text.blame(blame);
        assertThat(lines.get(0)).isEqualTo("deleted 2026-03-11 09:00  req:rm000000  (last values below)");
        assertThat(lines.get(1)).isEqualTo("id    9     req:mk000000  2026-03-10 12:00");
        assertThat(lines.get(2)).isEqualTo("note  null  req:-         no committed write on record");
    }

    @Test
    void requestIdsPrintAsTheServersShortFormsAndKeyChangesAndTruncatesSaySo() throws Exception {
        HistoryText shortened = new HistoryText(ZoneOffset.UTC, Palette.PLAIN,
                java.util.Map.of("0192aaaa-0001-7aaa", "0192aaaa-0001"));
        JsonNode entries = json("""
                [{'at': '2026-03-10T12:00:01Z', 'operation': 'UPDATE', 'request_id': '0192aaaa-0001-7aaa', 'status': 'committed',
                  'source': 'api', 'row_id': '2', 'old_row_id': '1', 'old': {'id': 1}, 'new': {'id': 2}, 'changed_columns': ['id'],
                  'error': null},
                 {'at': '2026-03-10T12:00:02Z', 'operation': 'TRUNCATE', 'request_id': 'wal:77', 'status': 'committed',
                  'source': 'wal', 'old': null, 'new': null, 'changed_columns': null, 'error': null}]
                """);
        assertThat(shortened.entries(entries, Set.of("id"), false)).containsExactly(
                "2026-03-10 12:00 UPDATE id: 1 → 2 (key 1 → 2)            req:0192aaaa-0001",
                "2026-03-10 12:00 TRUNCATE (the table was emptied) (wal)  req:wal:77");
        assertThat(HistoryText.requestIds(entries)).containsExactly("0192aaaa-0001-7aaa", "wal:77");
    }
}
