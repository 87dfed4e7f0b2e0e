package flux.console;

import flux.pg.SchemaInstaller;
import flux.pg.SchemaScript;

/**
 * The console's tables in the {@code flux} schema ({@code flux/console/console-schema.sql}): its
 * statement audit and its login roles' register. Idempotent; installed through pg's
 * {@link SchemaInstaller} after the mutation log's script (which creates the schema and the
 * console's transaction marks), by the app's one installer of the flux schema.
 */
public final class ConsoleSchema {
    private static final String RESOURCE = "flux/console/console-schema.sql";

    private ConsoleSchema() {
    }

    public static SchemaScript script() {
        return SchemaScript.resource(ConsoleSchema.class, RESOURCE);
    }
}
