package flux.migrate;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code flux db import --from golang-migrate|flyway}: a team switching tools keeps its history.
 * Reads the other tool's own ledger and records the same migrations in Flux's, without running
 * anything; checksums come from the files at hand (Flyway's CRC-32 is compared with them, and a
 * difference is a warning). A version the other tool marks failed is recorded dirty. Every
 * version it lists needs its file, or nothing is imported. Runs in the caller's transaction.
 */
final class LedgerImport {
    /** The table a name finds on the search path (or qualified), quoted by the catalog. */
    private static final String RESOLVE = """
            SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE c.oid = to_regclass(?) AND c.relkind IN ('r', 'p')""";
    /** Flyway's row types that record a migration run (versioned or repeatable). */
    private static final Set<String> FLYWAY_RUNS = Set.of("SQL", "JDBC", "SPRING_JDBC", "SCRIPT");

    private final Ledger ledger;
    private final List<MigrationFile> files;
    private final Map<String, MigrationFile> byName = new LinkedHashMap<>();
    private final Map<Version, MigrationFile> byVersion = new LinkedHashMap<>();
    private final List<String> warnings = new ArrayList<>();
    private final List<String> missing = new ArrayList<>();

    /** A migration the other tool applied (or failed), with the note its row gets. */
    private record Entry(MigrationFile file, boolean dirty, String note, long executionMs) {
    }

    private LedgerImport(Ledger ledger, List<MigrationFile> files) {
        this.ledger = ledger;
        this.files = files;
        for (MigrationFile f : files) {
            byName.put(f.name(), f);
            if (f.mode() == MigrationMode.VERSIONED) {
                byVersion.put(f.version(), f);
            }
        }
    }

    static ImportReport run(Connection c, Ledger ledger, List<MigrationFile> files, ForeignLedger source, String table)
            throws SQLException {
        return new LedgerImport(ledger, files).importFrom(c, source, table == null ? source.defaultTable() : table);
    }

    private ImportReport importFrom(Connection c, ForeignLedger source, String tableName) throws SQLException {
        List<AppliedMigration> applied = ledger.migrations(c);
        Planner.refuseDirty(applied);
        String table = resolve(c, tableName)
                .orElseThrow(() -> new InvalidMigration("no table " + tableName + " (" + source.label() + "'s ledger)"
                        + " on the search path; name it with --table schema.table"));
        Map<Version, Entry> versions = new LinkedHashMap<>();
        Map<String, Entry> scripts = new LinkedHashMap<>();
        switch (source) {
            case GOLANG_MIGRATE -> readGolangMigrate(c, table, versions);
            case FLYWAY -> readFlyway(c, table, versions, scripts);
        }
        if (!missing.isEmpty()) {
            throw new InvalidMigration(table + " lists " + String.join(", ", missing.subList(0, Math.min(5, missing.size())))
                    + (missing.size() > 5 ? " and " + (missing.size() - 5) + " more" : "") + ", which the migrations"
                    + " directory does not have; nothing was imported. Put the files back (git), or record the"
                    + " schema with `flux db baseline VERSION` instead");
        }
        Set<Version> recorded = new HashSet<>();
        applied.forEach(a -> recorded.add(a.version()));
        List<String> done = new ArrayList<>();
        List<String> dirty = new ArrayList<>();
        int already = 0;
        for (Entry e : versions.values()) {
            if (!recorded.add(e.file().version())) {
                already++;
            } else if (e.dirty()) {
                ledger.markDirty(c, e.file(), e.executionMs(), e.note());
                dirty.add(e.file().name());
            } else {
                Baseline.record(c, ledger, e.file(), e.note());
                done.add(e.file().name());
            }
        }
        Map<String, AppliedScript> known = ledger.scripts(c);
        List<String> repeatable = new ArrayList<>();
        for (Entry e : scripts.values()) {
            if (known.containsKey(e.file().name())) {
                already++;
            } else {
                ledger.recordScript(c, e.file(), e.executionMs());
                repeatable.add(e.file().name());
            }
        }
        return new ImportReport(source, table, done, dirty, repeatable, already, warnings);
    }

