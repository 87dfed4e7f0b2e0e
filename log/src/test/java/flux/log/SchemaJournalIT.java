package flux.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestPostgres;
import flux.pg.DatabaseException;
import flux.pg.SchemaInstaller;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The journal finds each kind of change against the recorded shapes, once, whoever made it. */
@ExtendWith(FluxTestInfra.class)
class SchemaJournalIT {
    private final TestPostgres pg;

    SchemaJournalIT(TestPostgres pg) {
        this.pg = pg;
    }

    private TestPostgres install(String name) throws SQLException {
        TestPostgres db = pg.newDatabase(name);
        db.as("journal_dev", "NOSUPERUSER");
        db.execute("GRANT CREATE ON SCHEMA public TO journal_dev");
        SchemaInstaller.install(db.dataSource(), LogSchema.script(), SchemaJournal.script());
        return db;
    }

    @Test
    void tablesThatExistedAtTheFirstInstallAreNotJournaledAndALaterInstallKeepsTheRecordedShapes() throws SQLException {
        TestPostgres db = pg.newDatabase("journal_baseline");
        db.execute("CREATE TABLE before_flux (id int PRIMARY KEY)");
        SchemaInstaller.install(db.dataSource(), LogSchema.script(), SchemaJournal.script());
        db.execute("CREATE TABLE while_away (id int PRIMARY KEY)");
        SchemaInstaller.install(db.dataSource(), SchemaJournal.script());

        assertThat(record(db)).extracting(SchemaChange::kind, SchemaChange::tableName)
                .containsExactly(tuple(SchemaChange.Kind.CREATE_TABLE, "while_away"));
        assertThat(record(db)).isEmpty();
    }

    @Test
    void eachKindOfChangeByAnotherRoleIsJournaledWithTheShapeAfterIt() throws SQLException {
        TestPostgres db = install("journal_kinds");
        TestPostgres dev = db.as("journal_dev", "NOSUPERUSER");

        dev.execute("CREATE TABLE evo (id bigserial PRIMARY KEY, a text)");
        SchemaChange created = single(record(db));
        assertThat(created.kind()).isEqualTo(SchemaChange.Kind.CREATE_TABLE);
        assertThat(created.columnsJson()).isEqualTo("[{\"name\": \"id\", \"type\": \"bigint\"}, {\"name\": \"a\", \"type\": \"text\"}]");
        assertThat(created.keyColumns()).containsExactly("id");
        assertThat(created.recordedBy()).isEqualTo(SchemaChange.Recorder.DETECTOR);
        assertThat(created.role()).isNull();

        dev.execute("INSERT INTO evo (a) VALUES ('x'); ALTER TABLE evo ADD COLUMN b int DEFAULT 7, ADD COLUMN c text");
        List<SchemaChange> added = record(db);
        assertThat(added).extracting(SchemaChange::kind, SchemaChange::columnName, SchemaChange::columnType,
                SchemaChange::valueForExisting).containsExactly(
                tuple(SchemaChange.Kind.ADD_COLUMN, "b", "integer", "7"),
                tuple(SchemaChange.Kind.ADD_COLUMN, "c", "text", "null"));

        dev.execute("ALTER TABLE evo RENAME COLUMN a TO a2");
        SchemaChange renamed = single(record(db));
        assertThat(renamed.kind()).isEqualTo(SchemaChange.Kind.RENAME_COLUMN);
        assertThat(renamed.oldColumnName()).isEqualTo("a");
        assertThat(renamed.columnName()).isEqualTo("a2");

        dev.execute("ALTER TABLE evo ALTER COLUMN a2 TYPE varchar(20)");
        SchemaChange retyped = single(record(db));
        assertThat(retyped.kind()).isEqualTo(SchemaChange.Kind.ALTER_COLUMN_TYPE);
        assertThat(retyped.oldColumnType()).isEqualTo("text");
        assertThat(retyped.columnType()).isEqualTo("character varying(20)");

        dev.execute("ALTER TABLE evo DROP COLUMN b");
        SchemaChange dropped = single(record(db));
        assertThat(dropped.kind()).isEqualTo(SchemaChange.Kind.DROP_COLUMN);
        assertThat(dropped.columnName()).isEqualTo("b");
        assertThat(dropped.columnsJson()).doesNotContain("\"b\"");

        dev.execute("ALTER TABLE evo RENAME TO evo2");
        SchemaChange moved = single(record(db));
        assertThat(moved.kind()).isEqualTo(SchemaChange.Kind.RENAME_TABLE);
        assertThat(moved.oldTableName()).isEqualTo("evo");
        assertThat(moved.tableName()).isEqualTo("evo2");
        assertThat(moved.tableOid()).isEqualTo(created.tableOid());

        dev.execute("DROP TABLE evo2");
        SchemaChange gone = single(record(db));
        assertThat(gone.kind()).isEqualTo(SchemaChange.Kind.DROP_TABLE);
        assertThat(gone.tableName()).isEqualTo("evo2");
        assertThat(gone.columnsJson()).contains("\"a2\"", "character varying(20)");
        assertThat(gone.keyColumns()).containsExactly("id");

        try (Connection c = db.connect()) {
            assertThat(SchemaJournal.ofTable(c, created.tableOid())).extracting(SchemaChange::kind).containsExactly(
                    SchemaChange.Kind.CREATE_TABLE, SchemaChange.Kind.ADD_COLUMN, SchemaChange.Kind.ADD_COLUMN,
                    SchemaChange.Kind.RENAME_COLUMN, SchemaChange.Kind.ALTER_COLUMN_TYPE, SchemaChange.Kind.DROP_COLUMN,
                    SchemaChange.Kind.RENAME_TABLE, SchemaChange.Kind.DROP_TABLE);
            assertThat(SchemaJournal.tableOid(c, "public", "evo")).isEqualTo(created.tableOid());
            assertThat(SchemaJournal.tableOid(c, "public", "evo2")).isEqualTo(created.tableOid());
            assertThat(SchemaJournal.tableOid(c, "public", "never")).isNull();
        }
    }

