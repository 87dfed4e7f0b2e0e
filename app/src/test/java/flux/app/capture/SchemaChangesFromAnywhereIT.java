package flux.app.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import flux.app.TestServer;
import flux.capture.TopicReader;
import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestKafka;
import flux.dev.testing.TestPostgres;
import flux.migrate.MigrationFiles;
import flux.migrate.MigrationSettings;
import flux.migrate.Migrator;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue #26 end to end: a plain JDBC connection of a role that is not a superuser, as psql would be,
 * creates a table, adds, renames and drops a column, renames the table and drops it, with API and
 * raw writes after each DDL at once. After each step the API takes the new shape; at the end every
 * change is on Kafka in the shape it was written in, each DDL on {@code flux.schema_changes}, history,
 * blame and as-of follow the renames (also once the table is dropped), and the cross-check ends at 0
 * missing. Twice: the server as a role that is not a superuser either (no event trigger: the
 * schema detector is all that notices DDL), and as a superuser (capture's event trigger). The delays
 * it waits for are printed ({@code delay:} lines), not asserted: the machine's load decides them.
 * A Flux migration's schema change is on {@code flux.schema_changes} naming its migration, and the
 * dropped table's topic stays, its messages readable by a consumer that comes after the drop.
 */
@ExtendWith(FluxTestInfra.class)
class SchemaChangesFromAnywhereIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);
    private final TestPostgres pg;
    private final TestKafka kafka;
    /** The server's role (reads the flux schema), the slot and publication, the table's two names. */
    private TestPostgres flux;
    private String slot;
    private String t;
    private String t2;

    SchemaChangesFromAnywhereIT(TestPostgres pg, TestKafka kafka) {
        this.pg = pg;
        this.kafka = kafka;
    }

    @Test
    void ddlFromANonSuperuserIsFollowedWhenTheServersRoleIsNoSuperuserEither() throws Exception {
        TestPostgres db = pg.newDatabase("anywhere");
        TestPostgres role = db.as("anywhere_flux", "NOSUPERUSER REPLICATION");
        db.execute("ALTER DATABASE \"" + db.database() + "\" OWNER TO anywhere_flux");
        scenario(role, role, "anywhere_detector", "evo", "detector");
    }

    @Test
    void ddlFromANonSuperuserIsFollowedByTheEventTriggerOfASuperuserServer() throws Exception {
        TestPostgres db = pg.newDatabase("anywhere_trigger");
        TestPostgres dev = db.as("anywhere_dev", "NOSUPERUSER");
        db.execute("GRANT CREATE ON SCHEMA public TO anywhere_dev");
        scenario(db, dev, "anywhere_trigger", "evt", "event_trigger");
    }

    /**
     * @param server   the server's login role
     * @param ddl      the role of the plain connection that makes DDL and raw writes
     * @param table    the table's first name ({@code table + "2"} its second); topics are the broker's, shared
     * @param recorder who journals the DDL ({@code detected_by})
     */
    private void scenario(TestPostgres server, TestPostgres ddl, String slotName, String table, String recorder)
            throws Exception {
        flux = server;
        slot = slotName;
        t = table;
        t2 = table + "2";
        try (TestServer api = TestServer.start(server, kafka, Map.of("flux.capture.enabled", true,
                     "flux.capture.slot", slot, "flux.capture.publication", slot));
             Connection psql = ddl.connect(); Statement sql = psql.createStatement();
             TopicReader reader = new TopicReader(kafka.bootstrapServers(), "flux.public." + t, "flux.public." + t2,
                     "flux.schema_changes")) {
            await().atMost(WAIT).until(() -> "STREAMING".equals(status(api).path("state").asText()));
            assertThat(flux.one("SELECT count(*) FROM pg_event_trigger")).as("capture's event triggers")
                    .isEqualTo(recorder.equals("event_trigger") ? "2" : "0");

            // create: the raw write lands before the table joins the publication or after, the API write
            // names a table the catalog has not read yet; neither is lost.
            sql.execute("CREATE TABLE " + t + " (id bigint PRIMARY KEY, a text)");
            Instant created = Instant.now();
            sql.execute("INSERT INTO " + t + " VALUES (1, 'r1')");
            ok(api, "e2e-create", insert(t, "{\"id\":2,\"a\":\"api2\"}"));
            delay("table created in psql -> in the publication", created, () -> flux.one(
                    "SELECT count(*) FROM pg_publication_tables WHERE pubname = '" + slot + "' AND tablename = '" + t + "'")
                    .equals("1"));
            journaled("create_table", created);

            // after each DDL at once: an API write naming the new shape (sent until the API takes it,
            // the delay printed), a raw write, then the journal's entry
            step(api, sql, "ALTER TABLE " + t + " ADD COLUMN b int DEFAULT 5", "add_column",
                    "e2e-add", insert(t, "{\"id\":3,\"a\":\"api3\",\"b\":7}"), "UPDATE " + t + " SET b = 6 WHERE id = 1");
            Instant afterAdd = dbNow();
            step(api, sql, "ALTER TABLE " + t + " RENAME COLUMN a TO a2", "rename_column",
                    "e2e-rename", update(t, 3, "{\"a2\":\"api3b\"}"), "INSERT INTO " + t + " (id, a2) VALUES (4, 'r4')");
            step(api, sql, "ALTER TABLE " + t + " DROP COLUMN b", "drop_column",
                    "e2e-drop", insert(t, "{\"id\":5,\"a2\":\"api5\"}"), "UPDATE " + t + " SET a2 = 'r4b' WHERE id = 4");
            Instant afterDrop = dbNow();
            step(api, sql, "ALTER TABLE " + t + " RENAME TO " + t2, "rename_table",
                    "e2e-move", update(t2, 1, "{\"a2\":\"api1\"}"), "INSERT INTO " + t2 + " VALUES (6, 'r6')");

            // Kafka: every change, in the shape it had when written (a raw insert made before the table
            // joined comes from the snapshot taken at the join, as READ); columns compared by name
            List<String> changes = List.of(
                    t + " INSERT {\"a\":\"r1\",\"id\":1}",
                    t + " INSERT {\"a\":\"api2\",\"id\":2}",
                    t + " INSERT {\"a\":\"api3\",\"b\":7,\"id\":3}",
                    t + " UPDATE {\"a\":\"r1\",\"b\":6,\"id\":1}",
                    t + " UPDATE {\"a2\":\"api3b\",\"b\":7,\"id\":3}",
                    t + " INSERT {\"a2\":\"r4\",\"b\":5,\"id\":4}",
                    t + " INSERT {\"a2\":\"api5\",\"id\":5}",
                    t + " UPDATE {\"a2\":\"r4b\",\"id\":4}",
                    t2 + " UPDATE {\"a2\":\"api1\",\"id\":1}",
                    t2 + " INSERT {\"a2\":\"r6\",\"id\":6}");
            await().atMost(WAIT).untilAsserted(() -> assertThat(rows(reader.poll())).containsExactlyInAnyOrderElementsOf(changes));

            // history: the row's entries under today's names, the renamed column said; blame credits a2
            // with the write made under its old name; as-of in the shape of that moment
            JsonNode history = json(api.get("/v1/state/" + t2 + "/2/history?order=oldest"));
            assertThat(history.path("entries")).hasSize(1);
            assertThat(history.path("entries").get(0).path("new").toString()).isEqualTo("{\"id\":2,\"a2\":\"api2\"}");
            assertThat(history.path("entries").get(0).path("renamed").toString()).isEqualTo("{\"a2\":\"a\"}");
            assertThat(json(api.get("/v1/state/" + t + "/2/history")).path("table").asText())
                    .as("the old name finds the renamed table").isEqualTo(t2);
            assertThat(blame(api, t2, 2)).containsExactly("id e2e-create", "a2 e2e-create");
            assertThat(blame(api, t2, 3)).containsExactly("id e2e-add", "a2 e2e-rename", "b e2e-add");
            assertThat(at(api, t2, 3, afterAdd)).isEqualTo("{\"id\":3,\"a\":\"api3\",\"b\":7}");
            assertThat(at(api, t2, 3, afterDrop)).isEqualTo("{\"id\":3,\"a2\":\"api3b\"}");
            // raw writes are in history too, though capture may log them after the table's rename
            await().atMost(WAIT).untilAsserted(() -> {
                HttpResponse<String> history4 = api.get("/v1/state/" + t2 + "/4/history?order=oldest");
                assertThat(history4.statusCode()).as(() -> "the log has " + logged() + "; history says " + history4.body())
                        .isEqualTo(200);
                assertThat(JSON.readTree(history4.body()).path("entries").findValuesAsText("operation"))
                        .as(() -> "the log has " + logged() + "; history says " + history4.body())
                        .containsExactly("INSERT", "UPDATE");
            });

            // drop the table: its history stays readable, capture stops tracking it without an error
            sql.execute("DROP TABLE " + t2);
            journaled("drop_table", Instant.now());
            await().atMost(WAIT).untilAsserted(() -> {
                JsonNode gone = json(api.get("/v1/state/" + t2 + "/3/history"));
                assertThat(gone.path("table_dropped").asBoolean()).isTrue();
                assertThat(gone.path("entries")).hasSize(2);
            });
            assertThat(blame(api, t2, 3)).containsExactly("id e2e-add", "a2 e2e-rename", "b e2e-add");

            // the schema events of this table (the topic is the broker's), in journal order, each by the recorder
            await().atMost(WAIT).untilAsserted(() -> assertThat(schemaEvents(reader.poll())).containsExactly(
                    "create_table " + t + " " + recorder, "add_column " + t + " b " + recorder,
                    "rename_column " + t + " a2 " + recorder, "drop_column " + t + " b " + recorder,
                    "rename_table " + t2 + " " + recorder, "drop_table " + t2 + " " + recorder));

            // a Flux migration (as `flux db migrate` applies it, as the server's role): its schema change on
            // Kafka names it (recorded by the event trigger where there is one, else by the migration itself)
            Path migrations = Files.createTempDirectory("anywhere-migrations");
            String migration = "001_" + t + "_side.sql";
            Files.writeString(migrations.resolve(migration), "CREATE TABLE " + t + "_side (id bigint PRIMARY KEY);");
            new Migrator(flux.dataSource(), MigrationSettings.DEFAULTS)
                    .migrate(MigrationFiles.directory(migrations, null), false);
            await().atMost(WAIT).untilAsserted(() -> assertThat(reader.poll().stream()
                    .filter(m -> m.topic().equals("flux.schema_changes")
                            && m.value().path("table").asText().equals(t + "_side"))
                    .map(m -> m.value().path("change").asText() + " " + m.value().path("migration").asText()))
                    .containsExactly("create_table apply " + migration));

            // the dropped table's topic is left alone: it exists, and a consumer that starts now reads it
            try (Admin admin = Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    kafka.bootstrapServers()))) {
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
                        .contains("flux.public." + t, "flux.public." + t2);
            }
            try (TopicReader late = new TopicReader(kafka.bootstrapServers(), "flux.public." + t2)) {
                await().atMost(WAIT).untilAsserted(() -> assertThat(rows(late.poll())).containsExactlyInAnyOrder(
                        t2 + " UPDATE {\"a2\":\"api1\",\"id\":1}", t2 + " INSERT {\"a2\":\"r6\",\"id\":6}"));
            }
            await().atMost(WAIT).untilAsserted(() -> {
                JsonNode status = status(api);
                assertThat(status.path("cross_check").path("missing").isNumber()).as(status.toString()).isTrue();
                assertThat(status.path("cross_check").path("missing").asLong()).isZero();
                assertThat(status.path("state").asText()).isEqualTo("STREAMING");
                assertThat(status.has("refused_tables")).isFalse();
            });
        } finally {
            dropSlot();
        }
    }

    private static String insert(String table, String data) {
        return "{\"table\":\"" + table + "\",\"operation\":\"insert\",\"data\":" + data + "}";
    }

    private static String update(String table, long id, String data) {
        return "{\"table\":\"" + table + "\",\"operation\":\"update\",\"data\":" + data
                + ",\"filters\":[{\"column\":\"id\",\"op\":\"eq\",\"value\":" + id + "}]}";
    }

    private static void ok(TestServer server, String requestId, String body) throws Exception {
        HttpResponse<String> r = server.post("/v1/query", body, "X-Request-Id", requestId);
        assertThat(r.statusCode()).as(body + " -> " + r.body()).isEqualTo(200);
    }

    /**
     * Runs {@code ddl}, then sends the API write until it is answered 200 (a name the catalog lacks
     * rereads it at once unless it was read in the last second, else the detector's announcement
     * does; a refused write changed nothing), runs the raw write, and waits for the journal to hold
     * {@code change}; prints the delays after the DDL.
     */
    private void step(TestServer server, Statement sql, String ddl, String change, String requestId, String body,
                      String raw) throws SQLException {
        sql.execute(ddl);
        Instant since = Instant.now();
        delay(change + " in psql -> API write naming it answered 200", since,
                () -> server.post("/v1/query", body, "X-Request-Id", requestId).statusCode() == 200);
        sql.execute(raw);
        journaled(change, since);
    }

    /** Waits for the journal to hold {@code change}, and prints how long after {@code since} it did. */
    private void journaled(String change, Instant since) {
        delay(change + " in psql -> in flux.schema_changes", since,
                () -> !"0".equals(flux.one("SELECT count(*) FROM flux.schema_changes WHERE change = '" + change + "'")));
    }

    private void delay(String what, Instant since, Callable<Boolean> done) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(5)).until(done);
        System.out.println("delay (" + slot + "): " + what + ": " + Duration.between(since, Instant.now()).toMillis()
                + " ms");
    }

    private static String body(TestServer server, String path) {
        try {
            return server.get(path).body();
        } catch (Exception e) {
            return e.toString();
        }
    }

    /** The mutation log's records, one line, for a failure's message. */
    private String logged() {
        try {
            return flux.one("SELECT string_agg(concat_ws(' ', table_name, row_id, operation, source, request_id), '; '"
                    + " ORDER BY id) FROM flux.state_mutations");
        } catch (SQLException e) {
            return e.toString();
        }
    }

    private Instant dbNow() throws SQLException {
        return Instant.parse(flux.one("SELECT to_json(clock_timestamp())#>>'{}'"));
    }

    /**
     * The table topics' messages as {@code table op after}, {@code after}'s columns sorted by name (a
     * snapshot's image lists them in jsonb's order); a snapshot READ is the row's INSERT.
     */
    private static List<String> rows(List<TopicReader.Message> messages) {
        List<String> rows = new ArrayList<>();
        for (TopicReader.Message m : messages) {
            if (!m.topic().equals("flux.schema_changes")) {
                JsonNode v = m.value();
                String op = v.get("op").asText().equals("READ") ? "INSERT" : v.get("op").asText();
                rows.add(v.get("table").asText() + " " + op + " " + JSON.valueToTree(
                        JSON.convertValue(v.get("after"), TreeMap.class)));
            }
        }
        return rows;
    }

    private List<String> schemaEvents(List<TopicReader.Message> messages) {
        return messages.stream().filter(m -> m.topic().equals("flux.schema_changes")
                        && (m.value().get("table").asText().equals(t) || m.value().get("table").asText().equals(t2)))
                .sorted(Comparator.comparingLong(m -> m.value().get("id").asLong()))
                .map(m -> m.value().get("change").asText() + " " + m.value().get("table").asText()
                        + (m.value().get("column").isNull() ? "" : " " + m.value().get("column").asText())
                        + " " + m.value().get("detected_by").asText())
                .toList();
    }

    private static List<String> blame(TestServer server, String table, long id) throws Exception {
        List<String> lines = new ArrayList<>();
        for (JsonNode line : json(server.get("/v1/state/" + table + "/" + id + "/blame")).path("columns")) {
            lines.add(line.path("column").asText() + " " + line.path("request_id").asText());
        }
        return lines;
    }

    private static String at(TestServer server, String table, long id, Instant time) throws Exception {
        return json(server.get("/v1/state/" + table + "/" + id + "/at?time="
                + URLEncoder.encode(time.toString(), StandardCharsets.UTF_8))).path("row").toString();
    }

    private static JsonNode status(TestServer server) throws Exception {
        return json(server.get("/v1/capture/status"));
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private void dropSlot() {
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            try (Connection c = flux.connect();
                 PreparedStatement ps = c.prepareStatement("SELECT pg_drop_replication_slot(slot_name)"
                         + " FROM pg_replication_slots WHERE slot_name = ?")) {
                ps.setString(1, slot);
                try (ResultSet rs = ps.executeQuery()) {
                    return true;
                }
            }
        });
    }
}
