package flux.migrate;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * A version is dirty: its file ran outside a transaction and failed part-way, so the database
 * holds some of its effects. Nothing runs until an operator has looked, fixed the database and
 * said so with {@code flux db repair} (golang-migrate's {@code force}).
 */
public final class DirtyMigration extends MigrationException {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'");
    private final Version version;

    DirtyMigration(AppliedMigration row) {
        super("migration " + row.name() + " (version " + row.version() + ") is dirty since "
                + row.appliedAt().atZoneSameInstant(ZoneOffset.UTC).format(WHEN) + ": it "
                + (row.note() == null ? "failed part-way" : row.note())
                + "; nothing was run. Fix the database by hand (finish or undo what the file did), then run"
                + " `flux db repair " + row.version() + "` to mark it applied, or `flux db repair " + row.version()
                + " --rerun` to run it again");
        this.version = row.version();
    }

    public Version version() {
        return version;
    }
}
