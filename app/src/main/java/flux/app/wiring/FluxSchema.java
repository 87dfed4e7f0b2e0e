package flux.app.wiring;

import flux.console.ConsoleSchema;
import flux.log.LogSchema;
import flux.log.SchemaJournal;
import flux.pg.SchemaInstaller;
import flux.pg.SchemaScript;
import flux.tenancy.TenancySchema;
import javax.sql.DataSource;

/**
 * Flux's internal {@code flux} schema as the server needs it, installed in one go before it
 * serves: the mutation log, the schema journal, tenancy's tables, app's audit log of Flux's own records
 * ({@code flux/app/audit-schema.sql}), then the SQL console's statement audit and login roles
 * ({@link ConsoleSchema}; a separate audit from the first, docs/console.md says why). All, always: capture's records of raw SQL writes read
 * {@code flux.tenants} (the tenant owning the written schema), so a database with the log for
 * capture has the tenants table too. History adds its own on top when the HTTP server starts
 * ({@link HistoryFactory}). Idempotent; serialized with every other installer. Run at server start
 * and before the CLI administers keys or tenants.
 */
public final class FluxSchema {
    private static final String AUDIT = "flux/app/audit-schema.sql";

    private FluxSchema() {
    }

    public static void install(DataSource dataSource) {
        SchemaInstaller.install(dataSource, LogSchema.script(), SchemaJournal.script(), TenancySchema.script(),
                SchemaScript.resource(FluxSchema.class, AUDIT), ConsoleSchema.script());
    }
}
