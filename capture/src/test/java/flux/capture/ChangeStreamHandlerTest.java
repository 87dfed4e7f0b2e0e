package flux.capture;

import flux.capture.kafka.TopicNames;

import static flux.capture.wal.DebeziumRecords.concat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.ObjectMapper;
import flux.capture.kafka.ChangePublisher;
import flux.capture.verify.CrossCheck;
import flux.capture.wal.DebeziumRecords;
import flux.capture.wal.TransactionIds;
import flux.capture.wal.WalChange;
import io.debezium.engine.RecordChangeEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * The at-least-once core: what Debezium hands over is marked processed (and so becomes the stored
 * offset) only once Kafka acknowledged it, oldest first, never past an unacknowledged send, and a
 * transaction only at its END. Kafka and the mutation log are fakes; a batch of {@value #FULL}
 * records counts as full (Debezium had more queued). A raw-SQL transaction is 3 records (BEGIN, row,
 * END), so two make a full batch.
 */
class ChangeStreamHandlerTest {
    private static final int FULL = 6;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DebeziumRecords wal = new DebeziumRecords("flux");
    private final CaptureStatus status = new CaptureStatus();
    private final FakePublisher kafka = new FakePublisher();
    private final RecordingCommitter committer = new RecordingCommitter();
    private final List<ChangeStreamHandler> handlers = new ArrayList<>();
    private boolean stopping;

    private ChangeStreamHandler handler(ChangePublisher publisher, MutationLog mutationLog) {
        return handler(publisher, mutationLog, 0);
    }

    private ChangeStreamHandler handler(ChangePublisher publisher, MutationLog mutationLog, long streamedUpTo) {
        ChangeStreamHandler h = new ChangeStreamHandler("flux", status, new CrossCheck(new TransactionIds()),
                publisher, mutationLog, new ImageCheck("flux", status, new FakeMutationLog()), new FakePublishedTables(),
                FULL, () -> stopping, streamedUpTo);
        handlers.add(h);
        return h;
    }

    private final ChangeStreamHandler handler = handler(kafka, new FakeMutationLog());

    @AfterEach
    void closeHandlers() {
        handlers.forEach(ChangeStreamHandler::close);
    }

    private static void feed(ChangeStreamHandler h, RecordingCommitter c, List<SourceRecord> batch)
            throws InterruptedException {
        List<RecordChangeEvent<SourceRecord>> events = new ArrayList<>();
        for (SourceRecord r : batch) {
            events.add(() -> r);
        }
        h.handleBatch(events, c);
    }

    private void feed(List<SourceRecord> batch) throws InterruptedException {
        feed(handler, committer, batch);
    }

    /** Two raw transactions: a full batch. */
    private List<SourceRecord> fullBatch(long firstXid) {
        return concat(wal.rawInsert(firstXid, firstXid - 700), wal.rawInsert(firstXid + 1, firstXid + 1 - 700));
    }

    /** How often Kafka holds each row's change (row_id to count). */
    private static Map<String, Integer> rowsStored(List<ProducerRecord<byte[], byte[]>> stored) {
        Map<String, Integer> rows = new TreeMap<>();
        for (ProducerRecord<byte[], byte[]> r : stored) {
            if (r.topic().equals(TopicNames.TRANSACTIONS)) {
                continue;
            }
            try {
                rows.merge(JSON.readTree(r.value()).get("row_id").asText(), 1, Integer::sum);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return rows;
    }

    @Test
    void recordsAreMarkedOnlyOnceKafkaAcknowledgedThem() throws Exception {
        List<SourceRecord> first = fullBatch(701);
        feed(first);
        assertThat(kafka.deliveries()).hasSize(1);
        assertThat(committer.marked()).as("sent, not acknowledged").isEmpty();
        assertThat(status.eventsPublished()).isZero();
        assertThat(committer.batchesFinished()).isEqualTo(1);

        kafka.ack(0);
        feed(fullBatch(703));

        assertThat(committer.marked()).containsExactlyElementsOf(first);
        assertThat(status.eventsPublished()).isEqualTo(2);
        assertThat(kafka.awaited()).as("full batches do not wait").isEmpty();
    }

    @Test
    void nothingIsMarkedPastASendKafkaHasNotAcknowledgedAndTheOldestComeFirst() throws Exception {
        List<SourceRecord> b0 = fullBatch(701);
        List<SourceRecord> b1 = fullBatch(703);
        List<SourceRecord> b2 = fullBatch(705);
        feed(b0);
        feed(b1);
        feed(b2);
        kafka.ack(1);
        kafka.ack(2);
        feed(fullBatch(707));
        assertThat(committer.marked()).as("the oldest send is unanswered").isEmpty();

        kafka.ack(0);
        feed(fullBatch(709));

        assertThat(committer.marked()).containsExactlyElementsOf(concat(b0, b1, b2));
        assertThat(kafka.awaited()).isEmpty();
    }

    @Test
    void fullBatchesLeaveUpToFourSendsInFlightAndAFifthWaitsForAll() throws Exception {
        List<SourceRecord> all = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            List<SourceRecord> b = fullBatch(701 + 2 * i);
            all.addAll(b);
            feed(b);
        }
        assertThat(kafka.awaited()).isEmpty();
        assertThat(committer.marked()).isEmpty();

        List<SourceRecord> fifth = fullBatch(709);
        all.addAll(fifth);
        feed(fifth);

        assertThat(kafka.awaited()).containsExactly(5);
        assertThat(committer.marked()).containsExactlyElementsOf(all);
    }

    @Test
    void aBatchThatIsNotFullReturnsOnlyOnceEverySendIsAcknowledged() throws Exception {
        List<SourceRecord> full = fullBatch(701);
        List<SourceRecord> caughtUp = wal.rawInsert(703, 3);
        feed(full);
        feed(caughtUp);

        assertThat(kafka.awaited()).containsExactly(2);
        assertThat(kafka.deliveries()).allMatch(ChangePublisher.Delivery::acknowledged);
        assertThat(committer.marked()).containsExactlyElementsOf(concat(full, caughtUp));
        assertThat(status.eventsPublished()).isEqualTo(3);
    }

    @Test
    void aFailedSendIsSentAgainAndNothingIsMarkedPastItNorTwice() throws Exception {
        List<SourceRecord> b0 = fullBatch(701); // rows 1, 2
        List<SourceRecord> b1 = fullBatch(703); // rows 3, 4
        feed(b0);
        feed(b1);
        kafka.fail(0);
        kafka.ack(1);
        List<SourceRecord> b2 = fullBatch(705); // rows 5, 6
        feed(b2);
        assertThat(committer.marked()).as("the first send failed").isEmpty();

        List<SourceRecord> caughtUp = wal.rawInsert(707, 7);
        feed(caughtUp);

        assertThat(committer.marked()).containsExactlyElementsOf(concat(b0, b1, b2, caughtUp));
        // Resent from the failed send on, in order: rows 3 and 4, acknowledged before, are there twice.
        assertThat(rowsStored(kafka.stored())).containsExactlyEntriesOf(new TreeMap<>(Map.of("1", 1, "2", 1,
                "3", 2, "4", 2, "5", 1, "6", 1, "7", 1)));
    }

    @Test
    void aTransactionSpanningTwoBatchesIsPublishedAndMarkedOnlyAtItsEnd() throws Exception {
        // FULL records per batch: tx1 (4) and the start of tx2 (2); the rest of tx2 (4) and the start of tx3 (2); tx3's END.
        List<SourceRecord> tx1 = wal.apiInsert(701, 1, "req-1", 41);
        List<SourceRecord> tx2 = List.of(wal.begin(702), wal.insert(702, 2, "bob"),
                wal.logRecord(702, 42, "req-2", 2, "INSERT", "committed", "api"), wal.insert(702, 3, "cy"),
                wal.logRecord(702, 43, "req-2", 3, "INSERT", "committed", "api"), wal.end(702));
        List<SourceRecord> tx3 = wal.rawInsert(703, 4);

        feed(concat(tx1, tx2.subList(0, 2)));
        assertThat(rowsStored(kafka.deliveries().get(0).records)).as("tx2 is still open").containsOnlyKeys("1");
        kafka.ack(0);
        feed(concat(tx2.subList(2, 6), tx3.subList(0, 2)));
        assertThat(committer.marked()).as("tx2's BEGIN and first change were acknowledged with tx1, yet wait")
                .containsExactlyElementsOf(tx1);
        assertThat(rowsStored(kafka.deliveries().get(1).records)).containsOnlyKeys("2", "3");

        kafka.ack(1);
        feed(tx3.subList(2, 3));

        // A transaction's records from an earlier batch are never marked themselves: the offset is a
        // position, and marking its END (acknowledged with the rest of it) covers them.
        assertThat(committer.marked()).containsExactlyElementsOf(concat(tx1, tx2.subList(2, 6), tx3.subList(2, 3)));
        assertThat(status.matched()).isEqualTo(3);
        assertThat(status.untracked()).isEqualTo(1);
    }

    @Test
    void aNewHandlerFedTheStreamAgainFromTheLastMarkedRecordLosesNothing() throws Exception {
        List<SourceRecord> stream = concat(fullBatch(701), fullBatch(703), fullBatch(705)); // rows 1 to 6
        feed(stream.subList(0, 6));
        feed(stream.subList(6, 12));
        kafka.ack(0);
        feed(stream.subList(12, 18));
        kafka.ack(2); // Kafka has rows 5 and 6, but they sit behind rows 3 and 4: unmarked
        // The capture process dies here, before Kafka answered for rows 3 and 4.
        SourceRecord storedOffset = committer.marked().get(committer.marked().size() - 1);
        assertThat(storedOffset).isSameAs(stream.get(5));

        // Debezium resumes after the stored offset, with a new handler and a healthy Kafka.
        FakePublisher restartedKafka = new FakePublisher().acknowledgingAtOnce();
        RecordingCommitter restarted = new RecordingCommitter();
        ChangeStreamHandler next = handler(restartedKafka, new FakeMutationLog());
        List<SourceRecord> replay = stream.subList(stream.indexOf(storedOffset) + 1, stream.size());
        feed(next, restarted, replay.subList(0, 6));
        feed(next, restarted, replay.subList(6, 12));

        assertThat(restarted.marked()).containsExactlyElementsOf(replay);
        List<ProducerRecord<byte[], byte[]>> inKafka = new ArrayList<>(kafka.stored());
        inKafka.addAll(restartedKafka.stored());
        // Nothing lost; the only duplicates are what Kafka acknowledged but the offsets had not
        // passed (at-least-once, docs/capture.md "Delivery guarantees").
        assertThat(rowsStored(inKafka)).containsExactlyEntriesOf(new TreeMap<>(Map.of("1", 1, "2", 1,
                "3", 1, "4", 1, "5", 2, "6", 2)));
    }

    @Test
    void rawChangesArePlacedAfterTheHighestRecordStreamedAndTheStoredOffsetCarriesItAcrossARestart() throws Exception {
        FakeMutationLog log = new FakeMutationLog();
        ChangeStreamHandler running = handler(new FakePublisher().acknowledgingAtOnce(), log);
        // record 42 commits first, then a raw insert; record 40 (taken earlier, committed later), a raw insert
        feed(running, committer, concat(wal.apiInsert(701, 1, "req-1", 42), wal.rawInsert(702, 2)));
        assertThat(committer.storedOffset()).containsEntry(ChangeStreamHandler.STREAMED_UP_TO, 42L);
        // a transaction still open at the end of a batch: its record is not yet behind the stored offset
        List<SourceRecord> next = concat(wal.apiInsert(703, 3, "req-3", 40), wal.rawInsert(704, 4),
                wal.apiInsert(705, 5, "req-5", 99));
        feed(running, committer, next.subList(0, next.size() - 1));
        assertThat(committer.storedOffset()).containsEntry(ChangeStreamHandler.STREAMED_UP_TO, 42L);

        // A new handler started where the offset says places the same change where the first one did.
        FakeMutationLog restartedLog = new FakeMutationLog();
        long resumed = (Long) committer.storedOffset().get(ChangeStreamHandler.STREAMED_UP_TO);
        ChangeStreamHandler restarted = handler(new FakePublisher().acknowledgingAtOnce(), restartedLog, resumed);
        feed(restarted, new RecordingCommitter(), wal.rawInsert(704, 4));

        assertThat(log.recordedChanges()).extracting(WalChange::rowId, WalChange::placedAfter)
                .containsExactly(tuple("2", 42L), tuple("4", 42L));
        assertThat(restartedLog.recordedChanges()).extracting(WalChange::placedAfter).containsExactly(42L);
    }

    @Test
    void whenCaptureClosesAWaitForKafkaGivesUpAndMarksNothing() throws Exception {
        feed(fullBatch(701));
        stopping = true;

        assertThatThrownBy(() -> feed(wal.rawInsert(703, 3))).isInstanceOf(InterruptedException.class);

        assertThat(committer.marked()).isEmpty();
    }

    @Test
    void aMutationLogThatRefusesTheWriteFailsTheBatchAsPermanentBeforeAnythingIsSent() {
        PSQLException refused = new PSQLException(new ServerErrorMessage(
                "SERROR\0VERROR\0C42501\0Mpermission denied for table state_mutations\0\0"));
        ChangeStreamHandler refusing = handler(kafka, new FakeMutationLog().refuse(refused));

        assertThatThrownBy(() -> feed(refusing, committer, wal.rawInsert(701, 1)))
                .isInstanceOf(CaptureException.Permanent.class)
                .hasMessage("cannot record untracked changes of transaction 701: permission denied for table"
                        + " state_mutations [SQLSTATE 42501]");
        assertThat(kafka.deliveries()).isEmpty();
        assertThat(committer.marked()).isEmpty();
    }
}
