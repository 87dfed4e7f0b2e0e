package flux.app.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Generated hostile input against one Flux server (issue 19): query and transaction bodies,
 * the SQL console's ({@code POST /v1/sql}, issue 24), headers, the paths and parameters of every other route ({@link Oracle}), and command lines of
 * the CLI ({@link CliOracle}). 10,000 cases per run. Each property runs twice: on a
 * fixed seed (the same cases every run) and on a random one that the run prints (replay it with
 * {@code -Dflux.fuzz.seed}).
 */
class HostileInputFuzzIT {
    private static FuzzServer server;
    private static Oracle oracle;
    private static CliOracle cli;

    @BeforeContainer
    static void start() throws Exception {
        server = FuzzServer.start("http");
        oracle = new Oracle(server);
        cli = new CliOracle(server);
    }

    @AfterContainer
    static void stop() throws Exception {
        if (oracle != null) {
            oracle.close();
        }
        if (cli != null) {
            cli.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Provide
    Arbitrary<HttpCase> queries() {
        return QueryBodies.queryBody().map(body -> HttpCase.post("/v1/query",
                List.of(HttpCase.header("Content-Type", "application/json")), body));
    }

    @Provide
    Arbitrary<HttpCase> transactions() {
        return QueryBodies.transactionBody().map(body -> HttpCase.post("/v1/transaction",
                List.of(HttpCase.header("Content-Type", "application/json")), body));
    }

    @Provide
    Arbitrary<HttpCase> sqlConsole() {
        return SqlBodies.body().map(body -> HttpCase.post("/v1/sql",
                List.of(HttpCase.header("Content-Type", "application/json")), body));
    }

    @Provide
    Arbitrary<HttpCase> headers() {
        return HeaderCases.requests();
    }

    @Provide
    Arbitrary<HttpCase> routes() {
        return Endpoints.requests();
    }

    @Provide
    Arbitrary<List<String>> commandLines() {
        return CliCases.lines(server.url(), CliOracle.databaseUrl(server));
    }

    @Property(tries = 2500, seed = "1919", shrinking = ShrinkingMode.BOUNDED)
    void queryBodiesOnAFixedSeed(@ForAll("queries") HttpCase request) throws Exception {
        oracle.send(request);
    }

    @Property(tries = 1000, shrinking = ShrinkingMode.BOUNDED)
    @AddLifecycleHook(FuzzSeed.class)
    void queryBodiesOnARandomSeed(@ForAll("queries") HttpCase request) throws Exception {
        oracle.send(request);
    }

    @Property(tries = 1500, seed = "1920", shrinking = ShrinkingMode.BOUNDED)
    void transactionBodiesOnAFixedSeed(@ForAll("transactions") HttpCase request) throws Exception {
        oracle.send(request);
    }

    @Property(tries = 500, shrinking = ShrinkingMode.BOUNDED)
    @AddLifecycleHook(FuzzSeed.class)
    void transactionBodiesOnARandomSeed(@ForAll("transactions") HttpCase request) throws Exception {
        oracle.send(request);
    }

    @Property(tries = 300, seed = "1924", shrinking = ShrinkingMode.BOUNDED)
    void sqlConsoleBodiesOnAFixedSeed(@ForAll("sqlConsole") HttpCase request) throws Exception {
        oracle.send(request);
    }

    @Property(tries = 150, shrinking = ShrinkingMode.BOUNDED)
    @AddLifecycleHook(FuzzSeed.class)
    void sqlConsoleBodiesOnARandomSeed(@ForAll("sqlConsole") HttpCase request) throws Exception {
        oracle.send(request);
    }

    @Property(tries = 1000, seed = "1921", shrinking = ShrinkingMode.BOUNDED)
    void headersOnAFixedSeed(@ForAll("headers") HttpCase request) throws Exception {
        oracle.send(request);
    }

    @Property(tries = 500, shrinking = ShrinkingMode.BOUNDED)
    @AddLifecycleHook(FuzzSeed.class)
    void headersOnARandomSeed(@ForAll("headers") HttpCase request) throws Exception {
        oracle.send(request);
    }

    @Property(tries = 1500, seed = "1922", shrinking = ShrinkingMode.BOUNDED)
    void routesOnAFixedSeed(@ForAll("routes") HttpCase request) throws Exception {
        oracle.send(request);
    }

    @Property(tries = 500, shrinking = ShrinkingMode.BOUNDED)
    @AddLifecycleHook(FuzzSeed.class)
    void routesOnARandomSeed(@ForAll("routes") HttpCase request) throws Exception {
        oracle.send(request);
    }

    @Property(tries = 600, seed = "1923", shrinking = ShrinkingMode.BOUNDED)
    void commandLinesOnAFixedSeed(@ForAll("commandLines") List<String> args) throws Exception {
        cli.run(args);
    }

    @Property(tries = 400, shrinking = ShrinkingMode.BOUNDED)
    @AddLifecycleHook(FuzzSeed.class)
    void commandLinesOnARandomSeed(@ForAll("commandLines") List<String> args) throws Exception {
        cli.run(args);
    }

    // Defects the properties found, kept as examples (regressions) on the same server.

    @Example
    void aNulInAHistoryPathIsA400Problem() throws Exception {
        for (String path : List.of("/v1/state/%00/1/history", "/v1/state/users/%00/blame", "/v1/state/users/1%00/at?time=2026-03-10T00:00:00Z",
                "/v1/requests/%00")) {
            RawHttp.Answer answer = oracle.send(new HttpCase("GET", HttpCase.ascii(path), List.of(), null));
            assertThat(answer.status()).as(path).isEqualTo(400);
            assertThat(answer.text()).as(path).contains("invalid-history-query").contains("NUL");
        }
    }

    @Example
    void aNulInConsoleSqlIsRefusedWithA400Problem() throws Exception {
        for (String sql : List.of("SELECT * FROM nowhere \\u0000", "SELECT \\u0000\\u0000")) {
            RawHttp.Answer answer = oracle.send(HttpCase.post("/v1/sql",
                    List.of(HttpCase.header("Content-Type", "application/json")), HttpCase.utf8("{\"sql\":\"" + sql + "\"}")));
            assertThat(answer.status()).as(sql).isEqualTo(400);
            assertThat(answer.text()).as(sql).contains("sql-refused").contains("NUL");
        }
    }

    @Example
    void anUnknownTableOrFilterInTheWebUiIsAPageWithItsStatus() throws Exception {
        // The random seed 3797525871392988193 found /ui/tables/1: a table page with the error as a
        // filter's, 400, without the status the UI's error pages show (docs/console.md).
        RawHttp.Answer table = oracle.send(new HttpCase("GET", HttpCase.ascii("/ui/tables/1"), List.of(), null));
        assertThat(table.text()).contains("unknown table").doesNotContain("id=\"filters\"");
        RawHttp.Answer filter = oracle.send(new HttpCase("GET",
                HttpCase.ascii("/ui/tables/users?column=nope&op=eq&value=1"), List.of(), null));
        assertThat(filter.status()).isEqualTo(400);
        assertThat(filter.text()).contains("id=\"filters\"").contains("unknown column");
    }

    @Example
    void aBodyInACharsetJavaCannotDecodeIsA415Problem() throws Exception {
        for (String type : List.of("application/json; charset=utf-16 : ", "application/json; charset=utf-17")) {
            RawHttp.Answer answer = oracle.send(HttpCase.post("/v1/query", List.of(HttpCase.header("Content-Type", type)),
                    HttpCase.utf8("{\"table\":\"users\",\"operation\":\"select\"}")));
            assertThat(answer.status()).as(type).isEqualTo(415);
            assertThat(answer.text()).as(type).contains("unsupported-media-type");
        }
    }
}
