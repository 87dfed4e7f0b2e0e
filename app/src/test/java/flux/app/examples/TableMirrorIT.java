package flux.app.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import flux.capture.testing.RunningCapture;
import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestKafka;
import flux.dev.testing.TestPostgres;
import flux.examples.mirror.TableMirror;
import flux.query.QueryEngine;
import flux.query.model.Op;
import flux.query.model.Query;
import flux.query.model.RequestId;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The example consumer ({@code examples/table-mirror}) against the test Kafka: after a workload of
 * API writes, a transaction that rolled back, key changes, deletes and raw SQL, published by a
 * running capture, the copy equals the source; a second mirror replaying the topic from its start
 * applies nothing (each change's dedupe key is recorded with it) and leaves the copy equal.
 */
@ExtendWith(FluxTestInfra.class)
class TableMirrorIT {
    private final TestPostgres db;
    private final TestKafka kafka;

    TableMirrorIT(TestPostgres pg, TestKafka kafka) {
        this.db = pg.newDatabase("mirror");
        this.kafka = kafka;
        RunningCapture.installCaptureSchema(db.dataSource());
    }

    @Test
    void theCopyEqualsTheSourceAfterAWorkloadAndARedeliveryChangesNothing() throws Exception {
        db.execute("CREATE TABLE public.todos_src (id bigint PRIMARY KEY, title text NOT NULL, done boolean, n numeric);"
                + " CREATE TABLE public.todos_copy (id bigint PRIMARY KEY, title text NOT NULL, done boolean, n numeric)");
        QueryEngine engine = new QueryEngine(db.dataSource());
        String url = db.jdbcUrl() + "?user=" + db.user() + "&password=" + db.password();
        try (RunningCapture capture = RunningCapture.start(db, kafka)) {
            engine.transaction(RequestId.of("m-load"), tx -> {
                for (int id = 1; id <= 40; id++) {
                    tx.query(Query.insert("todos_src").set(Map.of("id", id, "title", "t" + id, "n", new java.math.BigDecimal(id).add(new java.math.BigDecimal("0.25")))).build());
                }
            });
            for (int id = 1; id <= 10; id++) {
                engine.query(RequestId.of("m-up-" + id), Query.update("todos_src")
                        .set(Map.of("done", true, "title", "done " + id)).where("id", Op.EQ, id).build());
            }
            engine.query(RequestId.of("m-key"), Query.update("todos_src").set(Map.of("id", 1001)).where("id", Op.EQ, 11).build());
            engine.query(RequestId.of("m-del"), Query.delete("todos_src").where("id", Op.GTE, 35).build());
            assertThatThrownBy(() -> engine.transaction(RequestId.of("m-fail"), tx -> {
                tx.query(Query.update("todos_src").set(Map.of("title", "never")).where("id", Op.EQ, 2).build());
                tx.query(Query.insert("todos_src").set(Map.of("id", 3, "title", "clash")).build());
            })).isInstanceOf(RuntimeException.class);
            db.execute("UPDATE public.todos_src SET n = n + 1, title = title || ' (raw)' WHERE id BETWEEN 20 AND 25;"
                    + " UPDATE public.todos_src SET id = 2002 WHERE id = 12; DELETE FROM public.todos_src WHERE id = 30");
            engine.query(RequestId.of("m-reinsert"), Query.insert("todos_src").set(Map.of("id", 12, "title", "again")).build());
            capture.awaitCaughtUp();

            AtomicInteger applied = new AtomicInteger();
            try (TableMirror mirror = new TableMirror(kafka.bootstrapServers(), "flux.public.todos_src",
                    "mirror-" + UUID.randomUUID(), url, "todos_copy")) {
                await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
                    applied.addAndGet(mirror.pollOnce(Duration.ofMillis(200)));
                    assertThat(rows("todos_copy")).isEqualTo(rows("todos_src"));
                });
            }
            assertThat(applied.get()).isGreaterThanOrEqualTo(40 + 10 + 1 + 6 + 6 + 2 + 1);
            // 40 inserted; 11 moved to 1001, then 35..40 and 1001 deleted; raw SQL moved 12 to 2002 and
            // deleted 30; 12 inserted again.
            assertThat(db.one("SELECT count(*) FROM public.todos_copy")).isEqualTo("33");
            assertThat(db.one("SELECT string_agg(id::text, ',' ORDER BY id) FROM public.todos_copy WHERE id IN (11, 12, 30, 1001, 2002)"))
                    .isEqualTo("12,2002");
            assertThat(db.one("SELECT title FROM public.todos_copy WHERE id = 2")).isEqualTo("done 2");
        }

        try (TableMirror replay = new TableMirror(kafka.bootstrapServers(), "flux.public.todos_src",
                "mirror-replay-" + UUID.randomUUID(), url, "todos_copy")) {
            AtomicInteger reapplied = new AtomicInteger();
            AtomicInteger polls = new AtomicInteger();
            // Read the topic to its end: polls that bring nothing after the replay started mean it is read.
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                int n = replay.pollOnce(Duration.ofMillis(500));
                reapplied.addAndGet(n);
                return replay.lag() == 0 && polls.incrementAndGet() > 1;
            });
            assertThat(reapplied.get()).isZero();
        }
        assertThat(rows("todos_copy")).isEqualTo(rows("todos_src"));
    }

    private String rows(String table) throws Exception {
        return String.valueOf(db.one("SELECT jsonb_agg(to_jsonb(t) ORDER BY id)::text FROM public." + table + " t"));
    }
}
