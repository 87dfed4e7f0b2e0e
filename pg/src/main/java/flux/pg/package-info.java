/**
 * Flux's shared PostgreSQL plumbing, one copy of each: the transaction template
 * ({@link flux.pg.Transactions}), identifier quoting ({@link flux.pg.Identifiers}), the registry
 * of every advisory lock Flux takes ({@link flux.pg.LockKeys}), the schema-change channel and its
 * one listener loop ({@link flux.pg.SchemaChanges}, {@link flux.pg.SchemaChangeListener}), and the
 * installer of the idempotent scripts that create Flux's internal tables
 * ({@link flux.pg.SchemaInstaller}).
 *
 * <p>Plain JDBC over pgjdbc; nothing here knows a Flux table. Methods throw {@link
 * java.sql.SQLException}: each module that calls them turns database failures into its own
 * error type, at its own front door. Arguments are never null unless a parameter says so.
 */
package flux.pg;
