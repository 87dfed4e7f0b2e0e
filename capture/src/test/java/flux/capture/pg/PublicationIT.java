package flux.capture.pg;

import static org.assertj.core.api.Assertions.assertThat;

import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestPostgres;
import flux.log.LogSchema;
import flux.pg.SchemaInstaller;
import flux.tenancy.TenancySchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(FluxTestInfra.class)
class PublicationIT {
    private final TestPostgres pg;
    private final TestPostgres db;

    PublicationIT(TestPostgres pg) throws SQLException {
        this.pg = pg;
        this.db = install(pg.newDatabase("capture_publication"));
    }

    /** The flux schema as the server and capture install it, by the database's connecting role. */
    private static TestPostgres install(TestPostgres db) throws SQLException {
        SchemaInstaller.install(db.dataSource(), LogSchema.script(), TenancySchema.script());
        try (Connection c = db.connect()) {
            CaptureSchema.install(c);
        }
        return db;
    }

    @Test
    void newPublicationCarriesTheMutationLogWithoutItsImagesAndTheSchemaJournal() throws SQLException {
        try (Connection c = db.connect()) {
            new Publication("pub_new").sync(c);
            assertThat(publishedLogColumns(c, "pub_new")).isEqualTo(Set.copyOf(Publication.LOG_COLUMNS));
            assertThat(members(c, "pub_new")).contains("schema_changes");
        }
    }

    @Test
    void publicationOfAnEarlierVersionGetsTheColumnListOnceAndKeepsItsTables() throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE public.pub_accounts (id bigint PRIMARY KEY, owner text)");
            st.execute("CREATE PUBLICATION pub_old FOR TABLE public.pub_accounts, flux.state_mutations");
            assertThat(publishedLogColumns(c, "pub_old")).contains("old", "new");

