package flux.pg;

import static org.assertj.core.api.Assertions.assertThat;

import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(FluxTestInfra.class)
class LockKeyIT {
    private static final String HELD = """
            SELECT count(*) FROM pg_locks
             WHERE locktype = 'advisory' AND granted AND objsubid = 2 AND classid::bigint = ? AND objid::bigint = ?
               AND database = (SELECT oid FROM pg_database WHERE datname = current_database())""";
    private final TestPostgres db;

    LockKeyIT(TestPostgres pg) {
        this.db = pg.newDatabase("lock_key");
    }

    @Test
    void aSessionLockExcludesOtherSessionsUntilReleasedAndShowsInPgLocksAsTwoInts() throws SQLException {
        LockKey key = LockKeys.streamer("lock_key_it");
        try (Connection holder = db.connect(); Connection other = db.connect()) {
            assertThat(key.tryLockForSession(holder)).isTrue();
            assertThat(key.tryLockForSession(other)).isFalse();
            assertThat(held(other, key)).isEqualTo(1);

            assertThat(key.unlockSession(holder)).isTrue();
            assertThat(key.tryLockForSession(other)).isTrue();
            assertThat(key.unlockSession(other)).isTrue();
        }
    }

    @Test
    void aTransactionLockEndsWithTheTransaction() throws SQLException {
        LockKey key = LockKeys.BLAME_FOLDER;
        try (Connection holder = db.connect(); Connection other = db.connect()) {
            Transactions.run(holder, c -> {
                assertThat(key.tryLockForTransaction(c)).isTrue();
                assertThat(Transactions.call(other, key::tryLockForTransaction)).isFalse();
            });
            assertThat(held(other, key)).isZero();
            assertThat(Transactions.call(other, key::tryLockForTransaction)).isTrue();
        }
    }

    @Test
    void aBigintLockWithTheSameBitsIsAnotherLock() throws SQLException {
        LockKey key = LockKeys.MIGRATION;
        long sameBits = ((long) key.classId() << 32) | key.objectOid();
        try (Connection holder = db.connect(); Connection other = db.connect()) {
            try (PreparedStatement ps = holder.prepareStatement("SELECT pg_advisory_lock(?)")) {
                ps.setLong(1, sameBits);
                ps.execute();
            }
            assertThat(key.tryLockForSession(other)).isTrue();
        }
    }

    private static int held(Connection c, LockKey key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(HELD)) {
            ps.setLong(1, key.classOid());
            ps.setLong(2, key.objectOid());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
