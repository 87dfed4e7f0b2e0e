package flux.history;

import flux.log.LogSchema;
import flux.log.SchemaJournal;
import flux.pg.SchemaInstaller;
import flux.pg.SchemaScript;
import javax.sql.DataSource;

/**
 * Installs what history needs on top of the mutation log ({@code history-schema.sql}): the
 * per-row blame summary {@code flux.row_blame} and its folding functions. Idempotent, safe on
 * every start; installs the log and the schema journal (which history follows renames with) first,
 * in the same transaction, so it does not depend on start-up order. Serialized with every other installer of Flux's schema by {@link SchemaInstaller}.
 */
public final class HistorySchema {
    private static final String RESOURCE = "flux/history/history-schema.sql";

    private HistorySchema() {
    }

    public static void install(DataSource dataSource) {
        SchemaInstaller.install(dataSource, LogSchema.script(), SchemaJournal.script(),
                SchemaScript.resource(HistorySchema.class, RESOURCE));
    }
}
