package flux.capture.pg;

import flux.log.LogSchema;
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
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The publication capture reads: every tracked table plus {@code flux.state_mutations}.
 * Tracked tables are ordinary (or partitioned) tables with a primary key outside the system
 * schemas and {@code flux}; they get {@code REPLICA IDENTITY FULL} so updates and deletes carry
 * the whole before image. Created by Flux rather than by Debezium's {@code all_tables}, which
 * would also publish capture's offsets table and tables without a key.
 *
 * <p>The mutation log is published with a column list (PostgreSQL 15+): the columns that pair
 * a record with its change, not its images. The images are half of the log's WAL bytes and the
 * dearest values to decode; the cross-check reads them by primary key instead
 * ({@code flux.capture.verify.RecordImages}).
 */
public final class Publication {
    private static final Logger log = LoggerFactory.getLogger(Publication.class);

    static final String TRACKED_TABLES = """
            SELECT n.nspname, c.relname, c.relreplident
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
               AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'flux')
               AND n.nspname NOT LIKE 'pg\\_%'
               AND EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary)
             ORDER BY n.nspname, c.relname
            """;
    static final String MEMBERS = "SELECT schemaname, tablename FROM pg_publication_tables WHERE pubname = ?";
    static final String EXISTS = "SELECT EXISTS (SELECT 1 FROM pg_publication WHERE pubname = ?)";
    static final String LOG_TABLE = Identifiers.qualified(LogSchema.SCHEMA, LogSchema.TABLE);
    /** The mutation log's published columns: those that pair a record with its change. */
    static final List<String> LOG_COLUMNS = LogSchema.PAIRING_COLUMNS;
    static final String LOG_COLUMNS_PUBLISHED =
            "SELECT attnames::text[] FROM pg_publication_tables WHERE pubname = ? AND schemaname = ? AND tablename = ?";
    private static final String LOG_TABLE_WITH_COLUMNS = LOG_TABLE + " (" + String.join(", ", LOG_COLUMNS) + ")";

    private final String name;

    public Publication(String name) {
        this.name = name;
    }

    /**
     * Creates the publication or adds the tracked tables it lacks, and sets replica identity
     * where missing. Idempotent; one transaction. Returns the tables added.
     */
    public List<String> sync(Connection c) throws SQLException {
        return Transactions.call(c, this::syncInTransaction);
    }

    private List<String> syncInTransaction(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            List<String> tracked = new ArrayList<>();
            try (ResultSet rs = st.executeQuery(TRACKED_TABLES)) {
                while (rs.next()) {
                    String table = Identifiers.qualified(rs.getString(1), rs.getString(2));
                    tracked.add(table);
                    if (!"f".equals(rs.getString(3))) {
                        log.info("setting REPLICA IDENTITY FULL on {}", table);
                        try (Statement alter = c.createStatement()) {
                            alter.execute("ALTER TABLE " + table + " REPLICA IDENTITY FULL");
                        }
                    }
                }
            }
            List<String> added = new ArrayList<>();
            if (!exists(c)) {
                List<String> all = new ArrayList<>(tracked);
                all.add(LOG_TABLE_WITH_COLUMNS);
                st.execute("CREATE PUBLICATION " + Identifiers.quote(name) + " FOR TABLE " + String.join(", ", all)
                        + " WITH (publish_via_partition_root = true)");
                log.info("created publication {} over {} tables and the mutation log", name, tracked.size());
                added.addAll(tracked);
                added.add(LOG_TABLE);
            } else {
                Set<String> members = members(c);
                for (String table : tracked) {
                    if (!members.contains(table)) {
                        added.add(table);
                    }
                }
                if (!added.isEmpty()) {
                    st.execute("ALTER PUBLICATION " + Identifiers.quote(name) + " ADD TABLE " + String.join(", ", added));
                    log.info("publication {}: added {}", name, added);
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
            }
            return added;
        }
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
