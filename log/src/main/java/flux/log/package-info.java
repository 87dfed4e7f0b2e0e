/**
 * The mutation log, {@code flux.state_mutations}: its one owner. Here are its DDL
 * ({@link flux.log.LogSchema}), its record typed ({@link flux.log.MutationRecord}, and
 * {@link flux.log.Mutation} for a change the engine has not stored yet), and every statement
 * that writes it or reads it by itself: the engine's committed records
 * ({@link flux.log.CommittedRecords}, a fragment of the compiler's write statement), rolled-back
 * attempts ({@link flux.log.RolledBackAttempts}), capture's records of raw SQL writes and its
 * reads by id ({@link flux.log.WalRecords}, {@link flux.log.StoredImages}; the SQL console's marks
 * on its transactions, which make those records {@code source = 'console'},
 * {@link flux.log.ConsoleTransactions}; the marks of tenant purges, which keep them from bringing a
 * purged tenant's history back, {@link flux.log.TenantPurges}), history's reads of a row's and a request's records
 * ({@link flux.log.RowRecords}, {@link flux.log.RequestRecords}), and a tenant's whole history out
 * and back in for its backup and restore ({@link flux.log.TenantHistory}).
 *
 * <p>Beside it, the schema journal {@code flux.schema_changes} ({@link flux.log.SchemaJournal},
 * {@link flux.log.SchemaChange}): every change to a user table's shape, found against the shapes
 * it last recorded, whoever made it; and the {@link flux.log.SchemaDetector} that finds changes
 * nobody announced.
 *
 * <p>The rule for SQL that touches the log:
 * <ul>
 *   <li>Every insert into the log, and every statement over the log alone, lives here, as a
 *       constant of the class that runs it; results are read by column name.
 *   <li>A statement whose subject is another module's table, and which reads the log as its
 *       input, lives with that table's owner: history's blame summary ({@code flux.row_blame},
 *       folded from the log by {@code BlameFolder}, read beside the log by {@code ColumnBlame}).
 *       Splitting it would add a round trip to a measured read. Such a statement names only the
 *       log columns it reads (their meaning is the contract of docs/contracts.md), never writes
 *       the log, never selects the log's whole column list (that is {@code RecordReader}'s), and
 *       reads its results by name.
 *   <li>Nobody else inserts into the log. Grants on it belong to whoever creates the roles
 *       (tenancy), by the table's name.
 * </ul>
 *
 * <p>Plain JDBC. Methods take the caller's connection (the log's statements run inside the
 * caller's transactions) and throw the unchecked {@link flux.pg.DatabaseException}, pg's, with the
 * {@link java.sql.SQLException} as its cause and its SQLSTATE (why one type for both modules: see
 * there); each caller maps failures to its own module's errors. The one exception is
 * {@link flux.log.CommittedRecords.Reader}, which reads the caller's own result set and keeps its
 * {@link java.sql.SQLException}. Thread-safe: no state.
 */
package flux.log;
