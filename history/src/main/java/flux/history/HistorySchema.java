package flux.history;

import flux.log.LogSchema;
import flux.pg.SchemaInstaller;
import flux.pg.SchemaScript;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Installs what history needs on top of the mutation log ({@code history-schema.sql}): the
 * per-row blame summary {@code flux.row_blame} and its folding functions. Idempotent, safe on
 * every start; installs the log first, in the same transaction, so it does not depend on
 * start-up order. Serialized with every other installer of Flux's schema by {@link SchemaInstaller}.
 */
public final class HistorySchema {
    private static final String RESOURCE = "flux/history/history-schema.sql";

    private HistorySchema() {
    }

    public static void install(DataSource dataSource) throws SQLException {
        SchemaInstaller.install(dataSource, LogSchema.script(), SchemaScript.resource(HistorySchema.class, RESOURCE));
    }
}
