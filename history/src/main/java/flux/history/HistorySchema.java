package flux.history;

import flux.pg.SchemaInstaller;
import flux.pg.SchemaScript;
import flux.query.FluxSchema;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Installs what history needs on top of the mutation log ({@code history-schema.sql}): the
 * per-row blame summary {@code flux.row_blame}, the trigger that keeps it, and a time index
 * for as-of reads. Idempotent, safe on every start; installs the base {@code flux} schema
 * first, so it does not depend on start-up order. Serialized with every other installer of
 * Flux's schema by {@link SchemaInstaller}.
 */
public final class HistorySchema {
    private static final String RESOURCE = "flux/history/history-schema.sql";

    private HistorySchema() {
    }

    public static void install(DataSource dataSource) throws SQLException {
        FluxSchema.install(dataSource);
        SchemaInstaller.install(dataSource, SchemaScript.resource(HistorySchema.class, RESOURCE));
    }
}
