package flux.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalServicesIT {
    @TempDir
    Path dir;

    @Test
    void postgresRunsWithLogicalWalAndDurableCommitsAndKeepsDataAcrossRestarts() throws Exception {
        Path data = dir.resolve("pg");
        try (LocalPostgres pg = LocalPostgres.start(data, Ports.findFree())) {
            assertThat(setting(pg, "wal_level")).isEqualTo("logical");
            assertThat(setting(pg, "fsync")).isEqualTo("on");
            assertThat(setting(pg, "synchronous_commit")).isEqualTo("on");
            assertThat(setting(pg, "server_version_num")).startsWith("18");
            exec(pg, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here')");
        }
        try (LocalPostgres pg = LocalPostgres.start(data, Ports.findFree())) {
            assertThat(query(pg, "SELECT v FROM kept")).isEqualTo("still here");
        }
    }

    @Test
    void orphanedPostgresOnTheDataDirectoryIsStoppedBeforeStarting() throws Exception {
        Path data = dir.resolve("pg");
        int orphanPort = Ports.findFree();
        Process owner = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), OrphanMaker.class.getName(), data.toString(),
                Integer.toString(orphanPort)).redirectErrorStream(true).start();
        try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(owner.getInputStream()))) {
            String line;
            while ((line = out.readLine()) != null && !line.contains("READY")) {
                // skip the child's log lines
            }
        }
        owner.destroyForcibly().waitFor(); // kill -9: its postgres keeps running
        long orphanPid = Processes.readPid(data.resolve("postmaster.pid")).orElseThrow();
        assertThat(Processes.alive(orphanPid)).isPresent();

        try (LocalPostgres next = LocalPostgres.start(data, Ports.findFree())) {
            assertThat(Processes.alive(orphanPid)).isEmpty();
            assertThat(next.port()).isNotEqualTo(orphanPort);
            assertThat(query(next, "SELECT 'up'")).isEqualTo("up");
        }
    }

    @Test
    void postgresPortInUseIsAOneLineError() throws Exception {
        try (ServerSocket busy = new ServerSocket(0)) {
            assertThatThrownBy(() -> LocalPostgres.start(dir.resolve("pg"), busy.getLocalPort()))
                    .isInstanceOf(DevServiceException.class)
                    .hasMessage("PostgreSQL port " + busy.getLocalPort() + " is already in use");
        }
    }

    @Test
    void kafkaRoundTripsAMessageFormatsOnceAndReplacesAnOrphanedBroker() throws Exception {
        Path kafkaDir = dir.resolve("kafka");
        LocalKafka orphan = LocalKafka.start(kafkaDir, Ports.findFree(), Ports.findFree());
        String clusterId = clusterId(kafkaDir);
        roundTrip(orphan.bootstrapServers());
        try (LocalKafka next = LocalKafka.start(kafkaDir, Ports.findFree(), Ports.findFree())) {
            assertThat(orphan.isAlive()).isFalse();
            assertThat(clusterId(kafkaDir)).isEqualTo(clusterId);
            roundTrip(next.bootstrapServers());
        }
        assertThat(Files.exists(kafkaDir.resolve("kafka.pid"))).isFalse();
    }

    @Test
    void aHeldDataDirectoryIsRefusedWithTheOwnersPid() {
        try (FluxHome home = FluxHome.acquire(dir.resolve("home"))) {
            // FileChannel locks are per JVM: a second acquire here overlaps and is refused.
            assertThatThrownBy(() -> FluxHome.acquire(dir.resolve("home")))
                    .isInstanceOf(DevServiceException.class)
                    .hasMessageContaining("is in use by another flux process");
        }
        FluxHome.acquire(dir.resolve("home")).close();
    }

    @Test
    void aDataDirectoryThatCannotBeCreatedIsAOneLineError() throws Exception {
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        assertThatThrownBy(() -> FluxHome.acquire(file.resolve("sub")))
                .isInstanceOf(DevServiceException.class)
                .hasMessageStartingWith("cannot create data directory " + file.resolve("sub"));
    }

    private static String clusterId(Path kafkaDir) throws Exception {
        Properties meta = new Properties();
        try (var in = Files.newInputStream(kafkaDir.resolve("data/meta.properties"))) {
            meta.load(in);
        }
        return meta.getProperty("cluster.id");
    }

    private static void roundTrip(String bootstrap) throws Exception {
        String topic = "t-" + UUID.randomUUID();
        String value = "hello " + topic;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                "bootstrap.servers", bootstrap), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "k", value)).get();
        }
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                "bootstrap.servers", bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "g-" + topic,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    assertThat(r.value()).isEqualTo(value);
                    return;
                }
            }
        }
        throw new AssertionError("message did not come back from " + bootstrap);
    }

    private static String setting(LocalPostgres pg, String name) throws Exception {
        return query(pg, "SELECT current_setting('" + name + "')");
    }

    private static String query(LocalPostgres pg, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl()); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void exec(LocalPostgres pg, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl()); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
