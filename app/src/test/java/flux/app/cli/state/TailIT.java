package flux.app.cli.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import flux.app.Cli;
import flux.capture.TopicReader;
import flux.capture.testing.RunningCapture;
import flux.client.testing.MessageSchemas;
import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestKafka;
import flux.dev.testing.TestPostgres;
import flux.query.QueryEngine;
import flux.query.model.Op;
import flux.query.model.Query;
import flux.query.model.RequestId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code flux tail} against the test Kafka, with changes a running capture published: history
 * lines for the table's changes and its schema change, {@code --request} and {@code --json}
 * (each line a message that validates against the client's schema), the embedded server's Kafka
 * found through the data directory, and a clear failure when there is no Kafka to read.
 */
@ExtendWith(FluxTestInfra.class)
class TailIT {
    private final TestPostgres db;
    private final TestKafka kafka;

    TailIT(TestPostgres pg, TestKafka kafka) {
        this.db = pg.newDatabase("tail");
        this.kafka = kafka;
        RunningCapture.installCaptureSchema(db.dataSource());
    }

    @Test
    void printsATablesChangesAndSchemaChangesAsHistoryLines(@TempDir Path home) throws Exception {
        db.execute("CREATE TABLE public.tailed (id bigint PRIMARY KEY, plan text)");
        QueryEngine engine = new QueryEngine(db.dataSource());
        try (RunningCapture capture = RunningCapture.start(db, kafka)) {
            engine.query(RequestId.of("tail-1"), Query.insert("tailed").set(Map.of("id", 42, "plan", "free")).build());
            engine.query(RequestId.of("tail-2"), Query.update("tailed").set(Map.of("plan", "pro")).where("id", Op.EQ, 42).build());
            db.execute("ALTER TABLE public.tailed ADD COLUMN note text");
            engine.catalog().refresh();
            engine.query(RequestId.of("tail-3"), Query.delete("tailed").where("id", Op.EQ, 42).build());
            capture.awaitCaughtUp();
            // Recorded is not yet acknowledged by Kafka: wait for the messages before capture stops.
            try (TopicReader reader = new TopicReader(kafka.bootstrapServers(), "flux.public.tailed")) {
                await().atMost(Duration.ofSeconds(60)).until(() -> reader.poll().size() >= 3);
            }
        }

        Cli text = Cli.run("tail", "tailed", "--from", "beginning", "--count", "4", "--bootstrap-servers", kafka.bootstrapServers());
        assertThat(text.exitCode()).as(text.err()).isZero();
        List<String> lines = text.out().lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("tailed 42 INSERT plan=free").contains("req:tail-1"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("tailed 42 UPDATE plan: free → pro").contains("req:tail-2"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("tailed 42 DELETE").contains("req:tail-3"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("ADD COLUMN note text").contains("schema"));
        assertThat(text.out()).doesNotContain("\u001b[");

        Files.writeString(home.resolve("kafka.bootstrap"), kafka.bootstrapServers() + "\n");
        Cli json = Cli.run("tail", "tailed", "--from", "beginning", "--request", "tail-2", "--json", "--count", "1",
                "--data-dir", home.toString());
        assertThat(json.exitCode()).as(json.err()).isZero();
        String message = json.out().strip();
        assertThat(message).contains("\"request_id\":\"tail-2\"").contains("\"op\":\"UPDATE\"");
        assertThat(MessageSchemas.errors("change", message)).isEmpty();

        Cli none = Cli.run("tail", "tailed", "--data-dir", home.resolve("nothing").toString());
        assertThat(none.exitCode()).isEqualTo(1);
        assertThat(none.err()).contains("no Kafka: set KAFKA_BOOTSTRAP_SERVERS");
        assertThat(Cli.run("tail", "tailed", "--from", "yesterday").exitCode()).isEqualTo(2);
    }
}
