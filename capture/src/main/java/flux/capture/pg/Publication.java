package flux.capture.pg;

import flux.log.LogSchema;
import flux.log.SchemaJournal;
import flux.pg.DatabaseException;
import flux.pg.Identifiers;
import flux.pg.Transactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;
import flux.capture.kafka.TopicNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The publication capture reads: every tracked table plus {@code flux.state_mutations} and the
 * schema journal {@code flux.schema_changes}. Tracked tables are logged, ordinary (or partitioned)
 * tables with a primary key outside the system schemas and {@code flux} ({@code flux.user_tables});
 * they get {@code REPLICA IDENTITY FULL} so updates and deletes carry the whole before image.
 * Created by Flux rather than by Debezium's {@code all_tables}, which would also publish capture's
 * offsets table and tables without a key.
 *
 * <p>Each table joins in a transaction of its own ({@code flux.capture_join}, capture-schema.sql),
 * which waits for the table's writers, notes the join's WAL position, and, for a table that joins a
 * publication that already existed, records the rows written before the join as snapshot records
 * (the WAL will never show them). A table the login role may not add (it does not own it) is
 * refused: {@link Sync#refused} says which and why, and the others join regardless.
 *
 * <p>The mutation log is published with a column list (PostgreSQL 15+): the columns that pair
 * a record with its change, not its images. The images are half of the log's WAL bytes and the
 * dearest values to decode; the cross-check reads them by primary key instead
 * ({@code flux.capture.verify.RecordImages}).
 */
public final class Publication {
    private static final Logger log = LoggerFactory.getLogger(Publication.class);

    static final String TRACKED_TABLES = """
            SELECT table_oid, table_schema, table_name, replica_identity FROM flux.user_tables
             WHERE logged AND cardinality(key_columns) > 0
             ORDER BY table_schema, table_name
            """;
    static final String MEMBERS = "SELECT schemaname, tablename FROM pg_publication_tables WHERE pubname = ?";
    static final String EXISTS = "SELECT EXISTS (SELECT 1 FROM pg_publication WHERE pubname = ?)";
    static final String LOG_TABLE = Identifiers.qualified(LogSchema.SCHEMA, LogSchema.TABLE);
    static final String JOURNAL_TABLE = Identifiers.qualified(LogSchema.SCHEMA, SchemaJournal.TABLE);
    /** Snapshot chunks' watermarks (flux.capture.snapshot): streamed so a chunk is placed among the changes. */
    public static final String WATERMARK_TABLE_NAME = "capture_snapshot_watermarks";
    static final String WATERMARK_TABLE = Identifiers.qualified(LogSchema.SCHEMA, WATERMARK_TABLE_NAME);
    /** Flux's own tables in the publication (schema {@code flux}): the log, the journal, the watermarks. */
    private static final List<String> OWN_TABLE_NAMES = List.of(LogSchema.TABLE, SchemaJournal.TABLE, WATERMARK_TABLE_NAME);
    /** The mutation log's published columns: those that pair a record with its change. */
    static final List<String> LOG_COLUMNS = LogSchema.PAIRING_COLUMNS;
    static final String LOG_COLUMNS_PUBLISHED =
            "SELECT attnames::text[] FROM pg_publication_tables WHERE pubname = ? AND schemaname = ? AND tablename = ?";
    private static final String LOG_TABLE_WITH_COLUMNS = LOG_TABLE + " (" + String.join(", ", LOG_COLUMNS) + ")";
    /** A join waits this long for the table's writers, then gives up until the next sync. */
    private static final String JOIN_LOCK_TIMEOUT = "SET LOCAL lock_timeout = '5s'";
    private static final String JOIN = "SELECT flux.capture_join(?, ?, ?) AS written";

    private final String name;

    /**
     * A regular expression for Debezium's {@code table.exclude.list}: the {@code flux} schema's tables that
     * are in no publication of capture's (tenants, keys, offsets, ...). They send no change, and Debezium
     * reads the columns and replica identity of every table its filter lets through, a query each, at every
     * start. Case-sensitive, though Debezium matches without case: a user's schema {@code "FLUX"} is not Flux's.
     */
    public static String unpublishedOwnTables() {
        StringBuilder own = new StringBuilder();
        for (String table : OWN_TABLE_NAMES) {
            own.append(own.isEmpty() ? "" : "|").append(Pattern.quote(table));
        }
        return "(?-i)" + Pattern.quote(LogSchema.SCHEMA + ".") + "(?!(?:" + own + ")$).+";
    }

    public Publication(String name) {
        this.name = name;
    }

    /**
     * What a sync did.
     *
     * @param added      the tables (and Flux's own) that joined, {@code "schema"."table"}
     * @param backfilled snapshot records written for tables that joined late
     * @param refused    tables that could not join or keep their replica identity, with PostgreSQL's
     *                   reason; they are tried again at the next sync
     */
    public record Sync(List<String> added, int backfilled, Map<String, String> refused) {
    }

    /**
     * Creates the publication or adds the tracked tables it lacks, and sets replica identity where
     * missing. Idempotent: a transaction for the publication, then one per table that joins.
     */
    public Sync sync(Connection c) throws SQLException {
        List<String> added = new ArrayList<>();
        boolean created = Transactions.call(c, x -> prepare(x, added));
        Set<String> members = members(c);
        int backfilled = 0;
        Map<String, String> refused = new TreeMap<>();
        for (Tracked t : tracked(c)) {
            String table = Identifiers.qualified(t.schema(), t.name());
            try {
                if (!members.contains(table)) {
                    // A new publication starts with the tables as they are (history starts with the slot).
                    backfilled += Transactions.call(c, x -> join(x, t, !created));
                    added.add(table);
                } else if (!"f".equals(t.replicaIdentity())) {
                    Transactions.run(c, x -> fullReplicaIdentity(x, table));
                }
            } catch (DatabaseException failure) {
                SQLException e = failure.sqlCause();
                if (e.getSQLState() == null || e.getSQLState().startsWith("08")) {
                    throw e; // the connection, not the table
                }
                refused.put(table, reason(e));
            }
        }
        if (!added.isEmpty()) {
            log.info("publication {}: added {}{}", name, added, backfilled == 0 ? ""
                    : " (" + backfilled + " snapshot record(s) of rows written before they joined)");
        }
        return new Sync(added, backfilled, refused);
    }

    /** Creates the publication over Flux's own tables, or completes it; true when it created it. */
    private boolean prepare(Connection c, List<String> added) throws SQLException {
        try (Statement st = c.createStatement()) {
            if (!exists(c)) {
                st.execute("CREATE PUBLICATION " + Identifiers.quote(name) + " FOR TABLE " + LOG_TABLE_WITH_COLUMNS
                        + ", " + JOURNAL_TABLE + ", " + WATERMARK_TABLE + " WITH (publish_via_partition_root = true)");
                log.info("created publication {} over the mutation log, the schema journal and the snapshot watermarks",
                        name);
                added.add(LOG_TABLE);
                added.add(JOURNAL_TABLE);
                added.add(WATERMARK_TABLE);
                return true;
            }
            Set<String> members = members(c);
            for (String own : List.of(JOURNAL_TABLE, WATERMARK_TABLE)) {
                if (!members.contains(own)) {
                    st.execute("ALTER PUBLICATION " + Identifiers.quote(name) + " ADD TABLE " + own);
                    added.add(own);
                }
            }
            if (!Set.copyOf(LOG_COLUMNS).equals(publishedLogColumns(c))) {
                // No ALTER for a member's column list: drop and add it back, in this transaction (atomic for decoding).
                if (members.contains(LOG_TABLE)) {
                    st.execute("ALTER PUBLICATION " + Identifiers.quote(name) + " DROP TABLE " + LOG_TABLE);
                } else {
                    added.add(LOG_TABLE);
                }
                st.execute("ALTER PUBLICATION " + Identifiers.quote(name) + " ADD TABLE " + LOG_TABLE_WITH_COLUMNS);
                log.info("publication {}: mutation log published with columns {}", name, LOG_COLUMNS);
            }
            return false;
        }
    }

    private int join(Connection c, Tracked t, boolean backfill) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(JOIN_LOCK_TIMEOUT);
        }
        try (PreparedStatement ps = c.prepareStatement(JOIN)) {
            ps.setString(1, name);
            ps.setLong(2, t.oid());
            ps.setBoolean(3, backfill);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt("written");
            }
        }
    }

    /** PostgreSQL's message and hint, without the PL/pgSQL context lines. */
    static String reason(SQLException e) {
        if (e instanceof PSQLException p && p.getServerErrorMessage() != null) {
            ServerErrorMessage m = p.getServerErrorMessage();
            return m.getMessage() + (m.getHint() == null ? "" : " (" + m.getHint() + ")") + " [SQLSTATE " + e.getSQLState() + "]";
        }
        return e.getMessage() + " [SQLSTATE " + e.getSQLState() + "]";
    }

    private static void fullReplicaIdentity(Connection c, String table) throws SQLException {
        log.info("setting REPLICA IDENTITY FULL on {}", table);
        try (Statement st = c.createStatement()) {
            st.execute("ALTER TABLE " + table + " REPLICA IDENTITY FULL");
        }
    }

    private record Tracked(long oid, String schema, String name, String replicaIdentity) {
    }

    private static List<Tracked> tracked(Connection c) throws SQLException {
        List<Tracked> tracked = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(TRACKED_TABLES)) {
            while (rs.next()) {
                tracked.add(new Tracked(rs.getLong("table_oid"), rs.getString("table_schema"),
                        rs.getString("table_name"), rs.getString("replica_identity")));
            }
        }
        return tracked;
    }

    private boolean exists(Connection c) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(EXISTS)) {
            st.setString(1, name);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** The table topics of the published tables (Flux's own tables excluded), one query. */
    public List<String> tableTopics(Connection c) throws SQLException {
        List<String> topics = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement(MEMBERS + " AND schemaname <> ?")) {
            st.setString(1, name);
            st.setString(2, LogSchema.SCHEMA);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    topics.add(TopicNames.forTable(rs.getString(1), rs.getString(2)));
                }
            }
        }
        return topics;
    }

    private Set<String> members(Connection c) throws SQLException {
        Set<String> members = new HashSet<>();
        try (PreparedStatement st = c.prepareStatement(MEMBERS)) {
            st.setString(1, name);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    members.add(Identifiers.qualified(rs.getString(1), rs.getString(2)));
                }
            }
        }
        return members;
    }

    /** The mutation log's published columns; null when it is not a member. */
    private Set<String> publishedLogColumns(Connection c) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(LOG_COLUMNS_PUBLISHED)) {
            st.setString(1, name);
            st.setString(2, LogSchema.SCHEMA);
            st.setString(3, LogSchema.TABLE);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? Set.of((String[]) rs.getArray(1).getArray()) : null;
            }
        }
    }
}
