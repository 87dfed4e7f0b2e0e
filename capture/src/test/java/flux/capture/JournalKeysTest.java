package flux.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import flux.capture.wal.Operation;
import flux.capture.wal.WalChange;
import flux.capture.wal.WalTransaction;
import flux.log.SchemaChange;
import flux.log.SchemaChange.Kind;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which key the schema journal gives a change Debezium delivered without one: the table's key when the
 * change committed, under the name the change carries. Journal rows are dated in seconds from
 * {@link #T0}; changes commit at {@code T0 + 10 s} unless said otherwise.
 */
class JournalKeysTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2026-12-07T08:00:00Z");
    private static final Instant COMMIT = T0.plusSeconds(10);
    private static final String ID_A = "[{\"name\": \"id\", \"type\": \"bigint\"}, {\"name\": \"a\", \"type\": \"text\"}]";
    private static final String ID_A_B = "[{\"name\": \"id\", \"type\": \"bigint\"}, {\"name\": \"a\", \"type\": \"text\"},"
            + " {\"name\": \"b\", \"type\": \"integer\"}]";

    @Test
    void aTableRenamedAwayAfterTheChangeIsKeyedAsTheNameHadItWhenTheChangeCommitted() {
        SchemaChange[] named = {row(1, Kind.CREATE_TABLE, "evo", null, ID_A, List.of("id"), 1),
                row(2, Kind.ADD_COLUMN, "evo", null, ID_A_B, List.of("id"), 5),
                row(3, Kind.RENAME_TABLE, "evo2", "evo", ID_A_B, List.of("id"), 20)};
        assertThat(key(COMMIT, "{\"id\": 2, \"a\": \"x\", \"b\": 2}", named)).containsExactly("id");
    }

    @Test
    void aNameRetakenByAnotherTableWithAnotherKeyKeysTheChangeByTheKeyOfTheTableThatBoreItThen() {
        SchemaChange[] named = {row(1, Kind.CREATE_TABLE, "evo", null, ID_A, List.of("id"), 1),
                row(2, Kind.DROP_TABLE, "evo", null, ID_A, List.of("id"), 20),
                row(3, Kind.CREATE_TABLE, "evo", null, ID_A, List.of("a"), 21)};
        assertThat(key(COMMIT, "{\"id\": 2, \"a\": \"x\"}", named)).containsExactly("id");
        assertThat(key(T0.plusSeconds(30), "{\"id\": 2, \"a\": \"x\"}", named)).containsExactly("a");
    }

    @Test
    void aDdlTheDetectorJournaledAfterTheChangeIsFoundByTheShapeOfTheChange() {
        // The key column renamed at 8 s, journaled by the detector at 12 s; the table renamed at 13 s.
        String renamedKey = "[{\"name\": \"ident\", \"type\": \"bigint\"}, {\"name\": \"a\", \"type\": \"text\"}]";
        SchemaChange[] named = {row(1, Kind.CREATE_TABLE, "evo", null, ID_A, List.of("id"), 1),
                row(2, Kind.RENAME_COLUMN, "evo", null, renamedKey, List.of("ident"), 12),
                row(3, Kind.RENAME_TABLE, "evo2", "evo", renamedKey, List.of("ident"), 13)};
        assertThat(key(COMMIT, "{\"ident\": 2, \"a\": \"x\"}", named)).containsExactly("ident");
    }

    @Test
    void aTableTheJournalKnewOnlyFromItsRenameIsKeyedByTheShapeTheRenameKept() {
        SchemaChange[] named = {row(7, Kind.RENAME_TABLE, "evo2", "evo", ID_A, List.of("id"), 20)};
        assertThat(key(COMMIT, "{\"id\": 2, \"a\": \"x\"}", named)).containsExactly("id");
    }

    @Test
    void aTableRenamedAwayByTheChangesOwnTransactionIsKeyedByTheShapeTheRenameKept() {
        SchemaChange[] named = {row(1, Kind.CREATE_TABLE, "evo", null, ID_A, List.of("id"), 1),
                row(2, Kind.ADD_COLUMN, "evo", null, ID_A_B, List.of("id"), 8),
                row(3, Kind.RENAME_TABLE, "evo2", "evo", ID_A_B, List.of("id"), 9)};
        assertThat(key(COMMIT, "{\"id\": 2, \"a\": \"x\", \"b\": 2}", named)).containsExactly("id");
    }

    @Test
    void noShapeThatFitsTheChangeIsNoKey() {
        SchemaChange[] named = {row(1, Kind.CREATE_TABLE, "evo", null, ID_A, List.of("id"), 1)};
        assertThat(key(COMMIT, "{\"id\": 2, \"a\": \"x\", \"c\": 1}", named)).isNull();
        assertThat(key(COMMIT, "{\"id\": 2}")).isNull();
    }

    @Test
    void keylessChangesGetTheirRowIdAndAnUpdateOfTheKeyItsOldKey() throws Exception {
        FakePublishedTables tables = new FakePublishedTables().journaled("public", "evo",
                List.of(row(1, Kind.CREATE_TABLE, "evo", null, ID_A, List.of("id"), 1)));
        WalChange keyed = change(Operation.INSERT, "{}", null, "{\"id\": 5, \"a\": \"x\"}");
        WalChange update = change(Operation.UPDATE, "{}", "{\"id\": 5, \"a\": \"x\"}", "{\"id\": 6, \"a\": \"x\"}");
        WalChange delete = change(Operation.DELETE, "{}", "{\"id\": 6, \"a\": \"x\"}", null);

        WalTransaction done = new JournalKeys(tables).keyed(tx(keyed, update, delete));

        assertThat(done.changes()).extracting(WalChange::rowId).containsExactly("5", "6", "6");
        assertThat(done.changes()).extracting(WalChange::oldRowId).containsExactly(null, "5", null);
        assertThat(done.changes().get(1).key().toString()).isEqualTo("{\"id\":6}");
    }

    @Test
    void aKeyOfColumnsTheChangeDoesNotHaveIsNoKey() throws Exception {
        FakePublishedTables tables = new FakePublishedTables().journaled("public", "evo",
                List.of(row(1, Kind.CREATE_TABLE, "evo", null, ID_A, List.of("id"), 1)));
        WalChange otherTablesKey = change(Operation.INSERT, "{\"code\": null}", null, "{\"id\": 5, \"a\": \"x\"}");

        WalTransaction done = new JournalKeys(tables).keyed(tx(otherTablesKey));

        assertThat(done.changes().get(0).key().toString()).isEqualTo("{\"id\":5}");
    }

    @Test
    void aChangeWithItsKeyIsLeftAsItCame() throws Exception {
        WalTransaction tx = tx(change(Operation.INSERT, "{\"id\": 5}", null, "{\"id\": 5, \"a\": \"x\"}"));
        assertThat(new JournalKeys(new FakePublishedTables()).keyed(tx)).isSameAs(tx);
    }

    @Test
    void aChangeNoJournalRowKeysFailsTheBatchRatherThanRecordAnEmptyRowId() {
        WalTransaction tx = tx(change(Operation.UPDATE, "{}", "{\"id\": 5}", "{\"id\": 5}"));
        assertThatThrownBy(() -> new JournalKeys(new FakePublishedTables()).keyed(tx))
                .isInstanceOf(CaptureException.Retriable.class)
                .hasMessageContaining("no primary key for the UPDATE of public.evo");
    }

    /** The key the journal rows under {@code public.evo} give a change committed at {@code at} with this image. */
    private static List<String> key(Instant at, String image, SchemaChange... named) {
        return new JournalKeys(new FakePublishedTables()).keyAsOf(List.of(named), "public", "evo", at, image(image));
    }

    private static SchemaChange row(long id, Kind kind, String table, String oldTable, String columns,
                                    List<String> key, long atSecond) {
        return new SchemaChange(id, null, kind, 16400, "public", table, oldTable == null ? null : "public", oldTable,
                null, null, null, null, null, columns, key, null, SchemaChange.Recorder.EVENT_TRIGGER, null, null,
                T0.plusSeconds(atSecond));
    }

    private static WalChange change(Operation op, String key, String before, String after) {
        return new WalChange("public", "evo", op, image(key), "", before == null ? null : image(before),
                after == null ? null : image(after), 100, 700, COMMIT.toEpochMilli(), 0, null);
    }

    private static WalTransaction tx(WalChange... changes) {
        return new WalTransaction(700, COMMIT.toEpochMilli(), COMMIT, List.of(changes), List.of(), 200);
    }

    private static ObjectNode image(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(json, e);
        }
    }
}
