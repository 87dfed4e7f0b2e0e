package flux.app.wiring;

import flux.log.LogSchema;
import flux.pg.SchemaInstaller;
import flux.tenancy.TenancySchema;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Flux's internal {@code flux} schema as the server needs it, installed in one go before it
 * serves: the mutation log, then tenancy's tables. Both, always: capture's records of raw SQL
 * writes read {@code flux.tenants} (the tenant owning the written schema), so a database with the
 * log for capture has the tenants table too. History adds its own on top when the HTTP server
 * starts ({@link HistoryFactory}). Idempotent; serialized with every other installer.
 */
public final class FluxSchema {
    private FluxSchema() {
    }

    public static void install(DataSource dataSource) throws SQLException {
        SchemaInstaller.install(dataSource, LogSchema.script(), TenancySchema.script());
    }
}
