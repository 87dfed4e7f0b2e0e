package flux.migrate;

import flux.migrate.SchemaCatalog.CatalogObject;
import flux.migrate.SchemaCatalog.Key;
import flux.migrate.SchemaCatalog.Table;
import flux.pg.Identifiers;
import flux.pg.Transactions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the catalog a set of files produces, by running them where they can do no harm and
 * reading {@code pg_catalog} there, as migra and pg-schema-diff do: no SQL parser guesses at
 * what DDL means. First choice, a scratch database on the same server ({@code CREATE DATABASE}
 * needs the CREATEDB privilege), dropped afterwards; the live database's extensions are created
 * in it first, since files assume them. Without that privilege, a scratch schema in the live
 * database inside a transaction that is always rolled back: unqualified names land in it, and it
 * is read as {@code public}. That fallback cannot run files that need autocommit (their own
 * transactions, CONCURRENTLY), and a schema-qualified name in a file reaches the live schema
 * (rolled back with the rest, but it may fail or wait on locks): both are refused or reported.
 */
final class ScratchCatalog {
    private static final Logger log = LoggerFactory.getLogger(ScratchCatalog.class);
    private static final String EXTENSIONS = "SELECT extname FROM pg_extension WHERE extname <> 'plpgsql' ORDER BY oid";
    private static final String INSUFFICIENT_PRIVILEGE = "42501";
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * @param where how it was built, for output: "a scratch database" or "a scratch schema (no CREATEDB)"
     */
    record Built(SchemaCatalog catalog, String where) {
    }

    private ScratchCatalog() {
    }

    /** Runs {@code files} (their up text, in order) in scratch space next to the database of {@code live}. */
    static Built build(Connection live, DatabaseConnector connector, List<MigrationFile> files, String purpose)
            throws SQLException {
        String name = newName();
        if (!createDatabase(live, name)) {
            log.info("no CREATEDB privilege: building {} in a scratch schema of the live database", purpose);
            return new Built(inSchema(live, name, files, purpose), "a scratch schema (the role may not CREATE DATABASE)");
        }
        try (Session session = new Session(live, name, connector)) {
            for (MigrationFile f : files) {
                session.run(f, purpose);
            }
            return new Built(session.catalog(), "a scratch database");
        }
    }

    /**
     * A scratch database kept open, for work statement by statement (lint); dropped on close.
     *
     * @throws InvalidMigration when the role may not create databases
     */
    static Session open(Connection live, DatabaseConnector connector, String purpose) throws SQLException {
        String name = newName();
        if (!createDatabase(live, name)) {
            throw new InvalidMigration(purpose + " needs a scratch database, and the role may not CREATE DATABASE;"
                    + " grant it CREATEDB (ALTER ROLE ... CREATEDB)");
        }
        return new Session(live, name, connector);
    }

    /** A scratch database and a connection to it, in autocommit. */
    static final class Session implements AutoCloseable {
        private final Connection live;
        private final String name;
        private final Connection scratch;

        private Session(Connection live, String name, DatabaseConnector connector) throws SQLException {
            this.live = live;
            this.name = name;
            Connection c;
            try {
                c = connector.connect(name);
                copyExtensions(live, c);
            } catch (SQLException | RuntimeException e) {
                drop(live, name);
                throw e;
            }
            this.scratch = c;
        }

        /** A whole file: in one transaction when it is transactional, else statement by statement. */
        void run(MigrationFile f, String purpose) throws SQLException {
            ScratchCatalog.run(scratch, f, purpose);
        }

        /** One statement, in autocommit (a file's own BEGIN opens a block that its COMMIT ends). */
        void execute(MigrationFile f, SqlStatement s, String purpose) {
            ScratchCatalog.execute(scratch, f, s, purpose);
        }

        /** The scratch database's catalog now, also between the statements of an open block. */
        SchemaCatalog catalog() throws SQLException {
            if (scratch.unwrap(BaseConnection.class).getTransactionState() != TransactionState.IDLE) {
                return CatalogReader.read(scratch, CatalogReader.userSchemas(scratch));
            }
            return Transactions.rollBackAfter(scratch, c -> CatalogReader.read(c, CatalogReader.userSchemas(c)));
        }

        @Override
        public void close() throws SQLException {
            try {
                scratch.close();
            } finally {
                drop(live, name);
            }
        }
    }

    private static String newName() {
        byte[] random = new byte[6];
        RANDOM.nextBytes(random);
        return "flux_scratch_" + HexFormat.of().formatHex(random);
    }

