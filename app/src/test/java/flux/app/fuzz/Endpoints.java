package flux.app.fuzz;

import static flux.app.fuzz.Hostile.mix;
import static flux.app.fuzz.Hostile.weighted;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Requests against every route but the query API's: history, blame, as-of, a request's writes,
 * observability, capture status, whoami, health, metrics, the web UI's pages, and paths that are
 * none of these, with every path segment and query parameter generated: percent-encoded hostile text, raw
 * bytes that a URL may not hold, broken escapes; and any method.
 */
final class Endpoints {
    private static final List<String> KNOWN_ROWS = List.of("1", "2", "42", "1,1", "[\"1\",\"1\"]", "[1,1]");
    private static final List<String> PARAMETERS = List.of("order", "limit", "cursor", "from", "to", "time",
            "request_id", "verbose", "json");

    private Endpoints() {
    }

    /** A path segment or parameter value as it appears in the request target. */
    static Arbitrary<byte[]> segment(List<String> known) {
        return mix(
                weighted(6, Arbitraries.of(known).map(s -> HttpCase.ascii(encode(s)))),
                weighted(5, Hostile.text().map(s -> HttpCase.ascii(encode(s)))),
                weighted(2, Hostile.text().map(HttpCase::utf8)), // unencoded: spaces, '#', '?', '/', non-ASCII
                weighted(1, Hostile.bytes()),
                weighted(1, Arbitraries.of("%", "%z", "%c3", "%ff", "%00", "%2e%2e", "%2F", "..", "", "%u0041")
                        .map(HttpCase::ascii)));
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static Arbitrary<byte[]> path() {
        Arbitrary<byte[]> table = segment(QueryBodies.TABLES);
        Arbitrary<byte[]> row = segment(KNOWN_ROWS);
        Arbitrary<byte[]> rowPath = Combinators.combine(table, row, segment(List.of("history", "blame", "at")))
                .as((t, r, verb) -> join("/v1/state/", t, "/", r, "/", verb));
        Arbitrary<byte[]> changes = table.map(t -> join("/v1/state/", t, "/changes"));
        Arbitrary<byte[]> request = segment(List.of("fuzz-seed", "nope", "550e8400")).map(r -> join("/v1/requests/", r));
        Arbitrary<byte[]> observe = segment(List.of("traces", "slow", "nplus1", "indexes")).map(v -> join("/v1/observe/", v));
        Arbitrary<byte[]> capture = segment(List.of("status")).map(v -> join("/v1/capture/", v));
        Arbitrary<byte[]> fixed = Arbitraries.of("/v1/whoami", "/health", "/prometheus", "/v1/capture/status",
                "/v1/query", "/v1/transaction", "/", "/v1", "/v1/", "//v1//whoami", "/v1/state", "*").map(HttpCase::ascii);
        Arbitrary<byte[]> any = segment(List.of("v1", "ui", "openapi.yml")).list().ofMinSize(1).ofMaxSize(5)
                .map(parts -> {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    parts.forEach(p -> out.writeBytes(join("/", p)));
                    return out.toByteArray();
                });
        // The web UI's pages (its errors are HTML pages, see Oracle), a page and what follows it.
        Arbitrary<byte[]> ui = Combinators.combine(segment(List.of("tables", "rows", "requests", "console",
                        "capture", "observe", "migrations", "login", "logout", "static")),
                segment(List.of("users", "1", "flux.css", "")).list().ofMaxSize(2))
                .as((page, rest) -> {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    out.writeBytes(join("/ui/", page));
                    rest.forEach(p -> out.writeBytes(join("/", p)));
                    return out.toByteArray();
                });
        return mix(weighted(8, rowPath), weighted(1, changes), weighted(4, request),
                weighted(3, observe), weighted(1, capture), weighted(2, fixed), weighted(2, any), weighted(2, ui));
    }

    private static Arbitrary<byte[]> query() {
        Arbitrary<byte[]> pair = Combinators.combine(segment(PARAMETERS),
                        segment(List.of("1", "50", "1000", "1001", "0", "-1", "newest", "oldest", "2026-03-10T12:00:00Z",
                                "2026-03-10", "1000000000000")))
                .as((k, v) -> join(k, "=", v));
        return pair.list().ofMaxSize(4).map(pairs -> {
            if (pairs.isEmpty()) {
                return new byte[0];
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int i = 0; i < pairs.size(); i++) {
                out.writeBytes(HttpCase.ascii(i == 0 ? "?" : "&"));
                out.writeBytes(pairs.get(i));
            }
            return out.toByteArray();
        });
    }

    /** A request to some route: mostly GET, any method now and then, with a small body for those that send one. */
    static Arbitrary<HttpCase> requests() {
        Arbitrary<String> method = mix(weighted(12, Arbitraries.just("GET")),
                weighted(3, Arbitraries.of("POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE")),
                weighted(1, Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8)));
        return Combinators.combine(method, path(), query()).as((m, p, q) -> new HttpCase(m, join(p, q),
                m.equals("GET") || m.equals("HEAD") ? List.of() : List.of(HttpCase.header("Content-Type", "application/json")),
                m.equals("GET") || m.equals("HEAD") ? null : HttpCase.ascii("{}")));
    }

    static byte[] join(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object p : parts) {
            out.writeBytes(p instanceof byte[] b ? b : HttpCase.utf8(p.toString()));
        }
        return out.toByteArray();
    }
}
