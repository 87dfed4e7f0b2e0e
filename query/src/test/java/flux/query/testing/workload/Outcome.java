package flux.query.testing.workload;

/**
 * What applying a {@link Step} did. {@code txid}: the raw transaction's id (the {@code wal:<txid>}
 * of capture's records), null for other steps; {@code sqlState}: why a request failed, null when
 * it committed.
 */
public record Outcome(Step step, boolean committed, String txid, String sqlState) {

    public static Outcome committed(Step step) {
        return new Outcome(step, true, null, null);
    }

    public static Outcome failed(Step step, String sqlState) {
        return new Outcome(step, false, null, sqlState);
    }
}
