package flux.tenancy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The text form of a key, {@code flux_<id>_<secret>}: an 8-hex-digit public id (stored, shown in
 * listings) and 32 random bytes, base64url. The prefix makes leaked keys easy to scan for.
 */
final class ApiKeyToken {
    private static final Pattern FORMAT = Pattern.compile("flux_([0-9a-f]{8})_([A-Za-z0-9_-]{43})");
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiKeyToken() {
    }

    static String newId() {
        byte[] id = new byte[4];
        RANDOM.nextBytes(id);
        return HexFormat.of().formatHex(id);
    }

    static String newToken(String id) {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return "flux_" + id + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    /** The id of a well-formed token; empty for anything else. */
    static Optional<String> idOf(String token) {
        var m = token == null ? null : FORMAT.matcher(token);
        return m != null && m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    static byte[] hash(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
