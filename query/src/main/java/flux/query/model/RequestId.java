package flux.query.model;

import flux.query.InvalidQuery;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The tag of one request: every transaction sets it as {@code flux.request_id} and every
 * mutation record carries it. 1 to 128 characters of {@code [A-Za-z0-9._:@/+=-]}, so it is
 * safe in headers, logs and URLs.
 */
public record RequestId(String value) {
    public static final int MAX_LENGTH = 128;

    public RequestId {
        if (!safe(value)) {
            throw new InvalidQuery(InvalidQuery.Reason.INVALID_REQUEST_ID, "invalid request id \"" + Names.shorten(value) + "\": 1 to "
                    + MAX_LENGTH + " characters of letters, digits and . _ : @ / + = -");
        }
    }

    /** The character check, as a loop: a regex match was a few percent of an engine write's Java time. */
    private static boolean safe(String value) {
        if (value == null || value.isEmpty() || value.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == ':' || c == '@' || c == '/' || c == '+' || c == '=' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    public static RequestId of(String value) {
        return new RequestId(value);
    }

    /**
     * A time-ordered (version 7, RFC 9562) UUID: 48 bits of Unix milliseconds, then 74 random
     * bits. Ordered by time, ids generated together land together in the log's request index
     * (a random id dirties a random leaf page per write) and sort by when the request came.
     * Random bits from {@link ThreadLocalRandom}, not {@code SecureRandom}: a request id is a
     * correlation tag, not a secret, and the shared SecureRandom is a point of contention at
     * thousands of writes per second.
     */
    public static RequestId generate() {
        return generate(System.currentTimeMillis());
    }

    static RequestId generate(long unixMillis) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (unixMillis << 16) | 0x7000L | (random.nextInt() & 0x0FFFL);
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new RequestId(new UUID(high, low).toString());
    }

    @Override
    public String toString() {
        return value;
    }
}
