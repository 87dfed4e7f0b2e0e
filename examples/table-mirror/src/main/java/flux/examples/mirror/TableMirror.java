package flux.examples.mirror;

import flux.client.FluxChange;
import flux.client.kafka.FluxRecords;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * An example consumer of Flux's topics: keeps a copy of one table in another PostgreSQL table.
 *
 * <ul>
 * <li>INSERT, UPDATE and READ (a snapshot's row) upsert the row image by the primary key; an UPDATE
 * that changed the key ({@code old_key}) first removes the row under its old key.</li>
 * <li>DELETE removes the row by its key; TRUNCATE empties the copy.</li>
 * <li>Delivery is at-least-once, so each change is applied once: its dedupe key
 * ({@link FluxChange#dedupeKey()}: the {@code flux-idempotency-key} header when the message has it,
 * else {@code lsn}, table and {@code row_id}) is inserted into {@code flux_mirror_applied} in the
 * same transaction as the change, and a change whose key is there already is skipped. A redelivered
 * old change can then never put an older image over a newer one.</li>
 * <li>Offsets are committed after the database transaction: a crash in between redelivers, and the
 * dedupe table absorbs it.</li>
 * </ul>
 *
 * Row images become rows through PostgreSQL itself ({@code jsonb_populate_record}), so the copy's
 * column types decide the conversion; the copy needs the source's key columns and a subset of its
 * columns. Run: {@code java flux.examples.mirror.TableMirror BOOTSTRAP TOPIC JDBC_URL TARGET_TABLE}.
 * Not thread-safe: one mirror per thread.
 */
public final class TableMirror implements AutoCloseable {
    private static final String APPLIED = "flux_mirror_applied";
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Connection db;
    private final String target;
    private final List<String> keyColumns;
    private final List<String> columns;

    /**
     * @param groupId Kafka consumer group: its committed offsets are where the mirror resumes
     * @param target  the copy, {@code table} or {@code schema.table} (unquoted names)
     */
    public TableMirror(String bootstrap, String topic, String groupId, String jdbcUrl, String target) throws SQLException {
        this.db = DriverManager.getConnection(jdbcUrl);
        this.db.setAutoCommit(false);
        this.target = qualified(target);
        String schema = target.contains(".") ? target.substring(0, target.indexOf('.')) : "public";
        String table = target.substring(target.indexOf('.') + 1);
        this.keyColumns = keyColumns(db.getMetaData(), schema, table);
        this.columns = columns(db.getMetaData(), schema, table);
        if (keyColumns.isEmpty()) {
            throw new IllegalArgumentException("the copy " + target + " needs a primary key (the source's)");
        }
        try (Statement st = db.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS " + APPLIED + " (dedupe_key text PRIMARY KEY, applied_at timestamptz DEFAULT now())");
        }
        db.commit();
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        this.consumer = new KafkaConsumer<>(p);
        consumer.subscribe(List.of(topic));
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: TableMirror BOOTSTRAP TOPIC JDBC_URL TARGET_TABLE");
            System.exit(2);
        }
        try (TableMirror mirror = new TableMirror(args[0], args[1], "flux-mirror-" + args[3], args[2], args[3])) {
            while (!Thread.currentThread().isInterrupted()) {
                mirror.pollOnce(Duration.ofSeconds(1));
            }
        }
    }

    /** Polls once and applies what came, in one transaction; returns how many changes were new. */
    public int pollOnce(Duration timeout) throws SQLException {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(timeout);
        if (records.isEmpty()) {
            return 0;
        }
        int applied = 0;
        try {
            for (ConsumerRecord<byte[], byte[]> r : records) {
                if (apply(FluxRecords.change(r))) {
                    applied++;
                }
            }
            db.commit();
        } catch (SQLException | RuntimeException e) {
            db.rollback();
            throw e;
        }
        consumer.commitSync();
        return applied;
    }

    /** Messages of the topic not read yet (0 once the mirror has caught up with what the topic holds). */
    public long lag() {
        long lag = 0;
        for (var entry : consumer.endOffsets(consumer.assignment()).entrySet()) {
            lag += Math.max(0, entry.getValue() - consumer.position(entry.getKey()));
        }
        return consumer.assignment().isEmpty() ? Long.MAX_VALUE : lag;
    }

    private boolean apply(FluxChange c) throws SQLException {
        try (PreparedStatement seen = db.prepareStatement(
                "INSERT INTO " + APPLIED + " (dedupe_key) VALUES (?) ON CONFLICT DO NOTHING")) {
            seen.setString(1, c.dedupeKey());
            if (seen.executeUpdate() == 0) {
                return false; // a redelivery: applied before
            }
        }
        switch (c.op()) {
            case INSERT, UPDATE, READ -> {
                if (c.keyChanged()) {
                    deleteByKey(c.oldKey().toString());
                }
                upsert(c.after().toString());
            }
            case DELETE -> deleteByKey(c.before().toString());
            case TRUNCATE -> {
                try (Statement st = db.createStatement()) {
                    st.execute("DELETE FROM " + target);
                }
            }
        }
        return true;
    }

    private void upsert(String image) throws SQLException {
        String list = columns.stream().map(TableMirror::quote).collect(Collectors.joining(", "));
        String excluded = columns.stream().map(c -> "EXCLUDED." + quote(c)).collect(Collectors.joining(", "));
        String keys = keyColumns.stream().map(TableMirror::quote).collect(Collectors.joining(", "));
        // ROW(...) keeps the one-column case valid: SET (a) = (EXCLUDED.a) needs it.
        String sql = "INSERT INTO " + target + " (" + list + ") SELECT " + list
                + " FROM jsonb_populate_record(NULL::" + target + ", CAST(? AS jsonb))"
                + " ON CONFLICT (" + keys + ") DO UPDATE SET (" + list + ") = ROW(" + excluded + ")";
        try (PreparedStatement st = db.prepareStatement(sql)) {
            st.setString(1, image);
            st.executeUpdate();
        }
    }

    /** Deletes the row whose key columns equal those of {@code image} (a row image or a key). */
    private void deleteByKey(String image) throws SQLException {
        String match = keyColumns.stream().map(k -> "t." + quote(k) + " = k." + quote(k)).collect(Collectors.joining(" AND "));
        try (PreparedStatement st = db.prepareStatement("DELETE FROM " + target + " t USING jsonb_populate_record(NULL::"
                + target + ", CAST(? AS jsonb)) k WHERE " + match)) {
            st.setString(1, image);
            st.executeUpdate();
        }
    }

    private static List<String> keyColumns(DatabaseMetaData meta, String schema, String table) throws SQLException {
        // The driver lists them by name; KEY_SEQ is their place in the key.
        TreeMap<Short, String> keys = new TreeMap<>();
        try (ResultSet rs = meta.getPrimaryKeys(null, schema, table)) {
            while (rs.next()) {
                keys.put(rs.getShort("KEY_SEQ"), rs.getString("COLUMN_NAME"));
            }
        }
        return List.copyOf(keys.values());
    }

    private static List<String> columns(DatabaseMetaData meta, String schema, String table) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (ResultSet rs = meta.getColumns(null, schema, table, null)) {
            while (rs.next()) {
                columns.add(rs.getString("COLUMN_NAME"));
            }
        }
        return columns;
    }

    private static String qualified(String table) {
        int dot = table.indexOf('.');
        return dot < 0 ? quote(table) : quote(table.substring(0, dot)) + "." + quote(table.substring(dot + 1));
    }

    /** An identifier as PostgreSQL quotes it (names come from the catalog or the command line, never from messages). */
    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    @Override
    public void close() throws SQLException {
        consumer.close();
        db.close();
    }
}
