package flux.log;

import flux.pg.SchemaInstaller;
import flux.pg.SchemaScript;
import java.util.List;
import javax.sql.DataSource;

/**
 * The mutation log's table, {@code flux.state_mutations}: its names, the columns capture
 * publishes, and its DDL ({@code flux/log/mutation-log.sql}: the table, its indexes, its checks).
 *
 * <p>Capture's records of raw SQL writes ({@link WalRecords}) read {@code flux.tenants}, which
 * tenancy owns and installs: a database the log is installed in for capture also needs tenancy's
 * script, installed with it (the app's {@code FluxSchema} installs both, in order; so do capture's
 * test fixtures).
 */
public final class LogSchema {
    public static final String SCHEMA = "flux";
    public static final String TABLE = "state_mutations";
    /** The table's name in SQL (its parts need no quotes). */
    public static final String QUALIFIED = SCHEMA + "." + TABLE;
    /**
     * The columns that identify a record and pair it with its WAL change: what capture publishes
     * of the log (docs/capture.md). Not the images nor the error, half of the log's WAL bytes;
     * capture reads those by id when it needs them ({@link StoredImages}).
     */
    public static final List<String> PAIRING_COLUMNS = List.of("id", "request_id", "txid", "table_schema",
            "table_name", "row_id", "operation", "status", "tenant_id", "source");
    private static final String RESOURCE = "flux/log/mutation-log.sql";

    private LogSchema() {
    }

    /** The log's DDL: idempotent, for {@link SchemaInstaller} (possibly with scripts that build on it). */
    public static SchemaScript script() {
        return SchemaScript.resource(LogSchema.class, RESOURCE);
    }

    /** Installs the log alone (the engine's needs); see the class comment for capture's. */
    public static void install(DataSource dataSource) {
        SchemaInstaller.install(dataSource, script());
    }
}
