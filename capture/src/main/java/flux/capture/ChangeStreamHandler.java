package flux.capture;

import flux.capture.kafka.ChangeMessages;
import flux.capture.kafka.KafkaChangePublisher;
import flux.capture.pg.PgConnections;
import flux.capture.verify.CrossCheck;
import flux.capture.verify.Discrepancy;
import flux.capture.verify.WalRecordWriter;
import flux.capture.wal.TransactionAssembler;
import flux.capture.wal.WalTransaction;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Debezium's consumer: per batch, completes transactions, cross-checks them against the
 * mutation log, records untracked changes, publishes to Kafka, and only then marks records
 * processed. Offsets therefore advance only to the end of the last transaction Kafka
 * acknowledged; the records of a transaction still open at the end of a batch stay unmarked
 * (the offset is a position, so marking the transaction's END later covers them). One engine
 * thread calls it; a new handler per engine run.
 */
final class ChangeStreamHandler implements DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> {
    private static final Logger log = LoggerFactory.getLogger(ChangeStreamHandler.class);

    private final CaptureConfig config;
    private final CaptureStatus status;
    private final TransactionAssembler assembler;
    private final CrossCheck crossCheck;
    private final KafkaChangePublisher publisher;
    private final WalRecordWriter walRecords = new WalRecordWriter();
    private final BooleanSupplier stopping;
    private Connection walRecordConnection;

    ChangeStreamHandler(CaptureConfig config, CaptureStatus status, CrossCheck crossCheck,
                        KafkaChangePublisher publisher, BooleanSupplier stopping) {
        this.config = config;
        this.status = status;
        this.assembler = new TransactionAssembler(config.slotName());
        this.crossCheck = crossCheck;
        this.publisher = publisher;
        this.stopping = stopping;
    }

    @Override
    public void handleBatch(List<RecordChangeEvent<SourceRecord>> records,
                            DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
            throws InterruptedException {
        List<RecordChangeEvent<SourceRecord>> complete = new ArrayList<>(records.size());
        List<RecordChangeEvent<SourceRecord>> pending = new ArrayList<>();
        List<WalTransaction> transactions = new ArrayList<>();
        for (RecordChangeEvent<SourceRecord> event : records) {
            pending.add(event);
            WalTransaction done = assembler.accept(event.record());
            if (done != null) {
                transactions.add(done);
            }
            if (!assembler.inTransaction()) {
                complete.addAll(pending);
                pending.clear();
            }
        }
        publish(transactions);
        for (RecordChangeEvent<SourceRecord> event : complete) {
            committer.markProcessed(event);
        }
        committer.markBatchFinished();
    }

    private void publish(List<WalTransaction> transactions) throws InterruptedException {
        if (transactions.isEmpty()) {
            return;
        }
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        long events = 0;
        long rolledBack = 0;
        long lastLsn = -1;
        for (WalTransaction tx : transactions) {
            CrossCheck.Result result = crossCheck.check(tx);
            report(result);
            if (!result.untracked().isEmpty()) {
                recordUntracked(result);
            }
            for (CrossCheck.Outgoing change : result.published()) {
                out.add(ChangeMessages.change(change, result.txid8()));
                lastLsn = Math.max(lastLsn, change.change().lsn());
            }
            result.rolledBack().forEach(r -> out.add(ChangeMessages.rolledBack(r, tx.tsMs())));
            events += result.published().size();
            rolledBack += result.rolledBack().size();
        }
        publisher.publishAll(out, stopping);
        status.transactions.addAndGet(transactions.size());
        status.eventsPublished.addAndGet(events);
        status.rolledBackPublished.addAndGet(rolledBack);
        if (lastLsn >= 0) {
            status.lastLsn.set(lastLsn);
            status.lastEventAt.set(Instant.now());
        }
    }

    private void report(CrossCheck.Result result) {
        status.matched.addAndGet(result.matched());
        status.untracked.addAndGet(result.untracked().size());
        for (Discrepancy d : result.discrepancies()) {
            if (d instanceof Discrepancy.MissingChange) {
                status.missing.incrementAndGet();
            } else {
                status.mismatched.incrementAndGet();
            }
            log.warn("cross-check: {}", d);
        }
    }

    /** The mutation log learns about raw SQL writes before Kafka does (replays are skipped by the writer). */
    private void recordUntracked(CrossCheck.Result result) {
        try {
            if (walRecordConnection == null || walRecordConnection.isClosed()) {
                walRecordConnection = PgConnections.open(config, "records");
            }
            int written = walRecords.write(walRecordConnection, result.txid8(), result.walRequestId(), result.untracked());
            if (written > 0) {
                log.info("transaction {} bypassed the API: recorded {} change(s) with source 'wal'",
                        Long.toUnsignedString(result.txid8()), written);
            }
        } catch (SQLException e) {
            closeQuietly();
            // Failing the batch leaves offsets where they are: the engine restarts and replays it.
            throw new IllegalStateException("cannot record untracked changes of transaction "
                    + Long.toUnsignedString(result.txid8()) + ": " + e.getMessage(), e);
        }
    }

    void close() {
        closeQuietly();
    }

    private void closeQuietly() {
        if (walRecordConnection != null) {
            try {
                walRecordConnection.close();
            } catch (SQLException ignored) {
                // broken already
            }
            walRecordConnection = null;
        }
    }
}
