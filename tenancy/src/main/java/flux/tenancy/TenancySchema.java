package flux.tenancy;

import flux.pg.SchemaInstaller;
import flux.pg.SchemaScript;
import javax.sql.DataSource;

/**
 * Tenancy's tables in the internal {@code flux} schema ({@code flux/tenancy/tenancy-schema.sql}):
 * API keys and tenants. Idempotent, safe on every start; installed through pg's
 * {@link SchemaInstaller}, alone or after the mutation log (the app installs both, in order).
 */
public final class TenancySchema {
    private static final String RESOURCE = "flux/tenancy/tenancy-schema.sql";

    private TenancySchema() {
    }

    public static SchemaScript script() {
        return SchemaScript.resource(TenancySchema.class, RESOURCE);
    }

    public static void install(DataSource dataSource) {
        SchemaInstaller.install(dataSource, script());
    }
}
