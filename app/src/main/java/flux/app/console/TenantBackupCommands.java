package flux.app.console;

import flux.app.cli.CliFailure;
import flux.app.cli.DatabaseOptions;
import flux.app.cli.ExitCodes;
import flux.console.BackupFailed;
import flux.console.backup.BackupHeader;
import flux.console.backup.TenantBackup;
import flux.console.backup.TenantRestore;
import flux.app.wiring.FluxSchema;
import flux.pg.DatabaseException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code flux tenants backup} and {@code restore} (docs/tenant-backup.md); on the database directly, like the other tenants verbs. */
public final class TenantBackupCommands {
    private TenantBackupCommands() {
    }

    private static DataSource database(DatabaseOptions options) {
        DataSource ds = options.dataSource();
        try {
            FluxSchema.install(ds);
        } catch (DatabaseException failure) {
            SQLException e = failure.sqlCause();
            throw new CliFailure("cannot prepare the flux schema: " + e.getMessage(), e);
        }
        return ds;
    }

    private static String describe(BackupHeader h) {
        return h.isolation() + "-level tenant " + h.tenant() + (h.schema() == null ? "" : " (schema " + h.schema() + ")")
                + ": " + h.tables() + " tables, " + String.format("%,d", h.rows()) + " rows, " + h.ledger()
                + " ledger entries, " + String.format("%,d", h.history()) + " history records";
    }

    /** What both verbs take: the database and the tenant (picocli reads a superclass's annotated fields). */
    abstract static class TenantVerb implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        DatabaseOptions database;

        @Parameters(index = "0", paramLabel = "TENANT")
        String tenant;
    }

    @Command(name = "backup", mixinStandardHelpOptions = true,
            description = "Write one tenant's data, migration ledger (schema tenants) and history to a file.")
    public static final class Backup extends TenantVerb {
        @Option(names = "--out", required = true, paramLabel = "FILE", description = "the backup file to write")
        Path out;

        @Override
        public Integer call() throws IOException {
            // Written beside the target and moved into place: a failed backup never leaves a partial file there.
            Path dir = out.toAbsolutePath().getParent();
            Path partial = Files.createTempFile(dir, ".flux-backup-", ".part");
            try {
                TenantBackup.Summary summary;
                try (OutputStream file = Files.newOutputStream(partial)) {
                    summary = new TenantBackup(database(database)).write(tenant, file,
                            ProgressBar.on(spec.commandLine().getErr()));
                }
                Files.move(partial, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                spec.commandLine().getOut().println("backed up " + describe(summary.header()) + " to " + out);
                return ExitCodes.OK;
            } catch (BackupFailed e) {
                throw new CliFailure(e.getMessage(), e);
            } finally {
                Files.deleteIfExists(partial);
            }
        }
    }

    @Command(name = "restore", mixinStandardHelpOptions = true,
            description = "Put one tenant back as a backup file has it, in one transaction; other tenants are untouched.")
    public static final class Restore extends TenantVerb {
        @Option(names = "--from", required = true, paramLabel = "FILE", description = "the backup file to read")
        Path from;

        @Option(names = "--from-tenant", paramLabel = "TENANT",
                description = "restore a backup of this other tenant into TENANT (refused otherwise)")
        String fromTenant;

        @Override
        public Integer call() throws IOException {
            if (!Files.isRegularFile(from)) {
                throw new CliFailure("no backup file " + from);
            }
            try (InputStream file = Files.newInputStream(from)) {
                TenantRestore.Summary summary = new TenantRestore(database(database)).restore(tenant, file,
                        from.toString(), fromTenant, ProgressBar.on(spec.commandLine().getErr()));
                spec.commandLine().getOut().println("restored " + tenant + " from " + describe(summary.header())
                        + "; " + String.format("%,d", summary.historyAdded()) + " history records added (the rest were there)");
                return ExitCodes.OK;
            } catch (BackupFailed e) {
                throw new CliFailure(e.getMessage(), e);
            }
        }
    }
}
