/**
 * Flux's shared PostgreSQL plumbing, one copy of each: the transaction template
 * ({@link flux.pg.Transactions}), identifier quoting ({@link flux.pg.Identifiers}), the registry
 * of every advisory lock Flux takes ({@link flux.pg.LockKeys}), the schema-change channel and its
 * one listener loop, which can also probe for changes nobody announced
 * ({@link flux.pg.SchemaChanges}, {@link flux.pg.SchemaChangeListener}), and the
 * installer of the idempotent scripts that create Flux's internal tables
 * ({@link flux.pg.SchemaInstaller}).
 *
 * <p>Plain JDBC over pgjdbc; nothing here knows a Flux table. Methods throw the unchecked
 * {@link flux.pg.DatabaseException} (the {@link java.sql.SQLException} its cause, the SQLSTATE
 * kept), the one error of this module and of the mutation log's: each module that calls them
 * turns database failures into its own error type, at its own front door. The callbacks it runs
 * ({@link flux.pg.SqlWork}, {@link flux.pg.SqlStep}, {@link flux.pg.ConnectionSource}) may throw
 * {@link java.sql.SQLException}, which the method running them converts. Arguments are never null
 * unless a parameter says so.
 */
package flux.pg;
