package flux.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import flux.dev.LocalKafka;
import flux.dev.LocalPostgres;
import flux.dev.Ports;
import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestKafka;
import flux.dev.testing.TestPostgres;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code flux serve} as a user runs it: the packaged jar in its own process. */
@ExtendWith(FluxTestInfra.class)
@Timeout(value = 10, unit = TimeUnit.MINUTES) // its own waits add up to more than the default 5 minutes
class ServeIT {
    private static final Duration START = Duration.ofSeconds(90);

    @TempDir
    Path work;

    /** Whatever a failed test left under its data directory, by the pids recorded there (a passing one leaves nothing). */
    @AfterEach
    void stopLeftovers() {
        LocalKafka.stopOrphan(work.resolve(".flux/kafka"));
        LocalPostgres.stopOrphan(work.resolve(".flux/pg"));
    }

    private final int http = Ports.findFree();
    private final int pg = Ports.findFree();
    private final int kafka = Ports.findFreePair(); // serve's controller takes the next port

    private String[] serve() {
        return new String[] {"serve", "--port", Integer.toString(http), "--pg-port", Integer.toString(pg),
                "--kafka-port", Integer.toString(kafka), "--data-dir", work.resolve(".flux").toString()};
    }

    @Test
    void embeddedDefaultServesHealthReportsAPartThatIsDownAndStopsEverythingOnSigterm() throws Exception {
        try (FluxProcess flux = FluxProcess.start(work, Map.of(), serve()).awaitUp(START)) {
            assertThat(flux.stdout())
                    .contains("http      http://127.0.0.1:" + http)
                    .contains("database  postgresql://postgres@127.0.0.1:" + pg + "/flux")
                    .contains("kafka     127.0.0.1:" + kafka);
            HttpResponse<String> health = flux.get(http, "/health");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"database\":{").contains("\"kafka\":{").doesNotContain("DOWN");
            assertThat(query("SELECT to_regclass('flux.state_mutations')::text")).isEqualTo("flux.state_mutations");
            Path urlFile = work.resolve(".flux/database.url");
            assertThat(Files.readString(urlFile)).startsWith("jdbc:postgresql://127.0.0.1:" + pg + "/flux");

            long postgresPid = pid(work.resolve(".flux/pg/postmaster.pid"));
            long kafkaPid = pid(work.resolve(".flux/kafka/kafka.pid"));
            ProcessHandle kafkaChild = ProcessHandle.of(kafkaPid).orElseThrow();
            kafkaChild.destroyForcibly();
            assertThat(kafkaChild.onExit()).succeedsWithin(Duration.ofSeconds(30));
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                HttpResponse<String> down = flux.get(http, "/health");
                assertThat(down.statusCode()).isEqualTo(503);
                assertThat(down.body()).contains("\"kafka\":{\"status\":\"DOWN\"");
            });

            assertThat(flux.terminate()).isIn(0, 143);
            assertThat(flux.stderr()).contains("embedded PostgreSQL stopped");
            await().atMost(Duration.ofSeconds(10)).until(() -> !ProcessHandle.of(postgresPid).map(ProcessHandle::isAlive).orElse(false));
            assertThat(urlFile).doesNotExist();
        }
    }

    @Test
    void aRestartKeepsTheDataAndAfterKill9KafkaStopsItselfAndTheNextStartStopsTheOrphanedPostgres() throws Exception {
        try (FluxProcess first = FluxProcess.start(work, Map.of(), serve()).awaitUp(START)) {
            exec("CREATE TABLE survivor (id int PRIMARY KEY, note text); INSERT INTO survivor VALUES (1, 'kept')");
            long postgresPid = pid(work.resolve(".flux/pg/postmaster.pid"));
            ProcessHandle kafka = ProcessHandle.of(pid(work.resolve(".flux/kafka/kafka.pid"))).orElseThrow();
            first.kill9();
            assertThat(ProcessHandle.of(postgresPid).map(ProcessHandle::isAlive)).contains(true);
            // The Kafka child is tethered to the JVM that started it.
            assertThat(kafka.onExit()).succeedsWithin(Duration.ofSeconds(60));

            try (FluxProcess second = FluxProcess.start(work, Map.of(), serve()).awaitUp(START)) {
                assertThat(ProcessHandle.of(postgresPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
                assertThat(second.stderr()).contains("stopping orphaned postgres");
                assertThat(second.get(http, "/health").statusCode()).isEqualTo(200);
                assertThat(query("SELECT note FROM survivor WHERE id = 1")).isEqualTo("kept");
            }
        }
    }

    @Test
    void externalDatabaseAndKafkaAreUsedAndNothingEmbeddedStarts(TestPostgres postgres, TestKafka broker)
            throws Exception {
        TestPostgres db = postgres.newDatabase("serve_external");
        String url = "postgresql://" + db.user() + ":" + db.password() + "@" + db.host() + ":" + db.port() + "/"
                + db.database();
        try (FluxProcess flux = FluxProcess.start(work, Map.of("DATABASE_URL", url,
                "KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers()), serve()).awaitUp(START)) {
            assertThat(flux.get(http, "/health").statusCode()).isEqualTo(200);
            assertThat(flux.stdout()).doesNotContain("embedded").doesNotContain(":" + db.password() + "@");
            assertThat(work.resolve(".flux")).doesNotExist();
            try (Connection c = db.connect(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT to_regclass('flux.state_mutations') IS NOT NULL")) {
                rs.next();
                assertThat(rs.getBoolean(1)).isTrue();
            }
        }
    }

    @Test
    void aBusyHttpPortIsAOneLineErrorWithNonZeroExit() throws Exception {
        try (ServerSocket busy = new ServerSocket(http)) {
            FluxProcess flux = FluxProcess.run(work, Map.of(), serve());
            assertThat(flux.exitCode()).isEqualTo(1);
            assertOneLineError(flux.stderr(), "flux: HTTP port " + http + " is already in use");
        }
    }

    @Test
    void aDataDirectoryThatCannotBeWrittenIsAOneLineError() throws Exception {
        Path file = Files.writeString(work.resolve("not-a-dir"), "x");
        FluxProcess flux = FluxProcess.run(work, Map.of(), "serve", "--port", Integer.toString(http),
                "--data-dir", file.resolve("sub").toString());
        assertThat(flux.exitCode()).isEqualTo(1);
        assertOneLineError(flux.stderr(), "flux: cannot create data directory " + file.resolve("sub"));
    }

    @Test
    void anUnreachableDatabaseUrlIsAOneLineError() throws Exception {
        int closed = Ports.findFree();
        FluxProcess flux = FluxProcess.run(work, Map.of("DATABASE_URL", "postgresql://flux@127.0.0.1:" + closed + "/app",
                "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + Ports.findFree()), serve());
        assertThat(flux.exitCode()).isEqualTo(1);
        assertOneLineError(flux.stderr(), "flux: cannot connect to DATABASE_URL postgresql://flux@127.0.0.1:" + closed + "/app");
    }

    @Test
    void helpListsTheCommandsAndAnUnknownOneIsAUsageError() throws Exception {
        FluxProcess help = FluxProcess.run(work, Map.of(), "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.stdout()).contains("Commands:").contains("serve").doesNotContain("bench");
        FluxProcess serveHelp = FluxProcess.run(work, Map.of(), "serve", "--help");
        assertThat(serveHelp.exitCode()).isZero();
        assertThat(serveHelp.stdout()).contains("--port").contains("--data-dir");
        assertThat(work.resolve(".flux")).doesNotExist(); // --help started nothing
        FluxProcess unknown = FluxProcess.run(work, Map.of(), "frobnicate");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.stderr()).contains("Unmatched argument");
    }

    private static void assertOneLineError(String stderr, String expectedStart) {
        assertThat(stderr.lines().filter(l -> l.startsWith("flux: ")).toList())
                .singleElement().asString().startsWith(expectedStart);
        assertThat(stderr).doesNotContain("\tat ").doesNotContain("Exception");
    }

    private static long pid(Path pidFile) throws Exception {
        return Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
    }

    private String query(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pg + "/flux?user=postgres");
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private void exec(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pg + "/flux?user=postgres");
             Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
