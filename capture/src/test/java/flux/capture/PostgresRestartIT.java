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
import java.sql.DriverManager;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.ds.PGSimpleDataSource;

/** A PostgreSQL of its own, restarted under a streaming pipeline: capture reconnects, nothing is lost. */
@ExtendWith(FluxTestInfra.class)
class PostgresRestartIT {
    private final TestKafka kafka;

    PostgresRestartIT(TestKafka kafka) {
        this.kafka = kafka;
    }

    @Test
    void captureReconnectsAfterPostgresRestartsAndPublishesWhatWasWrittenAround() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "restart-pg").resolve("data");
        int port = Ports.findFree();
        LocalPostgres pg = LocalPostgres.start(dir, port);
        ApiWrites.Connector connector = () -> DriverManager.getConnection(pg.jdbcUrl());
        String table = unique("accounts");
        String slot = unique("restart");
        CapturePipeline pipeline = null;
        try {
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setUrl(pg.jdbcUrl());
            CaptureFixtures.installFluxSchema(ds);
            ApiWrites.createTable(connector, table);
            CaptureConfig config = CaptureConfig.fromJdbcUrl(pg.jdbcUrl(), LocalPostgres.USER, "", slot, slot,
                    kafka.bootstrapServers());
            pipeline = CaptureFixtures.startStreaming(config);
            try (ApiWrites w = new ApiWrites(connector)) {
                for (int id = 1; id <= 50; id++) {
                    w.insert("before-" + id, table, id, "o", "1");
                }
            }
            pg.close();
            CapturePipeline p = pipeline;
            await().atMost(Duration.ofSeconds(60)).until(() -> p.state() == CaptureState.RECOVERING);

            LocalPostgres restarted = LocalPostgres.start(dir, port);
            try {
                await().atMost(Duration.ofSeconds(90)).until(() -> p.state() == CaptureState.STREAMING);
                try (ApiWrites w = new ApiWrites(connector)) {
                    for (int id = 51; id <= 100; id++) {
                        w.insert("after-" + id, table, id, "o", "1");
                    }
                }
                try (TopicReader reader = new TopicReader(kafka.bootstrapServers(), "flux.public." + table)) {
                    Set<Long> seen = new HashSet<>();
                    await().atMost(Duration.ofSeconds(90)).until(() -> {
                        reader.poll().forEach(m -> seen.add(m.key().get("id").asLong()));
                        return seen.size() == 100;
                    });
                    assertThat(reader.messages()).filteredOn(m -> m.key().get("id").asLong() == 77)
                            .allSatisfy(m -> assertThat(m.value().get("request_id").asText()).isEqualTo("after-77"));
                }
            } finally {
                pipeline.close();
                restarted.close();
            }
        } finally {
            if (pipeline != null) {
                pipeline.close();
            }
            pg.close();
        }
    }
}
