package flux.query.model;

import flux.query.InvalidQuery;
import java.util.UUID;
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

    public static RequestId generate() {
        return new RequestId(UUID.randomUUID().toString());
    }

    @Override
    public String toString() {
        return value;
    }
}
