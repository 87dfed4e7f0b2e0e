package flux.capture;

import static org.assertj.core.api.Assertions.assertThat;

import flux.pg.DatabaseException;
import io.debezium.DebeziumException;
import java.io.EOFException;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;
import org.postgresql.util.ServerErrorMessage;

class FailureClassifierTest {

    /** A server error as pgjdbc parses it off the wire: fields separated by NUL. */
    private static PSQLException serverError(String severity, String sqlState, String message, String detail) {
        return new PSQLException(new ServerErrorMessage("S" + severity + "\0V" + severity + "\0C" + sqlState + "\0M"
                + message + (detail == null ? "" : "\0D" + detail) + "\0\0"));
    }

    @Test
    void aRoleWithoutReplicationIsPermanentEvenWrappedByDebeziumAndTheReasonNamesTheAttribute() {
        PSQLException walsender = serverError("FATAL", "42501", "permission denied to start WAL sender",
                "Only roles with the REPLICATION attribute may start a WAL sender process.");
        Throwable fromEngine = new ExecutionException(new DebeziumException("Creation of replication slot failed",
                walsender));

        CaptureException c = FailureClassifier.classify("Debezium engine ended", fromEngine);

        assertThat(c).isInstanceOf(CaptureException.Permanent.class).hasCause(fromEngine);
        assertThat(c).hasMessage("Debezium engine ended: permission denied to start WAL sender (Only roles with the"
                + " REPLICATION attribute may start a WAL sender process.) [SQLSTATE 42501]");
    }

    @Test
    void aFailureOfThePgOrLogModulesIsClassifiedByItsSqlState() {
        DatabaseException refused = new DatabaseException(serverError("ERROR", "42501",
                "permission denied for table state_mutations", null));
        assertThat(FailureClassifier.classify("cannot record untracked changes", new IllegalStateException(refused)))
                .isInstanceOf(CaptureException.Permanent.class)
                .hasMessage("cannot record untracked changes: permission denied for table state_mutations"
                        + " [SQLSTATE 42501]");
        DatabaseException lost = new DatabaseException(
                new PSQLException("Connection to 127.0.0.1:5432 refused.", PSQLState.CONNECTION_UNABLE_TO_CONNECT));
        assertThat(FailureClassifier.classify("cannot take the streamer lock", lost))
                .isInstanceOf(CaptureException.Retriable.class)
                .hasMessage("cannot take the streamer lock: Connection to 127.0.0.1:5432 refused. [SQLSTATE 08001]");
    }

    @Test
    void refusedLoginsMissingDatabasesAndOldServersArePermanent() {
        for (String state : new String[] {"28P01", "28000", "3D000", "0A000", "42601"}) {
            assertThat(FailureClassifier.classify("x", serverError("FATAL", state, "refused", null))).as(state)
                    .isInstanceOf(CaptureException.Permanent.class);
        }
    }

    @Test
    void lostConnectionsAndServersGoingAwayOrComingBackAreRetriable() {
        assertThat(FailureClassifier.classify("cannot take the streamer lock",
                new PSQLException("Connection to 127.0.0.1:5432 refused.", PSQLState.CONNECTION_UNABLE_TO_CONNECT)))
                .isInstanceOf(CaptureException.Retriable.class)
                .hasMessage("cannot take the streamer lock: Connection to 127.0.0.1:5432 refused. [SQLSTATE 08001]");
        for (String state : new String[] {"57P01", "57P03", "53300", "55006", "40001"}) {
            assertThat(FailureClassifier.classify("x", serverError("FATAL", state, "going away", null))).as(state)
                    .isInstanceOf(CaptureException.Retriable.class);
        }
        assertThat(FailureClassifier.classify("x", new PSQLException("An I/O error occurred while sending to the"
                + " backend.", PSQLState.CONNECTION_FAILURE, new EOFException())))
                .isInstanceOf(CaptureException.Retriable.class);
    }

    @Test
    void aFailureClassifiedBeforeKeepsItsKindAndMessageWhateverWrapsIt() {
        CaptureException.Permanent inner = new CaptureException.Permanent("Kafka refuses records for t: no");
        Throwable wrapped = new ExecutionException(new DebeziumException("batch failed",
                new IllegalStateException(serverError("ERROR", "57P01", "terminating", null).getMessage(), inner)));

        assertThat(FailureClassifier.classify("Debezium engine ended", wrapped)).isSameAs(inner);
    }

    @Test
    void kafkaRefusalsThatEveryResendWouldMeetArePermanent() {
        assertThat(FailureClassifier.classify("Kafka refuses records for flux.public.bad name",
                new InvalidTopicException("Invalid topics: [flux.public.bad name]")))
                .isInstanceOf(CaptureException.Permanent.class)
                .hasMessage("Kafka refuses records for flux.public.bad name: InvalidTopicException:"
                        + " Invalid topics: [flux.public.bad name]");
        assertThat(FailureClassifier.classify("x", new TopicAuthorizationException("Not authorized")))
                .isInstanceOf(CaptureException.Permanent.class);
        assertThat(FailureClassifier.classify("x", new KafkaException("Failed to construct kafka producer",
                new ConfigException("Invalid url in bootstrap.servers: kafka"))))
                .isInstanceOf(CaptureException.Permanent.class);
    }

    @Test
    void anUnreachableOrNotYetResolvableBrokerIsRetriable() {
        assertThat(FailureClassifier.classify("x", new TimeoutException("Expiring 3 record(s)")))
                .isInstanceOf(CaptureException.Retriable.class);
        assertThat(FailureClassifier.classify("x", new KafkaException("Failed to construct kafka producer",
                new ConfigException("No resolvable bootstrap urls given in bootstrap.servers"))))
                .isInstanceOf(CaptureException.Retriable.class);
    }

    @Test
    void anythingUnknownIsRetriedWithItsRootMessage() {
        assertThat(FailureClassifier.classify("Debezium engine ended",
                new IllegalStateException("engine stopped", new NullPointerException())))
                .isInstanceOf(CaptureException.Retriable.class)
                .hasMessage("Debezium engine ended: NullPointerException");
    }
}
