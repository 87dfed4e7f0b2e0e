package flux.capture.pg;

import flux.pg.Identifiers;
import flux.capture.CaptureException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * What the server and the login role must offer before capture starts the engine, checked in one
 * query so a misconfiguration fails at once with a message that says what to change, rather than
 * as whatever Debezium reports later (or, for {@code wal_level}, as an error that also occurs
 * transiently). Each is a {@link CaptureException.Permanent}: none heals by waiting.
 */
public final class Prerequisites {
    /** Column lists in publications (how the mutation log is published) came with PostgreSQL 15. */
    static final int MIN_SERVER_VERSION = 150000;
    /*
     * REPLICATION is a role attribute, not inherited through membership. Amazon RDS grants the right
     * to stream through membership in rds_replication (or rds_superuser) instead; Debezium accepts
     * those too.
     */
    static final String QUERY = """
            SELECT current_setting('wal_level') AS wal_level,
                   current_setting('server_version_num')::int AS server_version,
                   r.rolname AS role,
                   r.rolsuper OR r.rolreplication
                       OR EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
                                   WHERE m.member = r.oid AND g.rolname IN ('rds_replication', 'rds_superuser'))
                       AS may_replicate,
                   s.slot_name IS NOT NULL AS slot_exists, s.slot_type, s.plugin,
                   s.database = current_database() AS slot_here, s.wal_status,
                   to_jsonb(s) ->> 'invalidation_reason' AS invalidation
              FROM pg_roles r LEFT JOIN pg_replication_slots s ON s.slot_name = ?
             WHERE r.rolname = current_user
            """;

    /**
     * @param mayReplicate the role may start a walsender (REPLICATION, superuser, or RDS's roles)
     * @param slotExists   the replication slot exists
     */
    record Reading(String walLevel, int serverVersion, String role, boolean mayReplicate, boolean slotExists) {
    }

    /**
     * The slot as pg_replication_slots shows it; {@code invalidation} is PostgreSQL 17's
     * {@code invalidation_reason} (read through to_jsonb, so older servers give null).
     */
    record Slot(String name, String type, String plugin, boolean here, String walStatus, String invalidation) {
    }

    private Prerequisites() {
    }

    /** Throws {@link CaptureException.Permanent} naming the first prerequisite this server lacks for {@code slot}. */
    public static void check(Connection c, String slot) throws SQLException {
        Reading server;
        Slot existing;
        try (PreparedStatement st = c.prepareStatement(QUERY)) {
            st.setString(1, slot);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                server = new Reading(rs.getString("wal_level"), rs.getInt("server_version"), rs.getString("role"),
                        rs.getBoolean("may_replicate"), rs.getBoolean("slot_exists"));
                existing = new Slot(slot, rs.getString("slot_type"), rs.getString("plugin"), rs.getBoolean("slot_here"),
                        rs.getString("wal_status"), rs.getString("invalidation"));
            }
        }
        Optional<String> problem = problem(server);
        if (problem.isEmpty() && server.slotExists()) {
            problem = unusable(existing);
        }
        // Read only now: a role refused above may not be allowed to read the offsets either.
        if (problem.isEmpty() && !server.slotExists() && PostgresOffsetStore.hasOffsets(c, slot)) {
            problem = Optional.of(droppedSlot(slot));
        }
        if (problem.isPresent()) {
            throw new CaptureException.Permanent(problem.get());
        }
    }

    static Optional<String> problem(Reading r) {
        if (!"logical".equals(r.walLevel())) {
            return Optional.of("wal_level is '" + r.walLevel() + "', capture needs 'logical'"
                    + " (ALTER SYSTEM SET wal_level = logical, then restart PostgreSQL)");
        }
        if (r.serverVersion() < MIN_SERVER_VERSION) {
            return Optional.of("PostgreSQL " + r.serverVersion() / 10000 + " is too old: capture needs 15 or later"
                    + " (publication column lists)");
        }
        if (!r.mayReplicate()) {
            return Optional.of("role " + Identifiers.quote(r.role()) + " lacks the REPLICATION attribute that"
                    + " streaming the WAL needs (ALTER ROLE " + Identifiers.quote(r.role()) + " REPLICATION)");
        }
        return Optional.empty();
    }

    /**
     * A slot capture can never stream from: another kind or plugin, another database's, or invalidated
     * (PostgreSQL removed WAL it still needed, {@code max_slot_wal_keep_size}, or on a standby the rows
     * its decoding needs). Debezium's start would fail on each retry, for ever.
     */
    static Optional<String> unusable(Slot s) {
        String drop = "SELECT pg_drop_replication_slot('" + s.name() + "')";
        if (!"logical".equals(s.type()) || !"pgoutput".equals(s.plugin())) {
            return Optional.of("replication slot " + s.name() + " is a " + s.type() + " slot" + (s.plugin() == null ? ""
                    : " of plugin " + s.plugin()) + ", capture needs a logical pgoutput slot: set another"
                    + " flux.capture.slot, or drop it (" + drop + ") if nothing else uses it");
        }
        if (!s.here()) {
            return Optional.of("replication slot " + s.name() + " belongs to another database: set another"
                    + " flux.capture.slot");
        }
        if ("lost".equals(s.walStatus()) || s.invalidation() != null) {
            return Optional.of("replication slot " + s.name() + " was invalidated by PostgreSQL ("
                    + (s.invalidation() != null ? s.invalidation() : "WAL it needed was removed, see max_slot_wal_keep_size")
                    + "): changes since its confirmed position can no longer be streamed. To start afresh from now: "
                    + drop + "; DELETE FROM flux.capture_offsets WHERE slot_name = '" + s.name() + "'");
        }
        return Optional.empty();
    }

    /** The slot is gone but its offsets are stored: Debezium would refuse to start (fail safe). */
    static String droppedSlot(String slot) {
        return "replication slot " + slot + " does not exist, but flux.capture_offsets holds offsets of it: it was"
                + " dropped, and changes since its last offset were not captured. To start afresh from now: "
                + "DELETE FROM flux.capture_offsets WHERE slot_name = '" + slot + "'";
    }
}