    /** False when the role may not create databases (42501); other failures are thrown. */
    private static boolean createDatabase(Connection live, String name) throws SQLException {
        live.setAutoCommit(true);
        try (Statement st = live.createStatement()) {
            st.execute("CREATE DATABASE " + Identifiers.quote(name) + " TEMPLATE template0");
            return true;
        } catch (SQLException e) {
            if (INSUFFICIENT_PRIVILEGE.equals(e.getSQLState())) {
                return false;
            }
            throw e;
        }
    }

    private static void drop(Connection live, String name) throws SQLException {
        try (Statement st = live.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + Identifiers.quote(name) + " WITH (FORCE)");
        }
    }

    /** The files in a schema of their own, inside a transaction that is rolled back; read as {@code public}. */
    private static SchemaCatalog inSchema(Connection live, String name, List<MigrationFile> files, String purpose)
            throws SQLException {
        for (MigrationFile f : files) {
            if (!f.script().transactional()) {
                throw new InvalidMigration("cannot build " + purpose + " without a scratch database: " + f.name()
                        + " runs " + f.script().nonTransactionalReason().map(r -> "outside a transaction (" + r + ")")
                        .orElse("outside a transaction") + "; grant the role CREATEDB (ALTER ROLE ... CREATEDB)");
            }
        }
        return Transactions.rollBackAfter(live, c -> {
            try (Statement st = c.createStatement()) {
                st.execute("CREATE SCHEMA " + Identifiers.quote(name));
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT set_config('search_path', ?, true)")) {
                ps.setString(1, Identifiers.quote(name));
                ps.execute();
            }
            for (MigrationFile f : files) {
                for (SqlStatement s : f.script().statements()) {
                    execute(c, f, s, purpose);
                }
            }
            return renamed(CatalogReader.read(c, Set.of(name)), name, "public");
        });
    }

    private static void run(Connection c, MigrationFile f, String purpose) throws SQLException {
        if (f.script().transactional()) {
            Transactions.run(c, x -> {
                for (SqlStatement s : f.script().statements()) {
                    execute(x, f, s, purpose);
                }
            });
        } else {
            for (SqlStatement s : f.script().statements()) {
                execute(c, f, s, purpose);
            }
            if (!c.getAutoCommit()) {
                c.rollback();
            }
        }
    }

    private static void execute(Connection c, MigrationFile f, SqlStatement s, String purpose) {
        try (Statement st = c.createStatement()) {
            st.setEscapeProcessing(false);
            st.execute(s.text());
        } catch (SQLException e) {
            int position = SqlErrors.position(e);
            int line = position > 0 ? s.lineOf(position) : s.line();
            throw new MigrationFailed(f.name(), line, e.getSQLState(), "building " + purpose + " failed: " + f.name()
                    + " line " + line + ": " + SqlErrors.describe(e) + "; the live database was not changed", e);
        }
    }

    /** The live database's extensions, which files tend to assume; one that cannot be created is only logged. */
    private static void copyExtensions(Connection live, Connection scratch) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Statement st = live.createStatement(); ResultSet rs = st.executeQuery(EXTENSIONS)) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        for (String ext : names) {
            try (Statement st = scratch.createStatement()) {
                st.execute("CREATE EXTENSION IF NOT EXISTS " + Identifiers.quote(ext));
            } catch (SQLException e) {
                log.info("scratch database: cannot create extension {}: {}", ext, SqlErrors.describe(e));
            }
        }
    }

    /** The catalog of schema {@code from} as if it were {@code to}: names in keys and definitions. */
    static SchemaCatalog renamed(SchemaCatalog catalog, String from, String to) {
        Map<String, Table> tables = new LinkedHashMap<>();
        catalog.tables().values().forEach(t -> {
            Table r = new Table(to, t.name(), t.columns().stream().map(col -> new SchemaCatalog.Column(col.name(),
                    swap(col.type(), from, to), swap(col.defaultSql(), from, to), col.notNull(), col.identity(),
                    swap(col.generated(), from, to))).toList(), t.rowSecurity(), t.forceRowSecurity(),
                    swap(t.partitionBy(), from, to), t.order(), t.storage());
            tables.put(to + "." + t.name(), r);
        });
        Map<Key, CatalogObject> objects = new LinkedHashMap<>();
        catalog.objects().values().forEach(o -> {
            Key k = new Key(o.key().kind(), to, o.key().table(), o.key().name());
            objects.put(k, new CatalogObject(k, swap(o.definition(), from, to), swap(o.detail(), from, to), o.order()));
        });
        return new SchemaCatalog(Set.of(to), tables, objects);
    }

    /**
     * Both names are lower-case letters, digits and _, which the catalog's definitions never
     * quote: {@code from.} is all there is to swap (the scratch name is too odd to occur otherwise).
     */
    private static String swap(String text, String from, String to) {
        return text == null ? null : text.replace(from + ".", to + ".");
    }
}
