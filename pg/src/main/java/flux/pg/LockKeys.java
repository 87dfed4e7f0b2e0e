package flux.pg;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Every advisory lock Flux takes, in one place, so no two jobs share a key by accident (the
 * migration lock and the blame folder once did, and a waiting migration named the folder as the
 * holder). All are two-int keys ({@link LockKey}) with a class id of Flux's own, which an
 * application's two-int locks are unlikely to choose.
 *
 * <ul>
 *   <li>{@link #SCHEMA_INSTALL}, transaction-level: one installer of Flux's internal schema at a
 *       time ({@link SchemaInstaller}), so concurrent starters do not race on CREATE ... IF NOT EXISTS.
 *   <li>{@link #MIGRATION}, session-level, taken by polling: one migrator per database
 *       ({@code flux.migrate.MigrationLock}).
 *   <li>{@link #BLAME_FOLDER}, transaction-level, tried: one background folder of the blame
 *       summary at a time; others skip their turn ({@code flux.history.BlameFolder}). A purge's
 *       removal of summaries waits for it, so no fold writes back what it removes
 *       ({@code flux.history.BlameRemoval}).
 *   <li>{@link #CONSOLE_SETUP}, transaction-level: one session at a time creates the SQL console's
 *       login roles and brings their grants and policies up to date ({@code flux.console.ConsoleLogins}).
 *   <li>{@link #CONSOLE_PASSWORD}, session-level, held from setting a console login's fresh
 *       password until the login with it, so two servers do not overwrite each other's in between
 *       ({@code flux.console.ConsoleLogins}).
 *   <li>{@link #TENANT_PURGE}, transaction-level: a purge marks a tenant as being purged holding it
 *       exclusively; capture's records of raw SQL writes that belong to a tenant take it shared before
 *       they look for such a mark, so a record written before the mark is committed before the purge
 *       deletes the tenant's history, and one written after sees the mark ({@code flux.log.TenantPurges}).
 *   <li>{@link #streamer(String)}, session-level, one per replication slot: elects the one capture
 *       instance that streams the slot; standbys try again ({@code flux.capture.pg.StreamerLock}).
 *       Under a class id of its own, since its object id is a hash of the slot name and could
 *       otherwise equal a fixed key's.
 *   <li>The row gate of the engine's key-point writes, transaction-level:
 *       {@code pg_advisory_xact_lock(hashtext(<schema.table>), hashtext(<row_id>))}, written into
 *       the write statement by {@code flux.query.sql.WriteGate} (why: see there). It is not listed
 *       here as a key because it is one per row, and it stays in the statement text, which is
 *       measured. Its class id is a hash of the table name, so it shares this two-int space: a
 *       table whose name hashes to {@link #FLUX_CLASS}, written at a row whose key hashes to 1
 *       to 6, would wait behind one of the fixed locks above (a pause, never a wrong answer; about
 *       one chance in 2^64 per row).
 * </ul>
 */
public final class LockKeys {
    /** "flux" in ASCII: the class id of Flux's fixed locks. */
    public static final int FLUX_CLASS = 0x666c7578;
    /** "flxs" in ASCII: the class id of the per-slot streamer locks. */
    public static final int STREAMER_CLASS = 0x666c7873;

    public static final LockKey SCHEMA_INSTALL = new LockKey("schema install", FLUX_CLASS, 1);
    public static final LockKey MIGRATION = new LockKey("migration", FLUX_CLASS, 2);
    public static final LockKey BLAME_FOLDER = new LockKey("blame folder", FLUX_CLASS, 3);
    public static final LockKey CONSOLE_SETUP = new LockKey("console role setup", FLUX_CLASS, 4);
    public static final LockKey CONSOLE_PASSWORD = new LockKey("console login password", FLUX_CLASS, 5);
    public static final LockKey TENANT_PURGE = new LockKey("tenant purge mark", FLUX_CLASS, 6);

    /** The fixed keys; {@link #streamer} keys are made per slot. */
    public static final List<LockKey> FIXED = List.of(SCHEMA_INSTALL, MIGRATION, BLAME_FOLDER, CONSOLE_SETUP,
            CONSOLE_PASSWORD, TENANT_PURGE);

    private LockKeys() {
    }

    /**
     * The lock that elects the streamer of replication slot {@code slot}: a CRC-32 of the slot's
     * name (stable across JVMs and versions, unlike {@code String.hashCode}'s contract).
     */
    public static LockKey streamer(String slot) {
        CRC32 crc = new CRC32();
        crc.update(("flux.capture." + slot).getBytes(StandardCharsets.UTF_8));
        return new LockKey("streamer of slot " + slot, STREAMER_CLASS, (int) crc.getValue());
    }
}
