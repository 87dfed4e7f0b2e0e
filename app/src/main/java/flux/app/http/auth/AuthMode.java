package flux.app.http.auth;

/** {@code keys}: every request needs an API key. {@code open}: none does (loopback development). */
public enum AuthMode {
    KEYS, OPEN;

    public static AuthMode parse(String value) {
        for (AuthMode mode : values()) {
            if (mode.name().equalsIgnoreCase(value)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("auth mode must be keys or open, not \"" + value + "\"");
    }

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
