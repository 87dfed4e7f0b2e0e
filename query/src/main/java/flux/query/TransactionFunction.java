package flux.query;

/** The work of a transaction that returns a value: {@code engine.transactionResult(id, tx -> tx.query(...))}. */
@FunctionalInterface
public interface TransactionFunction<T> {
    T apply(Transaction tx);
}
