package flux.capture.kafka;

import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Topic {@code flux.transactions}: a BEGIN before a transaction's first table-topic message and an
 * END after its last, key {@code {"txid": n}}, header {@code flux-request-id}; the END counts the
 * messages, in all and per table ({@code event_count}, {@code data_collections}), so a consumer
 * buffers a transaction's changes by txid until its END and all of them arrived
 * (docs/capture.md, "Transactions").
 */
public final class TransactionMessages {

    /** What BEGIN and END both say about the transaction. */
    public record Transaction(long txid8, String requestId, long commitLsn, long tsMs, String source) {
    }

    private TransactionMessages() {
    }

    public static ProducerRecord<byte[], byte[]> begin(Transaction tx) {
        byte[] value = ChangeMessages.write(g -> {
            start(g, "BEGIN", tx);
            g.writeEndObject();
        });
        return ChangeMessages.record(TopicNames.TRANSACTIONS, key(tx), value, tx.requestId(), null);
    }

    public static ProducerRecord<byte[], byte[]> end(Transaction tx, TransactionEvents events) {
        byte[] value = ChangeMessages.write(g -> {
            start(g, "END", tx);
            g.writeNumberField("event_count", events.count());
            g.writeArrayFieldStart("data_collections");
            for (TransactionEvents.Collection c : events.collections()) {
                g.writeStartObject();
                g.writeStringField("topic", TopicNames.forTable(c.schema(), c.table()));
                g.writeStringField("schema", c.schema());
                g.writeStringField("table", c.table());
                g.writeNumberField("event_count", c.count());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
        return ChangeMessages.record(TopicNames.TRANSACTIONS, key(tx), value, tx.requestId(), null);
    }

    private static byte[] key(Transaction tx) {
        return ChangeMessages.write(g -> {
            g.writeStartObject();
            g.writeNumberField("txid", tx.txid8());
            g.writeEndObject();
        });
    }

    private static void start(com.fasterxml.jackson.core.JsonGenerator g, String status, Transaction tx)
            throws java.io.IOException {
        g.writeStartObject();
        g.writeStringField("status", status);
        g.writeNumberField("txid", tx.txid8());
        g.writeStringField("request_id", tx.requestId());
        g.writeNumberField("commit_lsn", tx.commitLsn());
        g.writeNumberField("ts_ms", tx.tsMs());
        g.writeStringField("source", tx.source());
    }
}
