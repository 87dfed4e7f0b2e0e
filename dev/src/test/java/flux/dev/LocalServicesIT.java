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
        try {
            OrphanMaker.Owner owner = OrphanMaker.spawn("postgres", dir.toString(), Integer.toString(orphanPort));
            owner.kill9(); // its postgres keeps running
            assertThat(Processes.alive(owner.servicePid())).isPresent();

            try (LocalPostgres next = LocalPostgres.start(data, Ports.findFree())) {
                assertThat(Processes.alive(owner.servicePid())).isEmpty();
                assertThat(next.port()).isNotEqualTo(orphanPort);
                assertThat(query(next, "SELECT 'up'")).isEqualTo("up");
            }
        } finally {
            LocalPostgres.stopOrphan(data); // had the test failed before the next start stopped it
        }
    }

    @Test
    void theKafkaChildStopsItselfWhenTheJvmThatStartedItIsKilled() throws Exception {
        Path kafkaDir = dir.resolve("kafka");
        OrphanMaker.Owner owner = OrphanMaker.spawn("kafka", dir.toString());
        ProcessHandle broker = ProcessHandle.of(owner.servicePid()).orElseThrow();
        try {
            owner.kill9();
            assertThat(broker.onExit()).succeedsWithin(Duration.ofSeconds(60));
            assertThat(Files.readString(kafkaDir.resolve("server.log"))).contains("has exited; stopping");
        } finally {
            broker.destroyForcibly(); // had it outlived its parent
        }
    }

    @Test
    void aStalePidFileNamingAnotherProcessStopsNothing() throws Exception {
        // As after a reboot: the files' pid now names a process that is neither postgres nor Kafka.
        Process bystander = new ProcessBuilder("sleep", "300").start();
        try {
            Path pg = Files.createDirectories(dir.resolve("pg"));
            Path kafka = Files.createDirectories(dir.resolve("kafka"));
            Files.writeString(pg.resolve("postmaster.pid"), bystander.pid() + "\n" + pg + "\n");
            Files.writeString(kafka.resolve("kafka.pid"), Long.toString(bystander.pid()));

            LocalPostgres.stopOrphan(pg);
            LocalKafka.stopOrphan(kafka);

            assertThat(bystander.isAlive()).isTrue();
        } finally {
            bystander.destroyForcibly();
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
        try {
            String clusterId = clusterId(kafkaDir);
            roundTrip(orphan.bootstrapServers());
            try (LocalKafka next = LocalKafka.start(kafkaDir, Ports.findFree(), Ports.findFree())) {
                assertThat(orphan.isAlive()).isFalse();
                assertThat(clusterId(kafkaDir)).isEqualTo(clusterId);
                roundTrip(next.bootstrapServers());
            }
            assertThat(Files.exists(kafkaDir.resolve("kafka.pid"))).isFalse();
        } finally {
            orphan.close(); // had the test failed before the next start replaced it
        }
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
