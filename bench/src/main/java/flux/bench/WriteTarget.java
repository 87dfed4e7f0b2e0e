package flux.bench;

/** One way of writing a benchmark row; implementations are thread-safe. */
interface WriteTarget extends AutoCloseable {
    /** Inserts the row {@code id}. */
    void insert(long id) throws Exception;

    /** Updates the row {@code id} (it exists) to {@code value}. */
    void update(long id, long value) throws Exception;

    @Override
    default void close() throws Exception {
    }
}
