package flux.capture.snapshot;

import flux.log.SchemaJournal;
import flux.pg.Identifiers;
import flux.pg.Transactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The one owner of {@code flux.capture_snapshots} (capture-schema.sql): asking for a snapshot (with
 * its checks), listing, cancelling, and the runner's progress. Stateless; each call on the connection
 * given.
 */
public final class SnapshotStore {
    /** SQLSTATE undefined_table. */
    private static final String UNDEFINED_TABLE = "42P01";

    private static final String COLUMNS = "id, table_schema, table_name, filter, chunk_size, status, last_key::text,"
            + " max_key::text, rows_done, rows_estimated, error, created_at, updated_at";
    /** The channel notified when a snapshot is asked for: the runner, idle, waits on it. */
    static final String REQUESTED = "flux_capture_snapshot_requested";
    /** A chunk is held in memory between its watermarks. */
    public static final int MAX_CHUNK = 100_000;
    private static final String TRACKED = "SELECT table_schema, table_name FROM flux.user_tables"
            + " WHERE logged AND cardinality(key_columns) > 0 AND table_schema = ? AND table_name = ?";

    /** A snapshot asked for wrongly: nothing was changed (the message says what to fix). */
    public static final class Refused extends Exception {
        public Refused(String message) {
            super(message);
        }
    }

    private SnapshotStore() {
    }

