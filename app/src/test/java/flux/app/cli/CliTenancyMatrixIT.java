package flux.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import flux.app.Cli;
import flux.app.TestServer;
import flux.app.records.AuditLog;
import flux.app.records.KeyAdministration;
import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestKafka;
import flux.dev.testing.TestPostgres;
import flux.tenancy.IssuedKey;
import flux.tenancy.Role;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every CLI command that talks to the server, run in-process against a server in {@code keys}
 * mode with an admin key, a tenant's read-write key, a read-only key and a revoked key: the exit
 * code and the one line each prints (stdout's first line when it succeeds, the {@code flux: ...}
 * line on stderr when it fails). One row of the matrix per command; a cell is the expected exit
 * code and a part of that line.
 */
@ExtendWith(FluxTestInfra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliTenancyMatrixIT {
    private static final String REQUEST = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";
    private static final String REVOKED = "the API key is not valid";

    private final TestServer server;
    /** Key label to key, in the matrix's column order. */
    private final Map<String, String> keys = new LinkedHashMap<>();

    /** The expected exit code and a part of the line a run prints. */
    private record Cell(int exitCode, String line) {
    }

    private record Row(List<String> command, Cell admin, Cell readWrite, Cell readOnly, Cell revoked) {
        Cell expected(String key) {
            return switch (key) {
                case "admin" -> admin;
                case "read-write" -> readWrite;
                case "read-only" -> readOnly;
                default -> revoked;
            };
        }
    }

    CliTenancyMatrixIT(TestPostgres pg, TestKafka kafka) throws Exception {
        TestPostgres db = pg.newDatabase("cli_matrix");
        db.execute("CREATE TABLE notes (id int PRIMARY KEY, tenant_id text NOT NULL, body text)");
        server = TestServer.start(db, kafka, Map.of("flux.auth.mode", "keys", "flux.auth.cache-ttl-ms", 0));
        // The server's own key administration (what `flux keys` runs), without a CLI context per key.
        KeyAdministration admin = server.context().getBean(KeyAdministration.class);
        keys.put("admin", admin.create(AuditLog.CLI, "cm-acme", Role.ADMIN, null).token());
        keys.put("read-write", admin.create(AuditLog.CLI, "cm-acme", Role.READ_WRITE, null).token());
        keys.put("read-only", admin.create(AuditLog.CLI, "cm-acme", Role.READ_ONLY, null).token());
        IssuedKey revoked = admin.create(AuditLog.CLI, "cm-acme", Role.READ_WRITE, null);
        admin.revoke(AuditLog.CLI, revoked.key().id());
        keys.put("revoked", revoked.token());
        HttpResponse<String> insert = server.post("/v1/query",
                "{\"table\":\"notes\",\"operation\":\"insert\",\"data\":{\"id\":1,\"body\":\"first\"}}",
                "Authorization", "Bearer " + keys.get("read-write"), "X-Request-Id", REQUEST);
        assertThat(insert.statusCode()).as(insert.body()).isEqualTo(200);
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private static Cell ok(String line) {
        return new Cell(ExitCodes.OK, line);
    }

    private static Cell failed(String line) {
        return new Cell(ExitCodes.FAILED, line);
    }

    /** A row where every valid key gets the same answer and the revoked key is refused. */
    private static Row same(Cell valid, String... command) {
        return new Row(List.of(command), valid, valid, valid, failed(REVOKED));
    }

    private static List<Row> matrix() {
        String capture = "capture is disabled";
        return List.of(
                same(ok("INSERT tenant_id=cm-acme, body=first  req:0190a1b2"), "state", "history", "notes", "--id", "1"),
                same(ok("body"), "state", "blame", "notes", "--id", "1"),
                same(ok("\"exists\" : true"), "state", "show", "notes", "--id", "1", "--at", Instant.now().plusSeconds(60).toString(), "--json"),
                same(ok("notes 1 INSERT id=1"), "state", "request", REQUEST),
                same(ok("notes"), "observe", "traces", "--limit", "5"),
                same(ok("slow query shape(s)"), "observe", "slow"),
                same(ok("N+1 pattern(s)"), "observe", "nplus1"),
                same(ok("no index suggestions"), "observe", "indexes"),
                same(failed(capture), "capture", "status"),
                same(ok("count"), "sql", "-c", "SELECT count(*) FROM notes"),
                new Row(List.of("sql", "-c", "UPDATE notes SET body = 'second' WHERE id = 1"), ok("(1 rows affected)"),
                        ok("(1 rows affected)"), failed("25006: ERROR: cannot execute UPDATE in a read-only transaction"),
                        failed(REVOKED)),
                same(ok("SELECT count(*) FROM notes"), "sql", "audit"));
    }

    @Test
    void eachServerCommandAnswersEachKindOfKeyWithItsExitCodeAndOneLine() {
        SoftAssertions softly = new SoftAssertions();
        for (Row row : matrix()) {
            for (Map.Entry<String, String> key : keys.entrySet()) {
                List<String> args = new ArrayList<>(row.command());
                args.addAll(List.of("--url", server.url(), "--api-key", key.getValue()));
                Cli run = Cli.run(args.toArray(String[]::new));
                Cell expected = row.expected(key.getKey());
                String where = String.join(" ", row.command()) + " with the " + key.getKey() + " key";
                softly.assertThat(run.exitCode()).as(where + ": " + run.err()).isEqualTo(expected.exitCode());
                if (expected.exitCode() == ExitCodes.OK) {
                    softly.assertThat(run.out()).as(where).contains(expected.line());
                } else {
                    List<String> lines = Stream.of(run.err().split("\n")).filter(l -> !l.isBlank()).toList();
                    softly.assertThat(lines).as(where + " prints one line").singleElement()
                            .satisfies(l -> assertThat(l).startsWith("flux: ").contains(expected.line()));
                }
                softly.assertThat(run.out() + run.err()).as(where).doesNotContain(key.getValue());
            }
        }
        softly.assertAll();
    }
}
