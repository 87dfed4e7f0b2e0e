package flux.app.http;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The {@code Date} header value (RFC 9110 IMF-fixdate), formatted once per second. Micronaut
 * formats it for every response that lacks one; on the query path that was a tenth of the
 * HTTP layer's own CPU (a {@code DateTimeFormatter} pass per response), for a value that changes
 * once a second. Thread-safe: a stale read only formats again.
 */
final class HttpDate {
    /** IMF-fixdate: two-digit day, English names (RFC_1123_DATE_TIME would print "1 Jan"). */
    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    private record Cached(long epochSecond, String value) {
    }

    private static volatile Cached cached = new Cached(Long.MIN_VALUE, "");

    private HttpDate() {
    }

    static String now() {
        return at(System.currentTimeMillis() / 1000);
    }

    static String at(long epochSecond) {
        Cached c = cached;
        if (c.epochSecond() != epochSecond) {
            c = new Cached(epochSecond, FORMAT.format(Instant.ofEpochSecond(epochSecond)));
            cached = c;
        }
        return c.value();
    }
}
