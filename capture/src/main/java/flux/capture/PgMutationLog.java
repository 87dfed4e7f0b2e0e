package flux.capture;

import flux.capture.pg.PgConnections;
import flux.capture.verify.RecordImages;
import flux.capture.verify.WalRecordWriter;
import flux.capture.wal.WalChange;
import flux.capture.wal.WalMutationRecord;
import flux.pg.DatabaseException;
import flux.log.WalRecords;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link MutationLog} over a connection of its own, opened on first use; after a failed call it
 * is closed, so the next call reconnects.
 */
final class PgMutationLog implements MutationLog {
    private static final Logger log = LoggerFactory.getLogger(PgMutationLog.class);

    private final CaptureConfig config;
    private final String purpose;
    private final WalRecordWriter walRecords = new WalRecordWriter();
    private final RecordImages recordImages = new RecordImages();
    private volatile Connection connection; // volatile for abort()

    /** @param purpose the connection's application name suffix ("records", "images") */
    PgMutationLog(CaptureConfig config, String purpose) {
        this.config = config;
        this.purpose = purpose;
    }

    @Override
    public List<WalMutationRecord> withImages(List<WalMutationRecord> records)
            throws SQLException, InterruptedException {
        try {
            return recordImages.read(connection(), records);
        } catch (SQLException | DatabaseException failure) {
            SQLException e = DatabaseException.sqlCauseOf(failure);
            close();
            throw e;
        }
    }

    @Override
    public WalRecordWriter.Recorded recordUntracked(long txid8, String requestId, Instant committedAt,
                                                    List<WalChange> untracked) throws SQLException {
        try {
            return walRecords.write(connection(), txid8, requestId, committedAt, untracked);
        } catch (SQLException | DatabaseException failure) {
            SQLException e = DatabaseException.sqlCauseOf(failure);
            close();
            throw e;
        }
    }

    @Override
    public String schemaOwner(String schema) throws SQLException {
        try {
            return WalRecords.schemaOwner(connection(), schema);
        } catch (SQLException | DatabaseException failure) {
            SQLException e = DatabaseException.sqlCauseOf(failure);
            close();
            throw e;
        }
    }

    private Connection connection() throws SQLException {
        Connection c = connection;
        if (c == null || c.isClosed()) {
            c = PgConnections.open(config, purpose);
            connection = c;
        }
        return c;
    }

    /** An interrupt does not end a socket read: aborting the connection does. */
    @Override
    public void abort() {
        Connection c = connection;
        if (c != null) {
            try {
                c.abort(Runnable::run);
            } catch (SQLException e) {
                log.warn("cannot abort the {} connection of capture {}: {}", purpose, config.slotName(), e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        PgConnections.closeQuietly(connection);
        connection = null;
    }
}