    @Test
    void aChangeRecordedInsideAMigrationCarriesItsNameAndRole() throws SQLException {
        TestPostgres db = install("journal_migration");
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("SELECT set_config('flux.migration', 'apply 003_keys.sql', true)");
                st.execute("CREATE TABLE keyed (id int, code text)");
                st.execute("ALTER TABLE keyed ADD PRIMARY KEY (id, code)");
            }
            List<SchemaChange> changes = SchemaJournal.recordInTransaction(c, SchemaChange.Recorder.MIGRATION);
            c.commit();
            SchemaChange created = single(changes);
            assertThat(created.kind()).isEqualTo(SchemaChange.Kind.CREATE_TABLE);
            assertThat(created.keyColumns()).containsExactly("id", "code");
            assertThat(created.migration()).isEqualTo("apply 003_keys.sql");
            assertThat(created.recordedBy()).isEqualTo(SchemaChange.Recorder.MIGRATION);
            assertThat(created.role()).isEqualTo(db.user());
        }
        db.execute("ALTER TABLE keyed DROP CONSTRAINT keyed_pkey");
        SchemaChange unkeyed = single(record(db));
        assertThat(unkeyed.kind()).isEqualTo(SchemaChange.Kind.ALTER_PRIMARY_KEY);
        assertThat(unkeyed.keyColumns()).isEmpty();
    }

    @Test
    void twoRecordersThatFindTheSameChangeJournalItOnce() throws SQLException {
        TestPostgres db = install("journal_race");
        db.execute("CREATE TABLE raced (id int PRIMARY KEY)");
        try (Connection first = db.connect(); Connection second = db.connect()) {
            first.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            second.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            first.setAutoCommit(false);
            second.setAutoCommit(false);
            try (Statement st = second.createStatement()) {
                st.execute("SELECT 1"); // the second's snapshot: taken before the first records and commits
            }
            List<SchemaChange> won = SchemaJournal.recordInTransaction(first, SchemaChange.Recorder.DETECTOR);
            first.commit();
            DatabaseException lost = catchThrowableOfType(DatabaseException.class,
                    () -> SchemaJournal.recordInTransaction(second, SchemaChange.Recorder.DETECTOR));
            second.rollback();
            assertThat(won).hasSize(1);
            assertThat((Throwable) lost).isNotNull();
            assertThat(lost.sqlState()).isEqualTo("40001");
        }
        assertThat(record(db)).isEmpty();
        assertThat(db.one("SELECT count(*) FROM flux.schema_changes")).isEqualTo("1");
    }

    /**
     * The detector's snapshot was taken before another recorder journaled a dropped column and
     * committed: in that snapshot the column is still there, in the table and in the recorded
     * shape, so the detector finds nothing, and it must write nothing either. (It wrote every
     * column back into the recorded shape, which brought the dropped one back, and the next
     * change to the table journaled a second drop_column: CI run 1 of session 7,
     * SchemaChangesFromAnywhereIT.)
     */
    @Test
    void aDetectorWhoseSnapshotPredatesAnotherRecordersChangeWritesNothingBack() throws SQLException {
        TestPostgres db = install("journal_stale_detector");
        db.execute("CREATE TABLE shrinking (id int PRIMARY KEY, gone int)");
        assertThat(record(db)).extracting(SchemaChange::kind).containsExactly(SchemaChange.Kind.CREATE_TABLE);
        try (Connection detector = db.connect(); Connection ddl = db.connect()) {
            detector.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            detector.setAutoCommit(false);
            try (Statement st = detector.createStatement()) {
                st.execute("SELECT count(*) FROM flux.schema_columns"); // the detector's snapshot, taken now
            }
            ddl.setAutoCommit(false);
            try (Statement st = ddl.createStatement()) {
                st.execute("ALTER TABLE shrinking DROP COLUMN gone");
            }
            assertThat(SchemaJournal.recordInTransaction(ddl, SchemaChange.Recorder.EVENT_TRIGGER))
                    .extracting(SchemaChange::kind, SchemaChange::columnName)
                    .containsExactly(tuple(SchemaChange.Kind.DROP_COLUMN, "gone"));
            ddl.commit();

            assertThat(SchemaJournal.recordInTransaction(detector, SchemaChange.Recorder.DETECTOR)).isEmpty();
            detector.commit();
        }
        assertThat(db.one("SELECT string_agg(column_name, ',' ORDER BY attnum) FROM flux.schema_columns"
                + " WHERE table_oid = 'shrinking'::regclass")).isEqualTo("id");
        db.execute("ALTER TABLE shrinking RENAME TO shrunk");
        assertThat(record(db)).extracting(SchemaChange::kind).containsExactly(SchemaChange.Kind.RENAME_TABLE);
    }

    private static List<SchemaChange> record(TestPostgres db) throws SQLException {
        try (Connection c = db.connect()) {
            return SchemaJournal.record(c, SchemaChange.Recorder.DETECTOR, null);
        }
    }

    private static SchemaChange single(List<SchemaChange> changes) {
        assertThat(changes).hasSize(1);
        return changes.get(0);
    }
}
