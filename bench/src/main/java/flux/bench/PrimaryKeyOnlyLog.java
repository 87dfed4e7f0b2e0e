package flux.bench;

import flux.pg.LockKeys;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Mode (p) of {@code flux-bench write}: the engine's own statement into a mutation log that keeps
 * only its primary key. The distance from (a) to (p) is what writing a second row costs at all; from
 * (p) to (c), what the log's secondary indexes and the blame folder's work cost. The indexes are
 * dropped for the cell and made again from their own definitions afterwards (the log is emptied
 * before every cell, so both are quick). The blame folder is held off for the cell by its own
 * lock, as a second folder would hold it: without the log's row index, its count of an updated
 * row's records reads the whole log, which is no part of writing a second row.
 */
final class PrimaryKeyOnlyLog implements AutoCloseable {
    private final DataSource dataSource;
    private final List<String> definitions = new ArrayList<>();
    private Connection folderHeldOff;

    private PrimaryKeyOnlyLog(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    static PrimaryKeyOnlyLog strip(DataSource dataSource) throws SQLException {
        PrimaryKeyOnlyLog log = new PrimaryKeyOnlyLog(dataSource);
        log.folderHeldOff = dataSource.getConnection();
        try {
            LockKeys.BLAME_FOLDER.lockForSession(log.folderHeldOff);
            log.dropSecondaryIndexes();
        } catch (SQLException | RuntimeException e) {
            log.folderHeldOff.close(); // the session's end lets the folder go
            throw e;
        }
        return log;
    }

    private void dropSecondaryIndexes() throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("""
                    SELECT pg_get_indexdef(i.indexrelid), quote_ident(n.nspname) || '.' || quote_ident(x.relname)
                    FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid JOIN pg_namespace n ON n.oid = x.relnamespace
                    WHERE i.indrelid = 'flux.state_mutations'::regclass AND NOT i.indisprimary""")) {
                while (rs.next()) {
                    definitions.add(rs.getString(1));
                    names.add(rs.getString(2));
                }
            }
            for (String name : names) {
                st.execute("DROP INDEX " + name);
            }
        }
    }

    @Override
    public void close() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            for (String definition : definitions) {
                st.execute(definition);
            }
        } finally {
            LockKeys.BLAME_FOLDER.unlockSession(folderHeldOff);
            folderHeldOff.close();
        }
    }
}
