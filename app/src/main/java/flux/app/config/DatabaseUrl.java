package flux.app.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * A PostgreSQL address as users write it: a libpq URI ({@code postgresql://user:pass@host:5432/db?sslmode=require},
 * also {@code postgres://}) or a JDBC URL ({@code jdbc:postgresql://host/db?user=...}).
 * Credentials are kept apart from the JDBC URL so the URL can be printed and logged.
 */
public record DatabaseUrl(String jdbcUrl, String user, String password) {

    public static DatabaseUrl parse(String raw) {
        if (raw == null || raw.isBlank()) {
            throw new IllegalArgumentException("DATABASE_URL is empty");
        }
        String value = raw.strip();
        if (value.startsWith("jdbc:postgresql:")) {
            return new DatabaseUrl(value, null, null);
        }
        if (!value.startsWith("postgresql://") && !value.startsWith("postgres://")) {
            throw new IllegalArgumentException("DATABASE_URL must start with postgresql://, postgres:// or jdbc:postgresql:");
        }
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            // The reason and position only, and not as the cause (FLUX_DEBUG prints causes): the
            // exception's message repeats the input, password and all.
            throw new IllegalArgumentException("DATABASE_URL is not a valid URI: " + e.getReason() + " at index "
                    + e.getIndex() + " (the URL is not shown, it may hold a password)");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("DATABASE_URL names no host");
        }
        String user = null;
        String password = null;
        if (uri.getRawUserInfo() != null) {
            String[] parts = uri.getRawUserInfo().split(":", 2);
            user = decode(parts[0]);
            password = parts.length > 1 ? decode(parts[1]) : null;
        }
        String database = uri.getPath() == null || uri.getPath().length() <= 1 ? "postgres" : uri.getPath().substring(1);
        String jdbc = "jdbc:postgresql://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "") + "/"
                + database + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        return new DatabaseUrl(jdbc, user, password);
    }

    /** The address without the password, for messages. */
    public String display() {
        String base = jdbcUrl.replaceFirst("^jdbc:", "").replaceAll("([?&])password=[^&]*", "$1password=***");
        return user == null ? base : base.replaceFirst("//", "//" + user + "@");
    }

    /** Percent-decoding as libpq does it: a '+' is itself (URLDecoder, made for forms, reads a space). */
    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
