package flux.capture.pg;

import flux.log.SchemaJournal;
import flux.log.SnapshotRecords;
import flux.pg.SchemaChanges;
import flux.pg.SchemaInstaller;
import flux.pg.SchemaScript;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Capture's part of the {@code flux} schema ({@code flux/capture/capture-schema.sql}): the table of
 * join positions, the function that joins a table to a publication, and, where the login role is a
 * superuser, the event trigger that journals DDL and joins new tables inside the DDL's own
 * transaction (docs/capture.md, "Schema changes"). Installed, with the log's scripts it builds on,
 * each time capture prepares; idempotent.
 */
public final class CaptureSchema {
    private static final String RESOURCE = "flux/capture/capture-schema.sql";

    private CaptureSchema() {
    }

    public static SchemaScript script() {
        SchemaScript script = SchemaScript.resource(CaptureSchema.class, RESOURCE);
        return new SchemaScript(script.name(), script.sql().replace("${channel}", SchemaChanges.CHANNEL));
    }

    /**
     * The journal, the snapshot records and capture's script, in that order (the mutation log and
     * tenancy's tables must be installed before: the server installs them, and capture's test
     * fixtures).
     */
    public static void install(Connection c) throws SQLException {
        SchemaInstaller.install(c, SchemaJournal.script(), SnapshotRecords.script(), script());
    }
}