            Publication publication = new Publication("pub_old");
            publication.sync(c);
            assertThat(publishedLogColumns(c, "pub_old")).isEqualTo(Set.copyOf(Publication.LOG_COLUMNS));
            assertThat(publication.sync(c).added()).isEmpty(); // nothing left to change
            assertThat(members(c, "pub_old")).contains("pub_accounts", "schema_changes");
        }
    }

    /**
     * A table that joins a publication that existed before it: the rows written meanwhile, which the
     * WAL will never show, become snapshot records; a row the log has already (an API write) does not.
     * As a login role that is not a superuser: there is no event trigger, the sync does the join.
     */
    @Test
    void aTableThatJoinsLateHasTheRowsWrittenBeforeRecordedAsSnapshotRecordsOnce() throws SQLException {
        TestPostgres capture = ownedBy("pub_late_owner").as("pub_late_owner", "NOSUPERUSER REPLICATION");
        try (Connection c = capture.connect(); Statement st = c.createStatement()) {
            Publication publication = new Publication("pub_late");
            publication.sync(c);
            st.execute("CREATE TABLE public.late_rows (id int PRIMARY KEY, v text)");
            st.execute("INSERT INTO public.late_rows VALUES (1, 'by the api'), (2, 'raw'), (3, 'raw, then gone')");
            st.execute("INSERT INTO flux.state_mutations (request_id, txid, table_schema, table_name, row_id, operation, new)"
                    + " VALUES ('req-1', pg_current_xact_id(), 'public', 'late_rows', '1', 'INSERT',"
                    + " '{\"id\": 1, \"v\": \"by the api\"}'), ('req-2', pg_current_xact_id(), 'public', 'late_rows',"
                    + " '4', 'INSERT', '{\"id\": 4, \"v\": \"by the api, then deleted raw\"}')");
            st.execute("DELETE FROM public.late_rows WHERE id = 3");

            Publication.Sync sync = publication.sync(c);

            assertThat(sync.added()).containsExactly("\"public\".\"late_rows\"");
            assertThat(sync.backfilled()).isEqualTo(2);
            assertThat(capture.one("SELECT string_agg(row_id || ' ' || operation || ' ' || (request_id LIKE 'snapshot:%'),"
                    + " ', ' ORDER BY row_id) FROM flux.state_mutations WHERE source = 'snapshot'"))
                    .isEqualTo("2 INSERT true, 4 DELETE true");
            assertThat(capture.one("SELECT joined_lsn IS NOT NULL AND backfilled = 2 FROM flux.capture_joins"
                    + " WHERE publication = 'pub_late' AND table_name = 'late_rows'")).isEqualTo("t");
            assertThat(publication.sync(c).backfilled()).isZero();
        }
    }

    @Test
    void aTableTheRoleDoesNotOwnIsRefusedWithTheReasonAndTheOthersJoin() throws SQLException {
        TestPostgres owned = ownedBy("pub_capture");
        TestPostgres capture = owned.as("pub_capture", "NOSUPERUSER REPLICATION");
        capture.execute("CREATE TABLE public.mine (id int PRIMARY KEY)");
        owned.as("pub_other", "NOSUPERUSER").execute("CREATE TABLE public.theirs (id int PRIMARY KEY)");
        try (Connection c = capture.connect()) {
            Publication.Sync sync = new Publication("pub_owner").sync(c);

            assertThat(sync.added()).contains("\"public\".\"mine\"").doesNotContain("\"public\".\"theirs\"");
            assertThat(sync.refused()).containsOnlyKeys("\"public\".\"theirs\"");
            assertThat(sync.refused().get("\"public\".\"theirs\"")).contains(
                    "role pub_capture does not own table public.theirs (its owner is pub_other)",
                    "ALTER TABLE public.theirs OWNER TO pub_capture, or GRANT pub_other TO pub_capture", "42501");
        }
    }

    /**
     * Where capture's role is a superuser, its event trigger adds a table to the publication in the
     * transaction that creates it (whoever creates it), and records the rows a CREATE TABLE AS wrote
     * before the join as snapshot records.
     */
    @Test
    void asSuperuserANewTableJoinsInsideTheTransactionThatCreatesIt() throws SQLException {
        TestPostgres dev = db.as("pub_dev", "NOSUPERUSER");
        db.execute("GRANT CREATE ON SCHEMA public TO pub_dev");
        try (Connection c = db.connect()) {
            new Publication("pub_trigger").sync(c);
        }
        try (Connection c = dev.connect(); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            st.execute("CREATE TABLE public.made (id int PRIMARY KEY, v text)");
            assertThat(members(c, "pub_trigger")).contains("made"); // before the DDL commits
            st.execute("CREATE TABLE public.copied AS SELECT g AS id, 'x' || g AS v FROM generate_series(1, 3) g;"
                    + "ALTER TABLE public.copied ADD PRIMARY KEY (id)");
            c.commit();
        }
        assertThat(db.one("SELECT count(*) FROM flux.state_mutations WHERE source = 'snapshot' AND table_name = 'copied'"))
                .isEqualTo("3");
        assertThat(db.one("SELECT string_agg(change || ' ' || table_name || ' ' || role, ', ' ORDER BY id)"
                + " FROM flux.schema_changes WHERE detected_by = 'event_trigger'"))
                .isEqualTo("create_table made pub_dev, create_table copied pub_dev, alter_primary_key copied pub_dev");
    }

    /**
     * A database owned by {@code role}, a login role that is not a superuser, with the flux schema
     * installed by it; returned as the superuser sees it.
     */
    private TestPostgres ownedBy(String role) throws SQLException {
        TestPostgres owned = pg.newDatabase("capture_publication_" + role);
        TestPostgres owner = owned.as(role, "NOSUPERUSER REPLICATION");
        owned.as("pub_other", "NOSUPERUSER");
        owned.execute("ALTER DATABASE \"" + owned.database() + "\" OWNER TO " + role + ";"
                + "GRANT CREATE ON SCHEMA public TO pub_other");
        install(owner);
        return owned;
    }

    private static Set<String> members(Connection c, String publication) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(
                "SELECT array_agg(tablename::text) FROM pg_publication_tables WHERE pubname = ?")) {
            st.setString(1, publication);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return Set.of((String[]) rs.getArray(1).getArray());
            }
        }
    }

    private static Set<String> publishedLogColumns(Connection c, String publication) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(Publication.LOG_COLUMNS_PUBLISHED)) {
            st.setString(1, publication);
            st.setString(2, LogSchema.SCHEMA);
            st.setString(3, LogSchema.TABLE);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return Set.of((String[]) rs.getArray(1).getArray());
            }
        }
    }
}
