package flux.client;

/**
 * A message Flux publishes to Kafka, one kind per topic family (docs/capture.md, "Topics and
 * messages"): a row change on {@code flux.<schema>.<table>}, a rolled-back attempt on
 * {@code flux.rolled_back}, a transaction boundary on {@code flux.transactions}, a change of a
 * table's shape on {@code flux.schema_changes}. Records are immutable and thread-safe; JSON fields a
 * message lacks are {@code null}.
 */
public sealed interface FluxMessage permits FluxChange, FluxRolledBack, FluxTransaction, FluxSchemaChange {
}
