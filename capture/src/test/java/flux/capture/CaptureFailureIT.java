package flux.capture;

import static flux.capture.CaptureFixtures.config;
import static flux.capture.CaptureFixtures.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestKafka;
import flux.dev.testing.TestPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Permanent failures stop capture in FAILED with a reason and no retry; retriable ones are retried
 * until capture streams again. "No retry" is shown by the supervisor thread having ended (nothing
 * is left that could retry) with no restart counted.
 */
@ExtendWith(FluxTestInfra.class)
class CaptureFailureIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private final TestPostgres db;
    private final TestKafka kafka;

    CaptureFailureIT(TestPostgres pg, TestKafka kafka) throws SQLException {
        this.db = pg.newDatabase("capture_failure");
        this.kafka = kafka;
        CaptureFixtures.installFluxSchema(db);
    }

    @Test
    void aRoleWithoutReplicationFailsNamingTheAttributeAndIsNotRetried() throws Exception {
        String role = unique("norepl");
        String slot = unique("norepl");
        CaptureStatus.Failure failure = failureAs(role, "NOREPLICATION", slot);
        assertThat(failure.reason()).contains("role \"" + role + "\" lacks the REPLICATION attribute")
                .contains("ALTER ROLE \"" + role + "\" REPLICATION");
        assertThat(CaptureFixtures.exists(db, "SELECT 1 FROM pg_replication_slots WHERE slot_name = ?", slot)).isFalse();
    }

    @Test
    void aRoleThatMayNotCreateThePublicationFailsNamingThePrivilege() throws Exception {
        String slot = unique("nopub");
        CaptureStatus.Failure failure = failureAs(unique("nopub"), "REPLICATION", slot);
        // Which statement is refused first depends on the tables other tests left: each names the privilege.
        assertThat(failure.reason()).startsWith("cannot prepare publication " + slot + ": ")
                .containsPattern("permission denied for|must be owner of")
                .endsWith("[SQLSTATE 42501]");
    }

    @Test
    void aDroppedSlotWithStoredOffsetsFailsAndTheAdviceInTheReasonStartsAfresh() throws Exception {
        String slot = unique("dropped");
        String table = unique("accounts");
        CaptureConfig config = config(db, kafka.bootstrapServers(), slot);
        try (EngineWrites w = EngineWrites.on(db); CapturePipeline first = startWithTable(w, table, config)) {
            w.insert("req-1", table, 1, "ada", "1");
            await().atMost(WAIT).until(() -> first.status().eventsPublished() == 1);
            await().atMost(WAIT).until(() -> offsetsStored(slot));
        }
        CaptureFixtures.dropSlot(db, slot);

        CapturePipeline second = new CapturePipeline(config);
        try {
            CaptureStatus.Failure failure = startAndAwaitFailure(second);
            String advice = "DELETE FROM flux.capture_offsets WHERE slot_name = '" + slot + "'";
            assertThat(failure.reason()).startsWith("replication slot " + slot + " does not exist").endsWith(advice);

            CaptureFixtures.execute(db, advice);
            try (CapturePipeline third = CaptureFixtures.startStreaming(config)) {
                assertThat(third.status().failure()).isNull();
            }
        } finally {
            second.close();
            CaptureFixtures.dropSlot(db, slot);
        }
    }

    @Test
    void aTableWhoseNameKafkaRefusesAsATopicFailsCaptureNamingTheTopic() throws Exception {
        String slot = unique("topic");
        String table = "bad name " + unique("t"); // a space: not allowed in a Kafka topic name
        CaptureFixtures.execute(db, "CREATE TABLE public.\"" + table + "\" (id bigint PRIMARY KEY)");
        CapturePipeline pipeline = CaptureFixtures.startStreaming(config(db, kafka.bootstrapServers(), slot));
        try {
            CaptureFixtures.execute(db, "INSERT INTO public.\"" + table + "\" VALUES (1)");
            await().atMost(WAIT).until(() -> !pipeline.supervising());
            assertThat(pipeline.state()).isEqualTo(CaptureState.FAILED);
            assertThat(pipeline.status().failure().reason()).contains("flux.public." + table)
                    .contains("InvalidTopicException");
            assertThat(pipeline.status().restarts()).isZero();
            assertThat(pipeline.status().eventsPublished()).isZero();
        } finally {
            pipeline.close();
            CaptureFixtures.dropSlot(db, slot);
            CaptureFixtures.execute(db, "DROP TABLE public.\"" + table + "\"");
        }
    }

    @Test
    void aKilledWalsenderAndLostSessionsAreRetriedAndCaptureStreamsAgain() throws Exception {
        String slot = unique("retry");
        String table = unique("accounts");
        try (EngineWrites w = EngineWrites.on(db);
             CapturePipeline pipeline = startWithTable(w, table, config(db, kafka.bootstrapServers(), slot))) {
            // The walsender alone: Debezium reconnects by itself, the pipeline need not notice.
            int walsender = activePid(slot);
            CaptureFixtures.execute(db, "SELECT pg_terminate_backend(" + walsender + ")");
            await().atMost(WAIT).until(() -> activePid(slot) != walsender && activePid(slot) != 0);
            w.insert("req-1", table, 1, "ada", "1");
            await().atMost(WAIT).until(() -> pipeline.status().eventsPublished() == 1);

            // Every session of capture, the lock's included: the pipeline starts over.
            CaptureFixtures.execute(db, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '"
                    + db.database() + "' AND (application_name LIKE 'flux-capture-%' OR pid = " + activePid(slot) + ")");
            await().atMost(WAIT).until(() -> pipeline.status().restarts() == 1
                    && pipeline.state() == CaptureState.STREAMING);
            w.insert("req-2", table, 2, "bob", "2");
            await().atMost(WAIT).until(() -> pipeline.status().eventsPublished() >= 2);
            assertThat(pipeline.status().failure()).isNull();
            assertThat(pipeline.status().lastError()).isNotNull();
        } finally {
            CaptureFixtures.dropSlot(db, slot);
        }
    }

    /** Creates the table through the engine, then starts streaming (so the table is published). */
    private static CapturePipeline startWithTable(EngineWrites writes, String table, CaptureConfig config)
            throws SQLException {
        writes.createTable(table);
        return CaptureFixtures.startStreaming(config);
    }

    /** Starts the pipeline and waits for its supervisor to end; asserts FAILED without a restart. */
    private static CaptureStatus.Failure startAndAwaitFailure(CapturePipeline pipeline) {
        pipeline.start();
        await().atMost(WAIT).until(() -> !pipeline.supervising());
        CaptureStatus.Snapshot status = pipeline.status();
        assertThat(status.state()).isEqualTo(CaptureState.FAILED);
        assertThat(status.restarts()).isZero();
        assertThat(status.failure()).isNotNull();
        assertThat(status.failure().at()).isNotNull();
        assertThat(status.lastError()).isEqualTo(status.failure().reason());
        return status.failure();
    }

    /** Capture as a new login role with these attributes (and no other right); its permanent failure. */
    private CaptureStatus.Failure failureAs(String role, String attributes, String slot) throws SQLException {
        CaptureFixtures.execute(db, "CREATE ROLE " + role + " LOGIN " + attributes + " PASSWORD 'pw'");
        CapturePipeline pipeline = new CapturePipeline(new CaptureConfig(db.host(), db.port(), db.database(), role,
                "pw", slot, slot, kafka.bootstrapServers(), Duration.ofSeconds(2)));
        try {
            return startAndAwaitFailure(pipeline);
        } finally {
            pipeline.close();
            CaptureFixtures.execute(db, "DROP ROLE " + role);
        }
    }

    private boolean offsetsStored(String slot) throws SQLException {
        return CaptureFixtures.exists(db, "SELECT 1 FROM flux.capture_offsets WHERE slot_name = ?", slot);
    }

    /** The slot's walsender, 0 while none streams it. */
    private int activePid(String slot) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement st = c.prepareStatement(
                "SELECT coalesce(active_pid, 0) FROM pg_replication_slots WHERE slot_name = ?")) {
            st.setString(1, slot);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? rs.getInt(1) : 0;
            }
        }
    }
}