    /**
     * golang-migrate keeps one row: the version the database is at, and whether that version's
     * file failed part-way. Every file up to it is applied; a dirty one stays dirty here.
     */
    private void readGolangMigrate(Connection c, String table, Map<Version, Entry> out) throws SQLException {
        // the table name comes quoted from the catalog (RESOLVE)
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT version, dirty FROM " + table + " ORDER BY version DESC")) {
            if (!rs.next()) {
                return; // golang-migrate empties it when every migration is down
            }
            Version at = Version.of(Long.toString(rs.getLong(1)));
            boolean dirty = rs.getBoolean(2);
            if (rs.next()) {
                warnings.add(table + " has more than one row (golang-migrate keeps one); used the highest, " + at);
            }
            if (!byVersion.containsKey(at)) {
                missing.add("version " + at);
                return;
            }
            for (MigrationFile f : files) {
                if (f.mode() == MigrationMode.VERSIONED && f.version().compareTo(at) <= 0) {
                    boolean failed = dirty && f.version().equals(at);
                    out.put(f.version(), new Entry(f, failed, failed
                            ? "failed part-way under golang-migrate (dirty in " + table + ", imported)"
                            : "imported from golang-migrate (" + table + " at version " + at + ")", 0));
                }
            }
        }
    }

    /**
     * Flyway keeps a row per run: versioned and repeatable migrations (success or not), its
     * baseline (everything up to it counts as applied), deletions its repair made.
     */
    private void readFlyway(Connection c, String table, Map<Version, Entry> versions, Map<String, Entry> scripts)
            throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT installed_rank, version, type, script, checksum, success,"
                     + " execution_time FROM " + table + " ORDER BY installed_rank")) {
            while (rs.next()) {
                String version = rs.getString(2);
                String type = rs.getString(3);
                String script = rs.getString(4);
                Integer checksum = (Integer) rs.getObject(5);
                boolean success = rs.getBoolean(6);
                long ms = rs.getLong(7);
                String note = "imported from Flyway (" + table + " rank " + rs.getLong(1) + ")";
                if (type.endsWith("BASELINE") && version != null) {
                    for (MigrationFile f : files) {
                        if (f.mode() == MigrationMode.VERSIONED && f.version().compareTo(Version.of(version)) <= 0) {
                            versions.putIfAbsent(f.version(), new Entry(f, false,
                                    "below Flyway's baseline " + version + " (" + table + ", imported)", 0));
                        }
                    }
                } else if (type.equals("DELETE") || type.startsWith("UNDO")) {
                    if (version != null) {
                        versions.remove(Version.of(version)); // repaired away, or undone
                    }
                } else if (FLYWAY_RUNS.contains(type)) {
                    Optional<MigrationFile> file = find(script, version);
                    if (file.isEmpty()) {
                        missing.add(script + (version == null ? "" : " (version " + version + ")"));
                        continue;
                    }
                    compare(file.get(), checksum);
                    Entry entry = new Entry(file.get(), !success, success ? note
                            : "failed under Flyway (" + table + " rank " + rs.getLong(1) + ", imported)", ms);
                    if (version == null && success) {
                        scripts.put(file.get().name(), entry); // the last run of a repeatable script counts
                    } else if (version == null) {
                        scripts.remove(file.get().name()); // failed last time: it runs again
                    } else {
                        versions.put(file.get().version(), entry);
                    }
                }
                // other types (SCHEMA: the row of Flyway creating schemas) record no migration
            }
        }
    }

    /** The file a Flyway row names: by file name (Flyway keeps it relative to its location), else by version. */
    private Optional<MigrationFile> find(String script, String version) {
        String name = script == null ? "" : script.substring(script.lastIndexOf('/') + 1);
        MigrationFile f = byName.get(name);
        if (f == null && version != null) {
            f = byVersion.get(Version.of(version));
        }
        return Optional.ofNullable(f);
    }

    private void compare(MigrationFile f, Integer flywayChecksum) {
        if (flywayChecksum != null && flywayChecksum != FlywayChecksum.of(f.sql())) {
            warnings.add(f.name() + " differs from the text Flyway applied (its checksum " + flywayChecksum
                    + ", the file's " + FlywayChecksum.of(f.sql()) + "); recorded with the file's text: check it");
        }
    }

    private static Optional<String> resolve(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(RESOLVE)) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }
}
