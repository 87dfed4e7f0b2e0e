package flux.query;

/** The work of a transaction that returns nothing: {@code engine.transaction(id, tx -> { tx.query(...); })}. */
@FunctionalInterface
public interface TransactionBody {
    void run(Transaction tx);
}
