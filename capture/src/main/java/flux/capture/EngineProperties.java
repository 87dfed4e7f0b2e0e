package flux.capture;

import flux.capture.pg.PostgresOffsetStore;
import flux.capture.pg.Publication;
import java.util.Properties;

/**
 * The Debezium engine's configuration; each non-default value says why (see STACK-NOTES). Public for
 * tools that run Debezium beside capture with the same settings (the capture bench's decode-only baseline).
 */
public final class EngineProperties {
    private EngineProperties() {
    }

    public static Properties of(CaptureConfig config) {
        Properties p = new Properties();
        p.setProperty("name", config.slotName());
        p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        p.setProperty("database.hostname", config.host());
        p.setProperty("database.port", Integer.toString(config.port()));
        p.setProperty("database.user", config.user());
        p.setProperty("database.password", config.password());
        p.setProperty("database.dbname", config.database());
        p.setProperty("topic.prefix", config.slotName());
        p.setProperty("plugin.name", "pgoutput");
        p.setProperty("slot.name", config.slotName());
        p.setProperty("publication.name", config.publicationName());
        // Flux maintains the publication (tracked tables + mutation log), never all_tables.
        p.setProperty("publication.autocreate.mode", "disabled");
        // Flux's own tables outside the publication send nothing, but each would cost a schema query per start.
        p.setProperty("table.exclude.list", Publication.unpublishedOwnTables());
        // History starts with the slot; existing rows are not replayed as inserts.
        p.setProperty("snapshot.mode", "no_data");
        // BEGIN/END markers tell where a transaction ends, so it is paired and published whole.
        p.setProperty("provide.transaction.metadata", "true");
        p.setProperty("tombstones.on.delete", "false");
        // Debezium skips TRUNCATE by default; Flux records it (a table-level entry) and publishes it.
        p.setProperty("skipped.operations", "none");
        // Exact digits (BigDecimal's plain text) and NaN/Infinity, which 'precise' refuses; RowJson makes numbers of them.
        p.setProperty("decimal.handling.mode", "string");
        // Each field of an interval kept (ISO 8601), so RowJson can write PostgreSQL's text as to_jsonb does;
        // the default folds months into 30-day microseconds.
        p.setProperty("interval.handling.mode", "string");
        // The column type on each field tells numeric from text (numbers in JSON, like to_jsonb).
        p.setProperty("column.propagate.source.type", ".*");
        // xid8 (state_mutations.txid) has no mapping; without this the column is dropped.
        p.setProperty("include.unknown.datatypes", "true");
        // Debezium's default 500 ms is half a second of latency per quiet period; see CaptureConfig.
        p.setProperty("poll.interval.ms", Long.toString(config.pollInterval().toMillis()));
        // Debezium's per-record context headers: unused here, and built (with strings) for every change.
        p.setProperty("extended.headers.enabled", "false");
        // Lag percentiles (MilliSecondsBehindSource P50/P95/P99): a sketch fed per change through a queue
        // of 1,000 whose thread falls behind in a drain (a warning logged per overflowing change). Off, the
        // queue stays but its consumer is a no-op. Flux reports the slot's lag instead.
        p.setProperty("statistics.metrics.enabled", "false");
        // A batch below max.batch.size means Debezium's queue ran dry (ChangeStreamHandler); see EngineSettings.
        p.setProperty("max.batch.size", Integer.toString(config.engine().maxBatchSize()));
        p.setProperty("max.queue.size", Integer.toString(config.engine().maxQueueSize()));
        // Heartbeats move the confirmed LSN when tracked tables are idle but the server writes WAL.
        p.setProperty("heartbeat.interval.ms", Long.toString(config.heartbeat().toMillis()));
        p.setProperty("heartbeat.action.query", "SELECT pg_logical_emit_message(false, 'flux.heartbeat', '')");
        p.setProperty("retriable.restart.connector.wait.ms", "1000");
        p.setProperty("errors.max.retries", "-1");
        p.setProperty("offset.storage", PostgresOffsetStore.class.getName());
        p.setProperty(PostgresOffsetStore.URL, config.jdbcUrl());
        p.setProperty(PostgresOffsetStore.USER, config.user());
        p.setProperty(PostgresOffsetStore.PASSWORD, config.password());
        p.setProperty(PostgresOffsetStore.SLOT, config.slotName());
        // Offsets only ever cover records Kafka acknowledged, so the flush interval bounds the replay
        // after a crash (duplicates), never a loss; once a second costs far less than every batch. The
        // engine checks it when a batch finishes (no timer): a burst's last offsets wait for the next
        // batch, at the latest the next heartbeat.
        p.setProperty("offset.flush.interval.ms", "1000");
        p.setProperty("offset.flush.timeout.ms", "10000");
        // A stored offset behind the slot's confirmed position (the last asynchronous offset commits lost in a
        // crash of PostgreSQL, an offsets row restored from a backup, a slot advanced by hand) resumes at the
        // slot: offsets only cover what Kafka acknowledged, and the slot moves only after them. Debezium's
        // default refuses such an offset once the slot's restart_lsn passed it, forever (ResumePosition).
        p.setProperty("offset.mismatch.strategy", "trust_slot");
        return p;
    }
}
