package flux.capture.wal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

class TransactionAssemblerTest {
    private final DebeziumRecords wal = new DebeziumRecords("flux");
    private final TransactionAssembler assembler = new TransactionAssembler("flux", 0);

    /** Feeds the records; the transactions they completed, in order. */
    private List<WalTransaction> feed(List<SourceRecord> records) {
        List<WalTransaction> done = new ArrayList<>();
        for (SourceRecord r : records) {
            WalTransaction tx = assembler.accept(r);
            if (tx != null) {
                done.add(tx);
            }
        }
        return done;
    }

    @Test
    void aTransactionIsCompleteOnlyAtItsEndWithItsChangesAndRecordsInWalOrder() {
        SourceRecord insert = wal.insert(700, 1, "ada");
        SourceRecord update = wal.update(700, 1, "ada", "bob");
        assertThat(assembler.accept(wal.begin(700))).isNull();
        assertThat(assembler.inTransaction()).isTrue();
        assertThat(assembler.accept(insert)).isNull();
        assertThat(assembler.accept(wal.logRecord(700, 41, "req-1", 1, "INSERT", "committed", "api"))).isNull();
        assertThat(assembler.accept(update)).isNull();
        assertThat(assembler.inTransaction()).isTrue();

        WalTransaction tx = assembler.accept(wal.end(700));

        assertThat(assembler.inTransaction()).isFalse();
        assertThat(tx.xid()).isEqualTo(700);
        assertThat(tx.tsMs()).isEqualTo(1_795_316_480_005L);
        assertThat(tx.changes()).extracting(WalChange::operation).containsExactly(Operation.INSERT, Operation.UPDATE);
        WalChange first = tx.changes().get(0);
        assertThat(first.qualifiedName()).isEqualTo("public.accounts");
        assertThat(first.rowId()).isEqualTo("1");
        assertThat(first.key().toString()).isEqualTo("{\"id\":1}");
        assertThat(first.before()).isNull();
        assertThat(first.after().toString()).isEqualTo("{\"id\":1,\"owner\":\"ada\"}");
        assertThat(first.lsn()).isEqualTo(((Number) insert.sourceOffset().get("lsn")).longValue());
        assertThat(tx.changes().get(1).before().get("owner").asText()).isEqualTo("ada");
        WalMutationRecord record = tx.records().get(0);
        assertThat(record.id()).isEqualTo(41);
        assertThat(record.requestId()).isEqualTo("req-1");
        assertThat(record.txid()).as("xid8 from its text bytes").isEqualTo(700L);
        assertThat(record.operation()).isEqualTo(Operation.INSERT);
        assertThat(record.rowId()).isEqualTo("1");
        assertThat(record.oldImage()).as("images are not published").isNull();
    }

    @Test
    void heartbeatsAndLogicalMessagesBelongToNoTransactionAndCompleteNothing() {
        assertThat(assembler.accept(wal.heartbeat())).isNull();
        assertThat(assembler.inTransaction()).isFalse();
        List<WalTransaction> done = feed(List.of(wal.begin(701), wal.message(701), wal.insert(701, 2, "cy"),
                wal.heartbeat(), wal.end(701)));
        assertThat(done).singleElement().satisfies(tx -> assertThat(tx.changes()).hasSize(1));
    }

    @Test
    void aTransactionThatChangedNothingCapturedCompletesNothing() {
        assertThat(feed(List.of(wal.begin(702), wal.message(702), wal.end(702)))).isEmpty();
        assertThat(assembler.inTransaction()).isFalse();
    }

    @Test
    void consecutiveTransactionsComeOutOneByOne() {
        List<WalTransaction> done = feed(DebeziumRecords.concat(wal.rawInsert(703, 3), wal.apiInsert(704, 4, "req-4", 42),
                wal.rawInsert(705, 5)));
        assertThat(done).extracting(WalTransaction::xid).containsExactly(703L, 704L, 705L);
        assertThat(done.get(1).records()).extracting(WalMutationRecord::requestId).containsExactly("req-4");
        assertThat(done.get(0).records()).isEmpty();
    }

    @Test
    void onlyInsertsIntoTheMutationLogAreMutationRecords() {
        List<WalTransaction> done = feed(List.of(wal.begin(706), wal.delete(706, 6, "dee"),
                wal.logRecord(706, 43, "req-6", 6, "DELETE", "committed", "api"), wal.logDelete(706, 12), wal.end(706)));
        assertThat(done.get(0).records()).extracting(WalMutationRecord::id).containsExactly(43L);
        assertThat(done.get(0).changes()).extracting(WalChange::operation).containsExactly(Operation.DELETE);
        assertThat(done.get(0).changes().get(0).after()).isNull();
    }

    @Test
    void aChangeOutsideBeginAndEndIsATransactionOfItsOwn() {
        WalTransaction tx = assembler.accept(wal.insert(707, 7, "eve"));
        assertThat(tx.xid()).isEqualTo(707);
        assertThat(tx.changes()).hasSize(1);
        assertThat(assembler.inTransaction()).isFalse();
    }

    @Test
    void aKeyChangeSentAsDeleteAndInsertIsOneUpdateThatNamesTheOldKey() {
        List<SourceRecord> records = new ArrayList<>(List.of(wal.begin(708)));
        records.addAll(wal.keyChange(708, 8, 80, "fay"));
        records.add(wal.logRecord(708, 44, "req-8", 80, "UPDATE", "committed", "api"));
        records.add(wal.end(708));

        WalChange change = feed(records).get(0).changes().get(0);

        assertThat(change.operation()).isEqualTo(Operation.UPDATE);
        assertThat(change.rowId()).isEqualTo("80");
        assertThat(change.oldRowId()).isEqualTo("8");
        assertThat(change.before().get("id").asLong()).isEqualTo(8);
        assertThat(change.after().get("id").asLong()).isEqualTo(80);
    }

    @Test
    void aTruncateIsATableLevelChangeWithoutKeyOrImages() {
        WalChange change = feed(List.of(wal.begin(709), wal.truncate(709), wal.end(709))).get(0).changes().get(0);
        assertThat(change.operation()).isEqualTo(Operation.TRUNCATE);
        assertThat(change.rowId()).isEmpty();
        assertThat(change.before()).isNull();
        assertThat(change.after()).isNull();
    }

    @Test
    void eachChangeIsPlacedAfterTheHighestRecordStreamedBeforeItEvenAcrossTransactions() {
        TransactionAssembler resumed = new TransactionAssembler("flux", 30);
        List<WalChange> changes = new ArrayList<>();
        for (SourceRecord r : DebeziumRecords.concat(wal.rawInsert(710, 10), wal.apiInsert(711, 11, "req-11", 50),
                wal.apiInsert(712, 12, "req-12", 45), wal.rawInsert(713, 13))) {
            WalTransaction tx = resumed.accept(r);
            if (tx != null) {
                changes.addAll(tx.changes());
            }
        }
        assertThat(changes).extracting(WalChange::placedAfter).containsExactly(30L, 30L, 50L, 50L);
        assertThat(resumed.streamedUpTo()).isEqualTo(50L);
    }
}
