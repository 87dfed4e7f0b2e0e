package flux.client;

import java.util.List;

/**
 * A transaction boundary from {@code flux.transactions}: one BEGIN before a transaction's first
 * change and one END after its last. Kafka orders nothing across topics: to apply a transaction
 * atomically, buffer its changes by {@code txid} until END arrived and {@link #eventCount()}
 * changes with its {@code commit_lsn} did.
 *
 * @param status          BEGIN or END
 * @param requestId       the transaction's request ({@code wal:<txid>} for raw SQL)
 * @param commitLsn       its commit LSN, as on its changes
 * @param source          {@code api}, {@code wal} or {@code console}
 * @param eventCount      END: how many change messages it published (all tables); null on BEGIN
 * @param dataCollections END: those messages per table; empty on BEGIN
 */
public record FluxTransaction(Status status, long txid, String requestId, long commitLsn, long tsMs, String source,
                              Integer eventCount, List<DataCollection> dataCollections) implements FluxMessage {

    public enum Status { BEGIN, END }

    /** One table's share of a transaction. */
    public record DataCollection(String topic, String schema, String table, int eventCount) {
    }
}
