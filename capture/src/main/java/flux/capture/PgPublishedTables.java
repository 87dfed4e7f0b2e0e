package flux.capture;

import flux.capture.pg.JoinPoints;
import flux.capture.pg.PgConnections;
import flux.log.SchemaChange;
import flux.log.SchemaJournal;
import flux.pg.DatabaseException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.function.Function;

/** {@link PublishedTables} over a connection of its own, opened on first use, closed after a failure. */
final class PgPublishedTables implements PublishedTables {
    private final CaptureConfig config;
    private Connection connection;

    PgPublishedTables(CaptureConfig config) {
        this.config = config;
    }

    @Override
    public boolean publishedAt(String schema, String table, long lsn) throws SQLException {
        try {
            return JoinPoints.publishedAt(connection(), config.publicationName(), schema, table, lsn);
        } catch (SQLException e) {
            close();
            throw e;
        }
    }

    @Override
    public List<String> keyColumns(String schema, String table) throws SQLException {
        return fromJournal(c -> SchemaJournal.keyColumns(c, schema, table));
    }

    @Override
    public List<SchemaChange> journaledUnder(String schema, String table) throws SQLException {
        return fromJournal(c -> SchemaJournal.underName(c, schema, table));
    }

    private <T> T fromJournal(Function<Connection, T> read) throws SQLException {
        try {
            return read.apply(connection());
        } catch (DatabaseException failure) {
            SQLException e = failure.sqlCause();
            close();
            throw e;
        }
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = PgConnections.open(config, "joins");
        }
        return connection;
    }

    @Override
    public void close() {
        PgConnections.closeQuietly(connection);
        connection = null;
    }
}
