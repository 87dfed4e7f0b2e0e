package flux.app.http.auth;

/** The caller is known but lacks the right for what it asked (403). */
public final class Forbidden extends RuntimeException {
    public Forbidden(String message) {
        super(message);
    }
}
