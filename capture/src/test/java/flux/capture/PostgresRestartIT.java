package flux.capture;

import static flux.capture.CaptureFixtures.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import flux.dev.LocalPostgres;
import flux.dev.Ports;
import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.ds.PGSimpleDataSource;

/** A PostgreSQL of its own, restarted under a streaming pipeline: capture reconnects, nothing is lost. */
@ExtendWith(FluxTestInfra.class)
@Timeout(value = 10, unit = TimeUnit.MINUTES) // its own waits add up to more than the default 5 minutes
class PostgresRestartIT {
    private final TestKafka kafka;

    PostgresRestartIT(TestKafka kafka) {
        this.kafka = kafka;
    }

    @Test
    void captureReconnectsAfterPostgresRestartsAndPublishesWhatWasWrittenAround() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "restart-pg").resolve("data");
        int port = Ports.findFree();
        String table = unique("accounts");
        String slot = unique("restart");
        List<LocalPostgres> running = new ArrayList<>(); // stopped on every path
        CapturePipeline pipeline = null;
        try {
            LocalPostgres pg = LocalPostgres.start(dir, port);
            running.add(pg);
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setUrl(pg.jdbcUrl());
            CaptureFixtures.installFluxSchema(ds);
            try (EngineWrites writes = new EngineWrites(pg.jdbcUrl(), "", "")) {
                writes.createTable(table);
                CaptureConfig config = CaptureConfig.fromJdbcUrl(pg.jdbcUrl(), LocalPostgres.USER, "", slot, slot,
                        kafka.bootstrapServers());
                pipeline = CaptureFixtures.startStreaming(config);
                for (int id = 1; id <= 50; id++) {
                    writes.insert("before-" + id, table, id, "o", "1");
                }
                ProcessHandle postmaster = postmaster(dir);
                pg.close();
                running.remove(pg);
                // A busy machine can take longer than pg_ctl's wait: the restart must not race the old server.
                assertThat(postmaster.onExit()).as("postgres stopped").succeedsWithin(Duration.ofMinutes(2));
                CapturePipeline p = pipeline;
                await().atMost(Duration.ofSeconds(60)).until(() -> p.state() == CaptureState.RECOVERING);

                running.add(LocalPostgres.start(dir, port));
                await().atMost(Duration.ofSeconds(90)).until(() -> p.state() == CaptureState.STREAMING);
                for (int id = 51; id <= 100; id++) {
                    writes.insert("after-" + id, table, id, "o", "1");
                }
            }
            try (TopicReader reader = new TopicReader(kafka.bootstrapServers(), "flux.public." + table)) {
                Set<Long> seen = new HashSet<>();
                await("all 100 rows published").atMost(Duration.ofSeconds(90)).until(() -> {
                    reader.poll().forEach(m -> seen.add(m.key().get("id").asLong()));
                    return seen.size() == 100;
                });
                assertThat(reader.messages()).filteredOn(m -> m.key().get("id").asLong() == 77)
                        .allSatisfy(m -> assertThat(m.value().get("request_id").asText()).isEqualTo("after-77"));
            }
        } finally {
            if (pipeline != null) {
                pipeline.close();
            }
            running.forEach(LocalPostgres::close);
        }
    }

    /** The postmaster of a running server, from its data directory. */
    private static ProcessHandle postmaster(Path dataDir) throws Exception {
        long pid = Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim());
        return ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("no postmaster " + pid));
    }
}
