package flux.capture.pg;

import flux.capture.Lsns;
import flux.pg.DatabaseException;
import flux.pg.SchemaInstaller;
import flux.pg.SchemaScript;
import flux.pg.Transactions;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.storage.OffsetBackingStore;
import org.apache.kafka.connect.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Debezium's offsets in {@code flux.capture_offsets}, through plain JDBC (Debezium's JDBC store
 * refuses the empty password of trust authentication). The engine calls {@link #set} only for
 * offsets of records capture marked processed, which it does after Kafka acknowledged them;
 * the write commits before the engine confirms the LSN to the slot, so a crash replays from
 * the stored position and loses nothing.
 *
 * <p>The commit does not wait for its WAL flush ({@code synchronous_commit = off}): the engine
 * calls {@link #set} on the thread that polls changes, and a flush waiting for an fsync stalled
 * every change behind it (up to 114 ms on a busy disk). Only a crash of PostgreSQL itself can
 * lose such a commit (the last ~0.6 s of them), and then the stored offset is behind the slot's
 * confirmed position: the slot, not the offset, decides where streaming resumes, and everything
 * between the two was acknowledged by Kafka already, because offsets only ever cover
 * acknowledged records. Debezium resumes from the first transaction the slot sends, also once the
 * slot's restart_lsn passed the offset ({@code offset.mismatch.strategy=trust_slot}; tested in
 * {@code OffsetBehindSlotIT}). Offsets the slot confirmed already are handed to Debezium so that it
 * skips its resume search and second stream start ({@link ResumeSearch}). Configured through the engine's properties
 * {@value #URL}, {@value #USER}, {@value #PASSWORD} and {@value #SLOT}.
 */
public final class PostgresOffsetStore implements OffsetBackingStore {
    private static final Logger log = LoggerFactory.getLogger(PostgresOffsetStore.class);
    public static final String URL = "flux.offsets.jdbc.url";
    public static final String USER = "flux.offsets.jdbc.user";
    public static final String PASSWORD = "flux.offsets.jdbc.password";
    public static final String SLOT = "flux.offsets.slot";

    static final String CREATE = """
            CREATE TABLE IF NOT EXISTS flux.capture_offsets (
                slot_name  text        NOT NULL,
                key        bytea       NOT NULL,
                value      bytea,
                updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                PRIMARY KEY (slot_name, key)
            )""";
    private static final SchemaScript TABLE = new SchemaScript("capture offsets", "CREATE SCHEMA IF NOT EXISTS flux;\n" + CREATE);
    static final String LOAD = "SELECT key, value FROM flux.capture_offsets WHERE slot_name = ?";
    static final String UPSERT = """
            INSERT INTO flux.capture_offsets (slot_name, key, value) VALUES (?, ?, ?)
            ON CONFLICT (slot_name, key) DO UPDATE SET value = excluded.value, updated_at = clock_timestamp()""";

    static final String ASYNC_COMMIT = "SET synchronous_commit = off";
    /** Two statements: a query naming a table that does not exist (before the first start) fails to parse. */
    static final String TABLE_EXISTS = "SELECT to_regclass('flux.capture_offsets') IS NOT NULL";
    static final String STORED = "SELECT EXISTS (SELECT 1 FROM flux.capture_offsets WHERE slot_name = ?)";
    static final String CONFIRMED_FLUSH = """
            SELECT (confirmed_flush_lsn - '0/0'::pg_lsn)::bigint, confirmed_flush_lsn::text
              FROM pg_replication_slots WHERE slot_name = ?""";

    private final Map<ByteBuffer, ByteBuffer> offsets = new HashMap<>();
    private String url;
    private String user;
    private String password;
    private String slot;
    private Connection connection;

    @Override
    public void configure(WorkerConfig config) {
        Map<String, Object> originals = config.originals();
        url = required(originals, URL);
        user = required(originals, USER);
        Object pw = originals.get(PASSWORD);
        password = pw == null ? "" : pw.toString();
        slot = required(originals, SLOT);
    }

    @Override
    public synchronized void start() {
        try {
            Connection c = connection();
            SchemaInstaller.install(c, TABLE);
            Long confirmed = confirmedFlushLsn(c);
            try (PreparedStatement st = c.prepareStatement(LOAD)) {
                st.setString(1, slot);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        byte[] value = rs.getBytes(2);
                        if (value != null && confirmed != null) {
                            byte[] stored = value;
                            value = ResumeSearch.withoutSearch(stored, confirmed);
                            if (value != stored) {
                                log.info("capture {}: streaming starts at the stored offset at once, without Debezium's"
                                        + " resume search (the slot confirmed {})", slot, Lsns.format(confirmed));
                            }
                        }
                        offsets.put(ByteBuffer.wrap(rs.getBytes(1)), value == null ? null : ByteBuffer.wrap(value));
                    }
                }
            }
        } catch (SQLException | DatabaseException failure) {
            SQLException e = DatabaseException.sqlCauseOf(failure);
            closeConnection();
            throw new IllegalStateException("cannot read capture offsets of slot " + slot + ": " + e.getMessage(), e);
        }
    }

    /** The slot's confirmed position, null when the slot or the position is missing. */
    private Long confirmedFlushLsn(Connection c) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(CONFIRMED_FLUSH)) {
            st.setString(1, slot);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                long lsn = rs.getLong(1);
                return rs.wasNull() ? null : lsn;
            }
        }
    }

    @Override
    public synchronized void stop() {
        closeConnection();
    }

    @Override
    public synchronized Future<Map<ByteBuffer, ByteBuffer>> get(Collection<ByteBuffer> keys) {
        Map<ByteBuffer, ByteBuffer> result = new HashMap<>();
        for (ByteBuffer key : keys) {
            result.put(key, offsets.get(key));
        }
        return CompletableFuture.completedFuture(result);
    }

    @Override
    public synchronized Future<Void> set(Map<ByteBuffer, ByteBuffer> values, Callback<Void> callback) {
        try {
            Transactions.run(connection(), c -> {
                try (PreparedStatement st = c.prepareStatement(UPSERT)) {
                    for (Map.Entry<ByteBuffer, ByteBuffer> e : values.entrySet()) {
                        st.setString(1, slot);
                        st.setBytes(2, bytes(e.getKey()));
                        st.setBytes(3, e.getValue() == null ? null : bytes(e.getValue()));
                        st.addBatch();
                    }
                    st.executeBatch();
                }
            });
            offsets.putAll(values);
            if (callback != null) {
                callback.onCompletion(null, null);
            }
            return CompletableFuture.completedFuture(null);
        } catch (SQLException | DatabaseException failure) {
            SQLException e = DatabaseException.sqlCauseOf(failure);
            closeConnection(); // reconnect on the next flush
            if (callback != null) {
                callback.onCompletion(e, null);
            }
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Whether offsets of this slot are stored (a slot that streamed before, through this store). */
    public static boolean hasOffsets(Connection c, String slot) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(TABLE_EXISTS)) {
            rs.next();
            if (!rs.getBoolean(1)) {
                return false;
            }
        }
        try (PreparedStatement st = c.prepareStatement(STORED)) {
            st.setString(1, slot);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    @Override
    public Set<Map<String, Object>> connectorPartitions(String connectorName) {
        return Set.of(); // only Kafka Connect's REST API asks; the embedded engine does not
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = PgConnections.open(url, user, password, "offsets");
            try (Statement st = connection.createStatement()) {
                st.execute(ASYNC_COMMIT); // see the class comment
            }
        }
        return connection;
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // already broken
            }
            connection = null;
        }
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    private static String required(Map<String, Object> config, String key) {
        Object v = config.get(key);
        if (v == null || v.toString().isBlank()) {
            throw new IllegalArgumentException("capture offset store needs " + key);
        }
        return v.toString();
    }
}
