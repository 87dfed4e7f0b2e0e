package flux.log;

import static org.assertj.core.api.Assertions.assertThat;

import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestPostgres;
import flux.pg.SchemaChangeListener;
import flux.pg.SchemaInstaller;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The detector, probing as a login role that is not a superuser, notices DDL that another role made
 * with no NOTIFY, journals it once and announces it on the schema-change channel.
 */
@ExtendWith(FluxTestInfra.class)
class SchemaDetectorIT {
    private final TestPostgres owner;
    private final TestPostgres dev;

    SchemaDetectorIT(TestPostgres pg) throws SQLException {
        TestPostgres db = pg.newDatabase("schema_detector");
        owner = db.as("detector_owner", "NOSUPERUSER");
        dev = db.as("detector_dev", "NOSUPERUSER");
        db.execute("ALTER DATABASE \"" + db.database() + "\" OWNER TO detector_owner;"
                + "GRANT CREATE ON SCHEMA public TO detector_dev");
        SchemaInstaller.install(owner.dataSource(), LogSchema.script(), SchemaJournal.script());
    }

    @Test
    void ddlByAnotherRoleIsJournaledOnceAndAnnouncedOnTheChannel() throws Exception {
        BlockingQueue<List<SchemaChange>> recorded = new LinkedBlockingQueue<>();
        BlockingQueue<Long> announced = new LinkedBlockingQueue<>();
        try (SchemaChangeListener listener = new SchemaChangeListener("counting", "detector-it-listener",
                this::counting, () -> announced.add(System.nanoTime())).start();
             SchemaChangeListener detector = new SchemaChangeListener("detecting", "detector-it-probe",
                     owner::connect, () -> { }).probing(Duration.ofMillis(100), new SchemaDetector(recorded::add))
                     .start()) {
            awaitListening();
            long made = System.nanoTime();
            dev.execute("CREATE TABLE evo (id bigserial PRIMARY KEY, a text)");
            List<SchemaChange> created = recorded.poll(10, TimeUnit.SECONDS);
            Long heard = announced.poll(10, TimeUnit.SECONDS);
            assertThat(created).extracting(SchemaChange::kind).containsExactly(SchemaChange.Kind.CREATE_TABLE);
            assertThat(heard).isNotNull();
            System.out.printf("schema detector: create_table announced %d ms after the DDL committed%n",
                    (heard - made) / 1_000_000);

            dev.execute("ALTER TABLE evo ADD COLUMN b int");
            assertThat(recorded.poll(10, TimeUnit.SECONDS)).extracting(SchemaChange::kind)
                    .containsExactly(SchemaChange.Kind.ADD_COLUMN);
        }
        assertThat(owner.one("SELECT count(*) FROM flux.schema_changes")).isEqualTo("2");
    }

    private Connection counting() throws SQLException {
        Connection c = owner.connect();
        c.setClientInfo("ApplicationName", "detector-it-counting");
        return c;
    }

    private void awaitListening() {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
            return "1".equals(owner.one("SELECT count(*) FROM pg_stat_activity"
                    + " WHERE application_name = 'detector-it-counting' AND query = 'LISTEN flux_schema_changed'"));
        });
    }

}
