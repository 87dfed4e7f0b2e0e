package flux.capture;

import flux.capture.kafka.ChangeMessages;
import flux.capture.kafka.ChangePublisher;
import flux.capture.kafka.SchemaChangeMessages;
import flux.capture.kafka.TransactionEvents;
import flux.capture.kafka.TransactionMessages;
import flux.capture.snapshot.SnapshotWindows;
import flux.log.Source;
import flux.capture.verify.CrossCheck;
import flux.capture.verify.Discrepancy;
import flux.capture.verify.WalRecordWriter;
import flux.capture.wal.TransactionAssembler;
import flux.capture.wal.WalChange;
import flux.capture.wal.WalMutationRecord;
import flux.capture.wal.WalTransaction;
import flux.pg.DatabaseException;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Debezium's consumer: per batch, completes transactions, cross-checks them against the
 * mutation log, records untracked changes and sends the changes to Kafka; records are marked
 * processed only once Kafka acknowledged them, oldest first, so offsets advance only to the
 * end of the last transaction Kafka holds. Up to {@link EngineSettings#sendsInFlight()} sends (4 by
 * default) await their acknowledgement while later batches are decoded, but only after a full batch (Debezium had
 * more queued). A batch that is not full means the stream caught up: every send is acknowledged
 * before returning, since Debezium calls the handler again only when changes arrive, so offsets
 * and figures are current when idle. The records of a transaction still open at the end of a
 * batch stay unmarked (the offset is a position, so marking the transaction's END later covers
 * them). One engine thread calls it; a new handler per engine run. Kafka and the mutation log
 * are behind {@link ChangePublisher} and {@link MutationLog}, so the ordering above can be tested
 * without either.
 *
 * <p>Raw SQL changes are placed in commit order by the highest mutation record id streamed before
 * them ({@link TransactionAssembler}). Streaming resumes at the stored offset, so that id must be
 * known there: the last record of each acknowledged send is marked with its offset plus
 * {@value #STREAMED_UP_TO}, the highest record id streamed up to the end of the last whole
 * transaction in it. Debezium stores the offset of the last record marked when it flushes (at
 * {@code markBatchFinished}, after every send's records are marked), so the stored offset always
 * carries the id that belongs to it; {@code ResumePosition} reads it back at the next start.
 */
final class ChangeStreamHandler implements DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> {
    private static final Logger log = LoggerFactory.getLogger(ChangeStreamHandler.class);
    /** The key Flux adds to Debezium's offset: the highest record id streamed up to that offset. */
    static final String STREAMED_UP_TO = "flux_streamed_up_to";

    private final String topicPrefix;
    private final CaptureStatus status;
    private final TransactionAssembler assembler;
    private final CrossCheck crossCheck;
    private final ChangePublisher publisher;
    private final MutationLog mutationLog;
    private final ImageCheck imageCheck;
    private final PublishedTables tables;
    private final LogBackfill backfill;
    private final JournalKeys journalKeys;
    private final int fullBatch;
    /** Sends allowed to await acknowledgement while the next batches are decoded. */
    private final int sendsInFlight;
    private final BooleanSupplier stopping;
    private final SnapshotWindows snapshots;
    private final Deque<InFlight> inFlight = new ArrayDeque<>();
    /** When this engine run began (the handler is made right before its engine), for the log of a (re)start. */
    private final long createdAt = System.nanoTime();
    private boolean sawBatch;
    private boolean sawAcknowledgement;

    /**
     * @param topicPrefix the connector's {@code topic.prefix} (the slot name)
     * @param fullBatch   Debezium's {@code max.batch.size}: a batch this large means more is queued
     * @param stopping    true once capture is closing (a wait for Kafka then gives up)
     * @param streamedUpTo the highest record id streamed before where streaming resumes
     */
    ChangeStreamHandler(String topicPrefix, CaptureStatus status, CrossCheck crossCheck, ChangePublisher publisher,
                        MutationLog mutationLog, ImageCheck imageCheck, PublishedTables tables, int fullBatch,
                        BooleanSupplier stopping, long streamedUpTo) {
        this(topicPrefix, status, crossCheck, publisher, mutationLog, imageCheck, tables, fullBatch,
                EngineSettings.DEFAULT.sendsInFlight(), stopping, streamedUpTo, new SnapshotWindows());
    }

    /**
     * @param sendsInFlight sends left awaiting acknowledgement after a full batch
     * @param snapshots     where snapshot chunks meet the stream ({@link SnapshotWindows})
     */
    ChangeStreamHandler(String topicPrefix, CaptureStatus status, CrossCheck crossCheck, ChangePublisher publisher,
                        MutationLog mutationLog, ImageCheck imageCheck, PublishedTables tables, int fullBatch,
                        int sendsInFlight, BooleanSupplier stopping, long streamedUpTo, SnapshotWindows snapshots) {
        this.snapshots = snapshots;
        this.topicPrefix = topicPrefix;
        this.status = status;
        this.assembler = new TransactionAssembler(topicPrefix, streamedUpTo);
        this.crossCheck = crossCheck;
        this.publisher = publisher;
        this.mutationLog = mutationLog;
        this.imageCheck = imageCheck;
        this.tables = tables;
        this.backfill = new LogBackfill(tables, mutationLog);
        this.journalKeys = new JournalKeys(tables);
        this.fullBatch = fullBatch;
        this.sendsInFlight = sendsInFlight;
        this.stopping = stopping;
    }

    /**
     * The handler of one engine run, on the pipeline's database (a connection each for records and
     * images), resuming where the stored offset says ({@code streamedUpTo}).
     */
    static ChangeStreamHandler of(CaptureConfig config, CaptureStatus status, CrossCheck crossCheck,
                                  ChangePublisher publisher, BooleanSupplier stopping, long streamedUpTo,
                                  SnapshotWindows snapshots) {
        return new ChangeStreamHandler(config.slotName(), status, crossCheck, publisher,
                new PgMutationLog(config, "records"),
                new ImageCheck(config.slotName(), status, new PgMutationLog(config, "images")),
                new PgPublishedTables(config), config.engine().maxBatchSize(), config.engine().sendsInFlight(), stopping,
                streamedUpTo, snapshots);
    }

    @Override
    public void handleBatch(List<RecordChangeEvent<SourceRecord>> records,
                            DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
            throws InterruptedException {
        if (!sawBatch) {
            sawBatch = true;
            status.start.mark("first batch");
            log.info("capture {}: first batch of this engine run ({} records) {} ms after the engine was made",
                    topicPrefix, records.size(), (System.nanoTime() - createdAt) / 1_000_000);
        }
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
        inFlight.add(publish(transactions, complete, assembler.streamedUpTo()));
        // Debezium returns a batch before it is full only when its queue ran dry: nothing may follow
        // until the next change or heartbeat, so the sends must not be left unmarked. (With "below
        // 512 records" here, a burst's last, larger batches stayed in flight until the heartbeat
        // 10 s later: figures and offsets stale for that long, and bench drains timed to it.) A burst
        // whose last batch is exactly full still waits for the next call: rare, and bookkeeping only.
        boolean caughtUp = records.size() < fullBatch;
        markAcknowledged(committer, caughtUp ? 0 : sendsInFlight);
        committer.markBatchFinished();
    }

    /**
     * Marks the records of acknowledged sends, oldest first; then, while more than {@code keep}
     * sends are unanswered, waits (and resends on failure) for all of them.
     */
    private void markAcknowledged(DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer, int keep)
            throws InterruptedException {
        while (!inFlight.isEmpty() && inFlight.peek().sent().acknowledged()) {
            complete(inFlight.poll(), committer);
        }
        if (inFlight.size() > keep) {
            List<ChangePublisher.Delivery> all = new ArrayList<>();
            inFlight.forEach(f -> all.add(f.sent()));
            publisher.awaitAcknowledged(all, stopping);
            while (!inFlight.isEmpty()) {
                complete(inFlight.poll(), committer);
            }
        }
    }

    private void complete(InFlight f, DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
            throws InterruptedException {
        List<RecordChangeEvent<SourceRecord>> toMark = f.toMark();
        for (int i = 0; i < toMark.size() - 1; i++) {
            committer.markProcessed(toMark.get(i));
        }
        if (!toMark.isEmpty()) {
            RecordChangeEvent<SourceRecord> last = toMark.get(toMark.size() - 1);
            DebeziumEngine.Offsets offsets = committer.buildOffsets();
            last.record().sourceOffset().forEach(offsets::set);
            offsets.set(STREAMED_UP_TO, f.streamedUpTo());
            committer.markProcessed(last, offsets);
        }
        status.transactions.addAndGet(f.transactions());
        status.eventsPublished.addAndGet(f.events());
        status.rolledBackPublished.addAndGet(f.rolledBack());
        status.schemaChangesPublished.addAndGet(f.schemaChanges());
        status.countTenantEvents(f.byTenant());
        f.onAcknowledged().forEach(Runnable::run);
        if (f.lastLsn() >= 0) {
            status.lastLsn.set(f.lastLsn());
            status.lastEventAt.set(Instant.now());
            if (!sawAcknowledgement) {
                sawAcknowledgement = true;
                status.start.mark(StartTimeline.FIRST_EVENT);
                log.info("capture {}: first event of this engine run acknowledged by Kafka {} ms after the engine was"
                        + " made", topicPrefix, (System.nanoTime() - createdAt) / 1_000_000);
            }
        }
    }

    /**
     * Records sent in one batch and what to do once Kafka acknowledged them; {@code streamedUpTo}
     * belongs to the offset of the last of {@code toMark}.
     */
    private record InFlight(ChangePublisher.Delivery sent, List<RecordChangeEvent<SourceRecord>> toMark,
                            int transactions, long events, long rolledBack, long schemaChanges, long lastLsn,
                            Map<String, Long> byTenant, long streamedUpTo, List<Runnable> onAcknowledged) {
    }

    /**
     * Pairs, records untracked changes, sends; then hands the paired changes to the image
     * comparison, which reads the records' images on its own thread (it only counts and logs, so
     * neither Kafka nor the offsets wait for it). Rolled-back attempts are published with their
     * images: read before sending.
     */
    private InFlight publish(List<WalTransaction> transactions, List<RecordChangeEvent<SourceRecord>> toMark,
                             long streamedUpTo) throws InterruptedException {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        List<CrossCheck.Outgoing> paired = new ArrayList<>();
        long events = 0;
        long rolledBack = 0;
        long schemaChanges = 0;
        long lastLsn = -1;
        Map<String, Long> byTenant = new HashMap<>();
        List<Runnable> onAcknowledged = new ArrayList<>(0);
        for (WalTransaction whole : transactions) {
            // The schema journal's rows go to flux.schema_changes first: they describe the shape of
            // the rows that follow them (recorded inside a DDL's or a migration's transaction).
            WalTransaction withoutJournal = SchemaChangeMessages.withoutJournal(whole);
            WalTransaction withoutWatermarks = SnapshotWindows.withoutWatermarks(withoutJournal);
            // Keyed before anything pairs, records or publishes a change by its key.
            WalTransaction tx = withKeys(withoutWatermarks);
            for (WalChange journaled : SchemaChangeMessages.journalRows(whole)) {
                out.add(SchemaChangeMessages.of(journaled));
                schemaChanges++;
            }
            CrossCheck.Result result = crossCheck.check(tx);
            LogBackfill.Resolved resolved = resolve(result);
            report(result.matched(), result.untracked().size(), resolved.discrepancies(), resolved.backfilled().size());
            WalRecordWriter.Recorded recorded = result.untracked().isEmpty() ? null : recordUntracked(result, tx);
            Map<WalChange, String> untrackedTenants = recorded == null ? Map.of() : tenants(result, recorded);
            boolean toTableTopics = !result.published().isEmpty() || !resolved.backfilled().isEmpty();
            TransactionEvents positions = new TransactionEvents(tx.commitLsn());
            TransactionMessages.Transaction boundary = toTableTopics
                    ? boundary(tx, result, recorded, resolved) : null;
            if (boundary != null) {
                out.add(TransactionMessages.begin(boundary));
            }
            for (CrossCheck.Outgoing published : result.published()) {
                // An untracked change carries the tenant, request and source its record in the log was given.
                CrossCheck.Outgoing change = published.record() != null ? published
                        : published.asRecorded(untrackedTenants.get(published.change()), recorded.requestId(),
                                recorded.source());
                out.add(ChangeMessages.change(change, result.txid8(), positions));
                if (change.tenantId() != null) {
                    byTenant.merge(change.tenantId(), 1L, Long::sum);
                }
                lastLsn = Math.max(lastLsn, change.change().lsn());
                if (change.record() != null) {
                    paired.add(change);
                }
            }
            if (snapshots.anyOpen()) {
                result.published().forEach(p -> snapshots.streamed(p.change()));
            }
            if (withoutWatermarks != withoutJournal) {
                publishChunks(withoutJournal, out, onAcknowledged);
            }
            for (WalMutationRecord r : withImages(result.rolledBack())) {
                out.add(ChangeMessages.rolledBack(r, tx.tsMs()));
                if (r.tenantId() != null) {
                    byTenant.merge(r.tenantId(), 1L, Long::sum);
                }
            }
            for (LogBackfill.Backfilled b : resolved.backfilled()) {
                out.add(ChangeMessages.fromLog(b.record(), b.keyColumns(), tx.tsMs(), positions));
                if (b.record().tenantId() != null) {
                    byTenant.merge(b.record().tenantId(), 1L, Long::sum);
                }
                lastLsn = Math.max(lastLsn, b.record().lsn());
            }
            if (boundary != null) {
                out.add(TransactionMessages.end(boundary, positions));
            }
            events += result.published().size() + resolved.backfilled().size();
            rolledBack += result.rolledBack().size();
        }
        InFlight sent = new InFlight(publisher.send(out), toMark, transactions.size(), events, rolledBack,
                schemaChanges, lastLsn, byTenant, streamedUpTo, onAcknowledged);
        imageCheck.submit(paired);
        return sent;
    }

    /**
     * A high watermark in the transaction: its chunk goes out here, in stream order, minus the keys
     * changed since the low one; the snapshot runner learns once Kafka acknowledged it.
     */
    private void publishChunks(WalTransaction tx, List<ProducerRecord<byte[], byte[]>> out,
                               List<Runnable> onAcknowledged) throws InterruptedException {
        for (WalChange mark : tx.changes()) {
            if (!SnapshotWindows.isWatermark(mark)) {
                continue;
            }
            SnapshotWindows.Window window = snapshots.watermark(mark);
            if (window == null) {
                continue;
            }
            List<SnapshotWindows.Row> rows = SnapshotWindows.rowsToPublish(window);
            String schemaOwner = rows.isEmpty() ? null : schemaOwner(window.snapshot().schema());
            long now = System.currentTimeMillis();
            for (SnapshotWindows.Row r : rows) {
                out.add(ChangeMessages.snapshotRead(window.snapshot().schema(), window.snapshot().table(), r.key(),
                        r.rowId(), r.image(), window.snapshot().id(), schemaOwner, now));
            }
            onAcknowledged.add(() -> window.acknowledged(rows.size()));
        }
    }

    /** The tenant owning a snapshotted table's schema: READ messages carry it, as the table's changes do. */
    private String schemaOwner(String schema) throws InterruptedException {
        try {
            return mutationLog.schemaOwner(schema);
        } catch (SQLException e) {
            // Failing the batch leaves offsets where they are: the engine restarts and replays it.
            throw FailureClassifier.classify("cannot read the tenant owning schema " + schema, e);
        }
    }

    /**
     * What the transaction's BEGIN and END say: its request as its changes carry it, and its source,
     * {@code api} when any change was an API write (matched, or published from the log).
     */
    private static TransactionMessages.Transaction boundary(WalTransaction tx, CrossCheck.Result result,
                                                            WalRecordWriter.Recorded recorded,
                                                            LogBackfill.Resolved resolved) {
        boolean api = result.matched() > 0 || resolved.backfilled().stream()
                .anyMatch(b -> Source.API.stored().equals(b.record().source()));
        String source = api ? Source.API.stored() : recorded != null ? recorded.source() : Source.WAL.stored();
        String requestId = recorded != null ? recorded.requestId() : result.walRequestId();
        return new TransactionMessages.Transaction(result.txid8(), requestId, tx.commitLsn(), tx.tsMs(), source);
    }

    private void report(int matched, int untracked, List<Discrepancy> discrepancies, int backfilled) {
        status.matched.addAndGet(matched);
        status.untracked.addAndGet(untracked);
        status.backfilled.addAndGet(backfilled);
        for (Discrepancy d : discrepancies) {
            if (d instanceof Discrepancy.MissingChange) {
                status.missing.incrementAndGet();
            } else {
                status.mismatched.incrementAndGet();
            }
            log.warn("cross-check: {}", d);
        }
    }

    /** Changes Debezium delivered without a key get the one the schema journal had for their table (JournalKeys). */
    private WalTransaction withKeys(WalTransaction tx) {
        try {
            return journalKeys.keyed(tx);
        } catch (SQLException | DatabaseException failure) {
            SQLException e = DatabaseException.sqlCauseOf(failure);
            // Failing the batch leaves offsets where they are: the engine restarts and replays it.
            throw FailureClassifier.classify("cannot read the schema journal for the keyless changes of transaction "
                    + tx.xid(), e);
        }
    }

    /** Records without a WAL change whose table was not published yet go to Kafka from the log (LogBackfill). */
    private LogBackfill.Resolved resolve(CrossCheck.Result result) throws InterruptedException {
        try {
            return backfill.resolve(result);
        } catch (SQLException | DatabaseException failure) {
            SQLException e = DatabaseException.sqlCauseOf(failure);
            // Failing the batch leaves offsets where they are: the engine restarts and replays it.
            throw FailureClassifier.classify("cannot read the mutation records of transaction "
                    + Long.toUnsignedString(result.txid8()) + " that have no WAL change", e);
        }
    }

    /** The records with their images and error, read in one query (the WAL carries neither). */
    private List<WalMutationRecord> withImages(List<WalMutationRecord> records) throws InterruptedException {
        if (records.isEmpty()) {
            return records;
        }
        try {
            return mutationLog.withImages(records);
        } catch (SQLException | DatabaseException failure) {
            SQLException e = DatabaseException.sqlCauseOf(failure);
            // Failing the batch leaves offsets where they are: the engine restarts and replays it.
            throw FailureClassifier.classify("cannot read the images of " + records.size() + " mutation record(s)", e);
        }
    }

    /**
     * The mutation log learns about raw SQL writes before Kafka does (replays are not written
     * again).
     */
    private WalRecordWriter.Recorded recordUntracked(CrossCheck.Result result, WalTransaction tx) {
        try {
            WalRecordWriter.Recorded recorded = mutationLog.recordUntracked(result.txid8(), result.walRequestId(),
                    tx.committedAt(), result.untracked());
            if (recorded.written() > 0) {
                log.info("transaction {} bypassed the API: recorded {} change(s) with source '{}'",
                        Long.toUnsignedString(result.txid8()), recorded.written(), recorded.source());
            }
            return recorded;
        } catch (SQLException | DatabaseException failure) {
            SQLException e = DatabaseException.sqlCauseOf(failure);
            // Failing the batch leaves offsets where they are: the engine restarts and replays it.
            throw FailureClassifier.classify("cannot record untracked changes of transaction "
                    + Long.toUnsignedString(result.txid8()), e);
        }
    }

    /** Each untracked change's tenant as the log has it (identity: a transaction may change a row twice). */
    private static Map<WalChange, String> tenants(CrossCheck.Result result, WalRecordWriter.Recorded recorded) {
        Map<WalChange, String> tenants = new IdentityHashMap<>();
        for (int i = 0; i < result.untracked().size(); i++) {
            tenants.put(result.untracked().get(i), recorded.tenants().get(i));
        }
        return tenants;
    }

    void close() {
        imageCheck.close();
        mutationLog.close();
        tables.close();
    }
}
