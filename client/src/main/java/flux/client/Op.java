package flux.client;

/** What a change message did to its row ({@code op}). {@code READ}: a row published by a snapshot, not a write. */
public enum Op {
    INSERT, UPDATE, DELETE, TRUNCATE, READ
}
