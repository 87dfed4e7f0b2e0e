package flux.query;

import flux.pg.SchemaInstaller;
import flux.pg.SchemaScript;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Creates Flux's internal {@code flux} schema (the mutation log) when missing. Idempotent,
 * safe to run on every start; concurrent starters are serialized by {@link SchemaInstaller}.
 */
public final class FluxSchema {
    /** Applied in this order; each file is idempotent. */
    private static final String[] RESOURCES = {"flux/query/flux-schema.sql", "flux/query/access-schema.sql"};

    private FluxSchema() {
    }

    public static void install(DataSource dataSource) throws SQLException {
        SchemaScript[] scripts = new SchemaScript[RESOURCES.length];
        for (int i = 0; i < RESOURCES.length; i++) {
            scripts[i] = SchemaScript.resource(FluxSchema.class, RESOURCES[i]);
        }
        SchemaInstaller.install(dataSource, scripts);
    }
}
