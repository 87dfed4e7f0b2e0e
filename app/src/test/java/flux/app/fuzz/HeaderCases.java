package flux.app.fuzz;

import static flux.app.fuzz.Hostile.mix;
import static flux.app.fuzz.Hostile.weighted;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Well-formed queries sent with generated headers: request ids of every length and content (10 KB,
 * control characters, invalid UTF-8), credentials of every shape, wrong media types, and headers
 * the server has never heard of. Framing headers (Content-Length, Transfer-Encoding, Expect) are
 * left alone: a request the client frames one way and the server another would desynchronise the
 * keep-alive connection, which tests the client, not the server.
 */
final class HeaderCases {
    private HeaderCases() {
    }

    private static Arbitrary<byte[]> requestId() {
        return mix(
                weighted(4, Arbitraries.strings().withCharRange('a', 'z').numeric().withChars('.', '_', ':', '@', '/', '+', '=', '-')
                        .ofMinLength(1).ofMaxLength(128).map(HttpCase::utf8)),
                weighted(3, Hostile.text().map(HttpCase::utf8)),
                weighted(1, Arbitraries.of(10_240, 8_000, 129, 128, 65_536).map(n -> HttpCase.ascii("r".repeat(n)))),
                weighted(2, Hostile.bytes()));
    }

    private static Arbitrary<byte[]> credential() {
        return mix(
                weighted(3, Hostile.text().map(t -> HttpCase.utf8("Bearer " + t))),
                weighted(2, Arbitraries.strings().alpha().numeric().ofMaxLength(60).map(t -> HttpCase.utf8("Bearer flux_" + t))),
                weighted(1, Arbitraries.of("Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "bearer x", "Negotiate", "")
                        .map(HttpCase::ascii)),
                weighted(1, Hostile.bytes()),
                weighted(1, Arbitraries.of(HttpCase.ascii("Bearer " + "k".repeat(10_000)))));
    }

    private static Arbitrary<byte[]> one() {
        Arbitrary<byte[]> contentType = Arbitraries.of("application/json", "text/plain", "application/json; charset=utf-16",
                "application/json; charset=latin1", "application/problem+json", "multipart/form-data; boundary=x", "",
                "application/x-www-form-urlencoded", "*/*", "application/json\u0000").map(v -> HttpCase.header("Content-Type", v));
        Arbitrary<byte[]> accept = Arbitraries.of("application/xml", "*/*", "text/html", "", "application/json;q=0",
                "garbage/").map(v -> HttpCase.header("Accept", v));
        Arbitrary<byte[]> unknown = Combinators.combine(
                        mix(weighted(3, Arbitraries.strings().alpha().withChars('-').ofMinLength(1).ofMaxLength(20)),
                                weighted(1, Hostile.text().filter(t -> !t.isEmpty()))),
                        Hostile.bytes())
                .as((name, value) -> HttpCase.header(name.replace("\r", "").replace("\n", ""), value));
        return mix(
                weighted(5, requestId().map(v -> HttpCase.header("X-Request-Id", v))),
                weighted(3, credential().map(v -> HttpCase.header("Authorization", v))),
                weighted(2, contentType), weighted(1, accept), weighted(2, unknown));
    }

    /** A query (a select, or now and then an insert of a new row) with one to four generated headers. */
    static Arbitrary<HttpCase> requests() {
        Arbitrary<byte[]> body = mix(
                weighted(4, Arbitraries.just("{\"table\":\"users\",\"operation\":\"select\",\"limit\":5}")),
                weighted(1, Arbitraries.longs().between(1_000_000, 1_000_000_000_000L)
                        .map(id -> "{\"table\":\"users\",\"operation\":\"insert\",\"data\":{\"id\":" + id + "}}")))
                .map(HttpCase::utf8);
        return Combinators.combine(one().list().ofMinSize(1).ofMaxSize(4), body, Arbitraries.of(true, false))
                .as((headers, b, withType) -> {
                    List<byte[]> all = new ArrayList<>(headers);
                    if (withType) {
                        all.add(0, HttpCase.header("Content-Type", "application/json"));
                    }
                    return HttpCase.post("/v1/query", all, b);
                });
    }
}
