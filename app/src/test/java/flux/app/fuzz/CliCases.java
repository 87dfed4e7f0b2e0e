package flux.app.fuzz;

import static flux.app.fuzz.Hostile.mix;
import static flux.app.fuzz.Hostile.weighted;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Command lines for the {@code flux} CLI, run in-process: each verb with its own options (and
 * others') given hostile values, missing values, repeated, in any order.
 *
 * <p>Verbs that read are run for real: {@code state ...}, {@code observe ...} and
 * {@code capture status} against the fuzz server ({@code --url}), {@code db current},
 * {@code db history} and {@code migrations list} against the fuzz database. Verbs that would
 * start a server or change data ({@code serve}, {@code keys}, {@code tenants}, {@code db migrate},
 * {@code db rollback}, {@code push}) get the same generated options plus an option no verb has,
 * so that picocli parses and converts everything and then refuses the line (exit 2) before
 * anything runs. URL values never name a host other than loopback.
 */
final class CliCases {
    static final String GUARD = "--not-an-option-of-any-verb";

    /** A verb, its options (each with or without a value), and whether it runs for real. */
    private record Verb(List<String> words, Map<String, Boolean> options, boolean runs, boolean positional) {
    }

    private static final Map<String, Boolean> SERVER = Map.of("--url", true, "--api-key", true, "--json", false);
    private static final Map<String, Boolean> DATABASE = Map.of("--database-url", true, "--data-dir", true);

    private static List<Verb> verbs() {
        return List.of(
                new Verb(List.of("state", "history"), with(SERVER, "--id", true, "--limit", true, "--oldest", false,
                        "--cursor", true, "--from", true, "--to", true), true, true),
                new Verb(List.of("state", "blame"), with(SERVER, "--id", true), true, true),
                new Verb(List.of("state", "show"), with(SERVER, "--id", true, "--at", true), true, true),
                new Verb(List.of("state", "request"), with(SERVER, "--limit", true, "--cursor", true), true, true),
                new Verb(List.of("db", "current"), DATABASE, true, false),
                new Verb(List.of("db", "history"), DATABASE, true, false),
                new Verb(List.of("migrations", "list"), with(DATABASE, "--dir", true), true, false),
                new Verb(List.of("serve"), Map.of("--port", true, "--host", true, "--data-dir", true, "--pg-port", true,
                        "--kafka-port", true, "--auth", true), false, false),
                new Verb(List.of("keys", "create"), with(DATABASE, "--tenant", true, "--role", true, "--name", true), false, false),
                new Verb(List.of("keys", "revoke"), DATABASE, false, true),
                new Verb(List.of("tenants", "create"), with(DATABASE, "--mode", true, "--quota", true), false, true),
                new Verb(List.of("db", "migrate"), with(DATABASE, "--dir", true, "--plan", false, "--dry-run", false,
                        "--force", false, "--tenant", true, "--lock-timeout", true, "--statement-timeout", true), false, false),
                new Verb(List.of("db", "rollback"), with(DATABASE, "--to", true, "--plan", false, "--tenant", true), false, false),
                new Verb(List.of("push"), with(DATABASE, "--mode", true, "--force", false, "--plan", false), false, true),
                new Verb(List.of("capture", "status"), with(SERVER), true, false),
                new Verb(List.of("observe", "traces"), with(SERVER, "--request-id", true, "--limit", true), true, false),
                new Verb(List.of("observe", "indexes"), with(SERVER, "--verbose", false), true, false));
    }

    private static Map<String, Boolean> with(Map<String, Boolean> base, Object... more) {
        Map<String, Boolean> all = new java.util.TreeMap<>(base); // sorted: the same order on every run
        for (int i = 0; i < more.length; i += 2) {
            all.put((String) more[i], (Boolean) more[i + 1]);
        }
        return all;
    }

    private CliCases() {
    }

    /** A value for an option or a positional: plausible for some option, or hostile; never a URL to another host. */
    private static Arbitrary<String> value(String serverUrl, String databaseUrl) {
        Arbitrary<String> plausible = Arbitraries.of("users", "orders", "public.users", "1", "2", "42", "1,1", "50", "0", "-1",
                "1001", "2026-03-10", "2026-03-10 14:22", "2026-03-10T14:22:00Z", "fuzz-seed", "read-only", "row", "schema",
                "10MB", "none", "5s", "PT1S", "schema", "target", "/", "/nonexistent", "8080", "65536", "open", "keys",
                serverUrl, serverUrl + "/", "http://127.0.0.1:1", "http://localhost:1", "http://[::1", "ftp:x", databaseUrl,
                "postgresql://nobody@127.0.0.1:1/none", "jdbc:postgresql://127.0.0.1:1/none", "-", "--", "=", "--id");
        return mix(weighted(3, plausible), weighted(2, Hostile.text().filter(t -> !t.contains("://"))));
    }

    /** One command line; {@code runs()} of its verb tells whether it may execute. */
    static Arbitrary<List<String>> lines(String serverUrl, String databaseUrl) {
        Arbitrary<String> value = value(serverUrl, databaseUrl);
        Arbitrary<List<String>> verbLines = Arbitraries.of(verbs()).flatMap(verb -> {
            List<String> names = new ArrayList<>(verb.options().keySet());
            Arbitrary<List<String>> option = Combinators.combine(Arbitraries.of(names), value,
                            Arbitraries.integers().between(0, 9))
                    .as((name, v, shape) -> {
                        boolean takesValue = verb.options().get(name);
                        if (shape == 0) {
                            return List.of(name); // value missing (or one that should not be there)
                        }
                        if (shape == 1) {
                            return List.of(name + "=" + v);
                        }
                        return takesValue ? List.of(name, v) : List.of(name);
                    });
            Arbitrary<List<String>> positional = verb.positional() ? value.list().ofMaxSize(2) : Arbitraries.just(List.of());
            return Combinators.combine(option.list().ofMaxSize(5), positional, value.list().ofMaxSize(1),
                            Arbitraries.integers().between(0, 12))
                    .as((options, positionals, stray, strayAt) -> {
                        List<String> line = new ArrayList<>(verb.words());
                        if (!verb.runs()) {
                            line.add(GUARD);
                        }
                        line.addAll(positionals);
                        options.forEach(line::addAll);
                        boolean namesServer = options.stream().anyMatch(o -> o.get(0).startsWith("--url"));
                        if (verb.options().containsKey("--url") && !namesServer) {
                            // without --url the server would be the process's FLUX_URL or localhost:8080
                            line.addAll(List.of("--url", serverUrl));
                        }
                        if (strayAt == 0) {
                            line.addAll(stray); // an extra word anywhere after the verb
                        }
                        return line;
                    });
        });
        Arbitrary<List<String>> root = mix(
                weighted(2, Arbitraries.of(List.of(), List.of("--help"), List.of("--version"), List.of("help"),
                        List.of("help", "state"), List.of("state"), List.of("db"), List.of("-h", "-V"), List.of("state", "--help"))),
                weighted(1, value.list().ofMinSize(1).ofMaxSize(3).map(words -> {
                    List<String> line = new ArrayList<>(words);
                    line.add(GUARD); // a random word may name a verb
                    return line;
                })));
        return mix(weighted(12, verbLines), weighted(1, root));
    }
}
