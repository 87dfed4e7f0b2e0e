package flux.app.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import flux.app.cli.state.ServerOptions;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code flux observe slow|nplus1|indexes|traces}: what query observability found, from the
 * running server ({@code FLUX_URL}). {@code --json} prints the server's JSON as it is. With a
 * tenant's key ({@code --api-key}, {@code FLUX_API_KEY}) the server answers that tenant's own
 * observations; an admin key and open mode see every tenant's.
 */
@Command(name = "observe",
        mixinStandardHelpOptions = true,
        description = "Query observability of the running server (FLUX_URL): slow queries, N+1 patterns,"
                + " index suggestions, recent query spans.",
        subcommands = {ObserveCommand.Slow.class, ObserveCommand.NPlusOne.class, ObserveCommand.Indexes.class,
                ObserveCommand.Traces.class})
public final class ObserveCommand implements Runnable {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "name what to show: slow, nplus1, indexes or traces");
    }

    /** Fetches {@code path} and prints it as JSON or through {@code human}. */
    private static int show(CommandSpec spec, ServerOptions output, String path, java.util.function.BiConsumer<JsonNode, PrintWriter> human) {
        JsonNode body = output.client().get(path);
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
            try {
                out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(body));
            } catch (JsonProcessingException e) {
                throw new CliFailure("cannot print the answer: " + e.getMessage(), e);
            }
        } else {
            human.accept(body, out);
        }
        out.flush();
        return ExitCodes.OK;
    }

    /** {@code "  tenant acme"} when the observation is a tenant's (an operator sees every tenant's), else empty. */
    private static String tenant(JsonNode tenantId) {
        return tenantId.isTextual() ? "  tenant " + tenantId.asText() : "";
    }

    private static String indent(String text, String prefix) {
        return prefix + text.replace("\n", "\n" + prefix);
    }

    @Command(name = "slow", mixinStandardHelpOptions = true,
            description = "Slow query shapes, slowest first, each with its plan.")
    static final class Slow implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ServerOptions output;

        @Override
        public Integer call() {
            return show(spec, output, "v1/observe/slow", (body, out) -> {
                JsonNode queries = body.path("queries");
                out.printf("%d slow query shape(s), %d slow statement(s) at or over %d ms%n", queries.size(),
                        body.path("total").asLong(), body.path("threshold_ms").asLong());
                for (JsonNode q : queries) {
                    out.printf("%n%9.1f ms max  %6.1f ms mean  %5dx  %s %s  shape %s  last req:%s%s%n",
                            q.path("max_ms").asDouble(), q.path("mean_ms").asDouble(), q.path("count").asLong(),
                            q.path("operation").asText(), q.path("table").asText(), q.path("shape_id").asText(),
                            q.path("last_request_id").asText(), tenant(q.path("tenant_id")));
                    out.println(indent(q.path("sql").asText(), "  "));
                    String plan = q.hasNonNull("plan") ? q.path("plan").asText()
                            : q.hasNonNull("plan_error") ? "(no plan: " + q.path("plan_error").asText() + ")" : "(plan pending)";
                    out.println(indent(plan, "  | "));
                }
            });
        }
    }

    @Command(name = "nplus1", mixinStandardHelpOptions = true,
            description = "N+1 patterns: one select repeated with different values where one `in` query would do.")
    static final class NPlusOne implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ServerOptions output;

        @Override
        public Integer call() {
            return show(spec, output, "v1/observe/nplus1", (body, out) -> {
                JsonNode findings = body.path("findings");
                out.printf("%d N+1 pattern(s) (threshold %d repetitions)%n", findings.size(), body.path("threshold").asInt());
                for (JsonNode f : findings) {
                    out.printf("%n%-7s %4dx  %s by %s  %.1f ms  detected %dx  last req:%s%s%s%n", f.path("kind").asText(),
                            f.path("repetitions").asInt(), f.path("table").asText(), join(f.path("filter_columns")),
                            f.path("total_ms").asDouble(), f.path("detections").asLong(), f.path("request_id").asText(),
                            f.hasNonNull("client") ? "  client " + f.path("client").asText() : "", tenant(f.path("tenant_id")));
                    out.println(indent(f.path("sql").asText(), "  "));
                    out.println("  -> " + f.path("suggestion").asText());
                }
            });
        }

        private static String join(JsonNode columns) {
            StringBuilder s = new StringBuilder();
            for (JsonNode c : columns) {
                s.append(s.length() == 0 ? "" : ", ").append(c.asText());
            }
            return s.toString();
        }
    }

    @Command(name = "indexes", mixinStandardHelpOptions = true,
            description = "Indexes worth creating: columns filtered often on large tables the planner scans sequentially.")
    static final class Indexes implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ServerOptions output;

        @Option(names = "--verbose", description = "Also list the columns considered and why they are not suggested.")
        boolean verbose;

        @Override
        public Integer call() {
            return show(spec, output, "v1/observe/indexes", (body, out) -> {
                JsonNode suggestions = body.path("suggestions");
                JsonNode skipped = body.path("skipped");
                if (suggestions.isEmpty()) {
                    out.printf("no index suggestions (%d column(s) considered)%n", skipped.size());
                }
                for (JsonNode s : suggestions) {
                    out.println(s.path("statement").asText() + ";");
                    out.printf("  -- %d filters on %s, ~%d rows: %s%n", s.path("filters").asLong(),
                            s.path("column").asText(), s.path("rows_estimate").asLong(), s.path("plan").asText());
                }
                if (verbose) {
                    for (JsonNode s : skipped) {
                        out.printf("-- not suggested: %s.%s (%d filters): %s%n", s.path("table").asText(),
                                s.path("column").asText(), s.path("filters").asLong(), s.path("reason").asText());
                    }
                }
            });
        }
    }

    @Command(name = "traces", mixinStandardHelpOptions = true,
            description = "Recent query spans, newest first.")
    static final class Traces implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ServerOptions output;

        @Option(names = "--request-id", description = "Only the statements of this request.")
        String requestId;

        @Option(names = "--limit", description = "At most this many spans (default ${DEFAULT-VALUE}).", defaultValue = "20")
        int limit;

        @Override
        public Integer call() {
            if (limit < 1) {
                throw new ParameterException(spec.commandLine(), "--limit must be at least 1, got " + limit);
            }
            String path = "v1/observe/traces?limit=" + limit
                    + (requestId == null ? "" : "&request_id=" + URLEncoder.encode(requestId, StandardCharsets.UTF_8));
            return show(spec, output, path, (body, out) -> {
                JsonNode spans = body.path("spans");
                if (spans.isEmpty()) {
                    out.println(requestId == null ? "no spans recorded" : "no spans for request " + requestId);
                }
                for (JsonNode s : spans) {
                    JsonNode a = s.path("attributes");
                    out.printf("%s %9.3f ms  %-5s %-32s rows=%-6d req:%s%s%s%n", s.path("start").asText(),
                            s.path("duration_ms").asDouble(), s.path("status").asText(), s.path("name").asText(),
                            a.path("db.response.returned_rows").asLong(), a.path("flux.request_id").asText(),
                            a.hasNonNull("db.response.status_code") ? "  sqlstate " + a.path("db.response.status_code").asText() : "",
                            tenant(a.path("flux.tenant_id")));
                }
            });
        }
    }
}
