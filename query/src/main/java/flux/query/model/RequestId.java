package flux.query.model;

import flux.query.InvalidQuery;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * The tag of one request: every transaction sets it as {@code flux.request_id} and every
 * mutation record carries it. 1 to 128 characters of {@code [A-Za-z0-9._:@/+=-]}, so it is
 * safe in headers, logs and URLs.
 */
public record RequestId(String value) {
    public static final int MAX_LENGTH = 128;
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._:@/+=-]{1," + MAX_LENGTH + "}");

    public RequestId {
        if (value == null || !SAFE.matcher(value).matches()) {
            throw new InvalidQuery(InvalidQuery.Reason.INVALID_REQUEST_ID, "invalid request id \"" + Names.shorten(value) + "\": 1 to "
                    + MAX_LENGTH + " characters of letters, digits and . _ : @ / + = -");
        }
    }

    public static RequestId of(String value) {
        return new RequestId(value);
    }

    /**
     * A random (version 4) UUID. From {@link ThreadLocalRandom}, not {@code UUID.randomUUID()}:
     * a request id is a correlation tag, not a secret, and the shared SecureRandom behind
     * randomUUID is a point of contention at thousands of writes per second.
     */
    public static RequestId generate() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L;
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new RequestId(new UUID(high, low).toString());
    }

    @Override
    public String toString() {
        return value;
    }
}