    /**
     * Records a snapshot of a tracked table for the runner; checks the table and the filter first.
     *
     * @param table  {@code table} (schema public) or {@code schema.table}
     * @param filter a boolean SQL expression over the table's columns, or null/blank for all rows
     * @throws Refused when the table is not tracked or the filter is not one valid boolean expression
     */
    public static Snapshot create(Connection c, String table, String filter, int chunkSize) throws SQLException, Refused {
        if (chunkSize < 1 || chunkSize > MAX_CHUNK) {
            throw new Refused("chunk size must be 1 to " + MAX_CHUNK + " rows: " + chunkSize);
        }
        String[] name = resolve(c, table);
        String where = filter == null || filter.isBlank() ? null : filter.strip();
        if (where != null) {
            SnapshotFilter.check(c, name[0], name[1], where);
        }
        long estimated = count(c, name[0], name[1], where);
        String maxKey = maxKey(c, name[0], name[1], where);
        String id = UUID.randomUUID().toString();
        try (PreparedStatement st = c.prepareStatement("INSERT INTO flux.capture_snapshots"
                + " (id, table_schema, table_name, filter, chunk_size, rows_estimated, max_key)"
                + " VALUES (?, ?, ?, ?, ?, ?, CAST(? AS jsonb)) RETURNING " + COLUMNS)) {
            st.setString(1, id);
            st.setString(2, name[0]);
            st.setString(3, name[1]);
            st.setString(4, where);
            st.setInt(5, chunkSize);
            st.setLong(6, estimated);
            st.setString(7, maxKey);
            Snapshot s;
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                s = read(rs);
            }
            notifyRequested(c, s.id());
            return s;
        }
    }

    /** Wakes the runner (delivered when the caller's transaction commits, like the row it reads). */
    private static void notifyRequested(Connection c, String id) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            st.setString(1, REQUESTED);
            st.setString(2, id);
            st.execute();
        }
    }

    /**
     * Snapshots of tables that just joined the publication ({@code "schema"."table"} as
     * {@code Publication.Sync} names them; Flux's own tables are skipped), with {@code flux.capture.snapshot.on-join}.
     */
    public static void onJoin(Connection c, List<String> joined, int chunkSize) throws SQLException {
        for (String quoted : joined) {
            String[] parts = quoted.substring(1, quoted.length() - 1).split("\"\\.\"", 2);
            if (parts.length != 2 || parts[0].equals("flux")) {
                continue;
            }
            String table = parts[0].replace("\"\"", "\"") + "." + parts[1].replace("\"\"", "\"");
            try {
                Snapshot s = create(c, table, null, chunkSize);
                org.slf4j.LoggerFactory.getLogger(SnapshotStore.class).info("snapshot {} of {} (joined capture): {} rows",
                        s.id(), s.qualifiedName(), s.rowsEstimated());
            } catch (Refused e) {
                org.slf4j.LoggerFactory.getLogger(SnapshotStore.class).warn("no snapshot of {}: {}", table, e.getMessage());
            }
        }
    }

    /** Every snapshot, newest first. */
    /** Every snapshot, newest first; none on a database capture's schema was never installed on. */
    public static List<Snapshot> list(Connection c) throws SQLException {
        return neverInstalledAsNone(() -> query(c, "SELECT " + COLUMNS + " FROM flux.capture_snapshots"
                + " ORDER BY created_at DESC, id"));
    }

    public static Optional<Snapshot> find(Connection c, String id) throws SQLException {
        return neverInstalledAsNone(() -> query(c, "SELECT " + COLUMNS + " FROM flux.capture_snapshots WHERE id = ?", id))
                .stream().findFirst();
    }

    /**
     * The snapshots {@code read} finds, or none when capture's schema was never installed (no
     * capture ever ran on this database, so no snapshot exists): an answer, not a missing relation.
     */
    private static List<Snapshot> neverInstalledAsNone(SnapshotRead read) throws SQLException {
        try {
            return read.run();
        } catch (SQLException e) {
            if (UNDEFINED_TABLE.equals(e.getSQLState())) {
                return List.of();
            }
            throw e;
        }
    }

    @FunctionalInterface
    private interface SnapshotRead {
        List<Snapshot> run() throws SQLException;
    }

    /** The oldest running snapshot: the runner's next work. */
    static Optional<Snapshot> nextRunning(Connection c) throws SQLException {
        return query(c, "SELECT " + COLUMNS + " FROM flux.capture_snapshots WHERE status = 'running'"
                + " ORDER BY created_at, id LIMIT 1").stream().findFirst();
    }

    /** Cancels a running snapshot; empty when there is none of that id, unchanged when it had ended already. */
    public static Optional<Snapshot> cancel(Connection c, String id) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("UPDATE flux.capture_snapshots SET status = 'cancelled',"
                + " updated_at = now() WHERE id = ? AND status = 'running'")) {
            st.setString(1, id);
            st.executeUpdate();
        } catch (SQLException e) {
            if (UNDEFINED_TABLE.equals(e.getSQLState())) {
                return Optional.empty(); // capture never ran here: no snapshot of that id
            }
            throw e;
        }
        return find(c, id);
    }

    /**
     * A chunk is published (acknowledged by Kafka): where the next one starts. Only while running;
     * false when it is not any more (cancelled).
     */
    static boolean chunkDone(Connection c, String id, String lastKey, int rows) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("UPDATE flux.capture_snapshots SET last_key = CAST(? AS jsonb),"
                + " rows_done = rows_done + ?, updated_at = now() WHERE id = ? AND status = 'running'")) {
            st.setString(1, lastKey);
            st.setLong(2, rows);
            st.setString(3, id);
            return st.executeUpdate() == 1;
        }
    }

    static void end(Connection c, String id, String status, String error) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("UPDATE flux.capture_snapshots SET status = ?, error = ?,"
                + " updated_at = now() WHERE id = ? AND status = 'running'")) {
            st.setString(1, status);
            st.setString(2, error);
            st.setString(3, id);
            st.executeUpdate();
        }
    }

    /** {@code [schema, table]} of a tracked table named {@code t} or {@code s.t}. */
    private static String[] resolve(Connection c, String table) throws SQLException, Refused {
        if (table == null || table.isBlank()) {
            throw new Refused("name the table to snapshot");
        }
        int dot = table.indexOf('.');
        String schema = dot < 0 ? "public" : table.substring(0, dot);
        String name = dot < 0 ? table : table.substring(dot + 1);
        try (PreparedStatement st = c.prepareStatement(TRACKED)) {
            st.setString(1, schema);
            st.setString(2, name);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    throw new Refused("no tracked table " + schema + "." + name
                            + " (capture tracks logged tables with a primary key outside flux and the system schemas)");
                }
                return new String[] {rs.getString(1), rs.getString(2)};
            }
        }
    }

    private static long count(Connection c, String schema, String table, String where) throws SQLException {
        return Transactions.rollBackAfter(c, x -> {
            try (Statement st = x.createStatement()) {
                st.execute("SET TRANSACTION READ ONLY");
                try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + Identifiers.qualified(schema, table)
                        + (where == null ? "" : " WHERE " + SnapshotFilter.wrapped(where)))) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    /**
     * The key of the last matching row in key order, as a JSON object: the snapshot ends there, or a
     * table with rows appended faster than chunks are read would never end. Null when no row matches.
     */
    private static String maxKey(Connection c, String schema, String table, String where) throws SQLException {
        List<String> key = keyColumns(c, schema, table);
        String order = key.stream().map(k -> "t." + Identifiers.quote(k) + " DESC").collect(Collectors.joining(", "));
        String pairs = key.stream().map(k -> "'" + k.replace("'", "''") + "', t." + Identifiers.quote(k))
                .collect(Collectors.joining(", "));
        return Transactions.rollBackAfter(c, x -> {
            try (Statement st = x.createStatement()) {
                st.execute("SET TRANSACTION READ ONLY");
                try (ResultSet rs = st.executeQuery("SELECT jsonb_build_object(" + pairs + ")::text FROM "
                        + Identifiers.qualified(schema, table) + " t"
                        + (where == null ? "" : " WHERE " + SnapshotFilter.wrapped(where)) + " ORDER BY " + order + " LIMIT 1")) {
                    return rs.next() ? rs.getString(1) : null;
                }
            }
        });
    }

    /** The table's primary key columns, in key order. */
    static List<String> keyColumns(Connection c, String schema, String table) throws SQLException {
        return SchemaJournal.keyColumns(c, schema, table);
    }

    private static List<Snapshot> query(Connection c, String sql, String... params) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                st.setString(i + 1, params[i]);
            }
            try (ResultSet rs = st.executeQuery()) {
                List<Snapshot> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(read(rs));
                }
                return out;
            }
        }
    }

    private static Snapshot read(ResultSet rs) throws SQLException {
        return new Snapshot(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5),
                rs.getString(6), rs.getString(7), rs.getString(8), rs.getLong(9), rs.getLong(10), rs.getString(11),
                rs.getTimestamp(12).toInstant(), rs.getTimestamp(13).toInstant());
    }
}
