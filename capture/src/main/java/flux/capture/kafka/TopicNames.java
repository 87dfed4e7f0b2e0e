package flux.capture.kafka;

/** Kafka topic names of the contract (docs/contracts.md). */
public final class TopicNames {
    /** Rolled-back attempts, all tables. */
    public static final String ROLLED_BACK = "flux.rolled_back";
    /** The schema journal: every change to a user table's shape, all tables. */
    public static final String SCHEMA_CHANGES = "flux.schema_changes";
    /** BEGIN and END of each transaction that published changes, all tables. */
    public static final String TRANSACTIONS = "flux.transactions";

    private TopicNames() {
    }

    /** {@code flux.<schema>.<table>}. */
    public static String forTable(String schema, String table) {
        return "flux." + schema + "." + table;
    }
}
