package flux.app.cli.state;

import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The row a {@code flux state} verb is about ({@code users --id 42}), and its URL under {@code /v1/state}. */
final class RowArguments {
    @Parameters(index = "0", paramLabel = "TABLE", description = "table or schema.table")
    String table;

    @Option(names = "--id", required = true, paramLabel = "ID", description = "row key; composite keys as a,b")
    String id;

    /** {@code v1/state/<table>/<id>/<resource>}, each segment encoded. */
    String path(String resource) {
        return "v1/state/" + ServerOptions.segment(table) + "/" + ServerOptions.segment(id) + "/" + resource;
    }
}
