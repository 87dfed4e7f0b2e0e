package flux.dev.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.PGConnection;
import org.postgresql.replication.PGReplicationStream;

@ExtendWith(FluxTestInfra.class)
class TestDatabasesIT {

    @Test
    void closingDropsItsDatabasesWhileSessionsAreOpenAndASlotIsStreamed(TestPostgres server) throws Exception {
        TestDatabases scope = new TestDatabases(server.host(), server.port(), server.user(), server.password(),
                server.database());
        TestPostgres db = server.in(scope).newDatabase("dropped");
        TestPostgres nested = db.newDatabase("dropped_too");
        try (Connection open = db.connect(); Statement st = open.createStatement();
             Connection replication = db.connectForReplication()) {
            st.execute("CREATE TABLE t (id int PRIMARY KEY); CREATE PUBLICATION p FOR TABLE t");
            PGConnection api = replication.unwrap(PGConnection.class);
            api.getReplicationAPI().createReplicationSlot().logical().withSlotName("dropped_slot")
                    .withOutputPlugin("pgoutput").make();
            PGReplicationStream stream = api.getReplicationAPI().replicationStream().logical()
                    .withSlotName("dropped_slot").withSlotOption("proto_version", "1")
                    .withSlotOption("publication_names", "p").start();
            assertThat(count(server, "SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'dropped_slot'"
                    + " AND active")).isOne();

            scope.close();

            assertThat(count(server, "SELECT count(*) FROM pg_database WHERE datname IN ('" + db.database() + "', '"
                    + nested.database() + "')")).isZero();
            assertThat(count(server, "SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'dropped_slot'"))
                    .isZero();
            assertThat(open.isValid(5)).as("its sessions were ended").isFalse();
        }
    }

    private static long count(TestPostgres server, String sql) throws SQLException {
        try (Connection c = server.connect(); PreparedStatement ps = c.prepareStatement(sql);
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
