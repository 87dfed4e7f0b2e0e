package flux.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class TransactionsTest {

    @Test
    void workThatSucceedsCommitsAndTheConnectionGoesBackToAutocommit() throws SQLException {
        FakeConnection fake = new FakeConnection(true);
        String answer = Transactions.call(fake.connection, c -> "done");
        assertThat(answer).isEqualTo("done");
        assertThat(fake.calls).containsExactly("setAutoCommit(false)", "commit", "setAutoCommit(true)");
        assertThat(fake.autoCommit()).isTrue();
    }

    @Test
    void workThatFailsRollsBackAndItsOwnErrorPropagatesUncheckedWithItsSqlState() {
        FakeConnection fake = new FakeConnection(true);
        SQLException failure = new SQLException("duplicate key", "23505");
        assertThatThrownBy(() -> Transactions.run(fake.connection, c -> {
            throw failure;
        })).isInstanceOfSatisfying(DatabaseException.class, e -> {
            assertThat((Object) e.sqlCause()).isSameAs(failure);
            assertThat(e.sqlState()).isEqualTo("23505");
            assertThat(e).hasMessage("duplicate key");
        });
        assertThat(fake.calls).containsExactly("setAutoCommit(false)", "rollback", "setAutoCommit(true)");
    }

    @Test
    void anUncheckedFailureRollsBackToo() {
        FakeConnection fake = new FakeConnection(true);
        assertThatThrownBy(() -> Transactions.run(fake.connection, c -> {
            throw new IllegalStateException("bug");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(fake.calls).containsExactly("setAutoCommit(false)", "rollback", "setAutoCommit(true)");
    }

    @Test
    void aFailedRollbackIsSuppressedUnderTheWorksError() {
        FakeConnection fake = new FakeConnection(true).failOn("rollback");
        SQLException failure = new SQLException("connection lost", "08006");
        assertThatThrownBy(() -> Transactions.run(fake.connection, c -> {
            throw failure;
        })).hasCause(failure);
        assertThat(failure.getSuppressed()).extracting(Throwable::getMessage).containsExactly("rollback failed");
    }

    @Test
    void aFailedCommitRollsBackAndPropagates() {
        FakeConnection fake = new FakeConnection(true).failOn("commit");
        assertThatThrownBy(() -> Transactions.run(fake.connection, c -> { }))
                .isInstanceOf(DatabaseException.class).hasMessage("commit failed");
        assertThat(fake.calls).containsExactly("setAutoCommit(false)", "commit", "rollback", "setAutoCommit(true)");
    }

    @Test
    void aConnectionAlreadyInATransactionKeepsItsMode() throws SQLException {
        FakeConnection fake = new FakeConnection(false);
        Transactions.run(fake.connection, c -> { });
        assertThat(fake.calls).containsExactly("commit");
        assertThat(fake.autoCommit()).isFalse();
    }

    @Test
    void rollBackAfterRollsBackEvenWhenTheWorkSucceeds() throws SQLException {
        FakeConnection fake = new FakeConnection(true);
        long rows = Transactions.rollBackAfter(fake.connection, c -> 42L);
        assertThat(rows).isEqualTo(42L);
        assertThat(fake.calls).containsExactly("setAutoCommit(false)", "rollback", "setAutoCommit(true)");
    }

    @Test
    void aSavepointThatFailsIsRolledBackToAndTheErrorPropagates() {
        FakeConnection fake = new FakeConnection(false);
        SQLException failure = new SQLException("relation does not exist", "42P01");
        assertThatThrownBy(() -> Transactions.inSavepoint(fake.connection, c -> {
            throw failure;
        })).isInstanceOf(DatabaseException.class).hasCause(failure);
        assertThat(fake.calls).containsExactly("setSavepoint", "rollback(savepoint)");
    }

    @Test
    void aSavepointIsRolledBackToWhenTheWorkFailsInTheLogsOrPgsMethods() {
        FakeConnection fake = new FakeConnection(false);
        DatabaseException failure = new DatabaseException(new SQLException("lock timeout", "55P03"));
        assertThatThrownBy(() -> Transactions.inSavepoint(fake.connection, c -> {
            throw failure;
        })).isSameAs(failure);
        assertThat(fake.calls).containsExactly("setSavepoint", "rollback(savepoint)");
    }

    @Test
    void aSavepointThatSucceedsIsLeftToTheTransaction() throws SQLException {
        FakeConnection fake = new FakeConnection(false);
        String answer = Transactions.inSavepoint(fake.connection, c -> "ok");
        assertThat(answer).isEqualTo("ok");
        assertThat(fake.calls).containsExactly("setSavepoint");
    }

    @Test
    void aSavepointNeedsAnOpenTransaction() {
        FakeConnection fake = new FakeConnection(true);
        assertThatThrownBy(() -> Transactions.inSavepoint(fake.connection, c -> "ok"))
                .isInstanceOf(IllegalStateException.class);
    }
}
