package flux.log;

import flux.pg.DatabaseException;
import flux.pg.SchemaScript;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Snapshot records ({@code source = 'snapshot'}): the rows of a table that joins capture's
 * publication after it was written, recorded where they differ from what the log holds, so history
 * and Kafka are complete from the join on. The statement is a SQL function,
 * {@code flux.record_snapshot} ({@code flux/log/snapshot-records.sql}), because capture's event
 * trigger runs it too, inside the DDL's transaction; capture's join calls it while it holds the
 * table in SHARE mode.
 */
public final class SnapshotRecords {
    private static final String RESOURCE = "flux/log/snapshot-records.sql";
    private static final String RECORD = "SELECT flux.record_snapshot(?) AS written";

    private SnapshotRecords() {
    }

    /** The function's DDL, after the log's, the journal's and tenancy's scripts. */
    public static SchemaScript script() {
        return SchemaScript.resource(SnapshotRecords.class, RESOURCE);
    }

    /**
     * Records the rows of the table with oid {@code tableOid} that the log lacks or holds otherwise,
     * in the transaction open on {@code c}; returns how many records it wrote. Hold the table in SHARE
     * mode first, or writers may slip between the read and the records.
     */
    public static int record(Connection c, long tableOid) {
        try (PreparedStatement ps = c.prepareStatement(RECORD)) {
            ps.setLong(1, tableOid);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt("written");
            }
        } catch (SQLException e) {
            throw new DatabaseException(e);
        }
    }
}
