package flux.app.ui;

import flux.app.http.auth.Forbidden;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.http.cookie.SameSite;
import java.net.URI;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * The web UI's cookies. {@code flux_key}: the API key given at the login form, HttpOnly and
 * SameSite=Strict, so scripts cannot read it and other sites' pages do not send it. {@code
 * flux_csrf}: a random token, HttpOnly and SameSite=Strict too, that every POST must repeat in
 * its form field {@code csrf} or its {@code X-CSRF-Token} header (htmx sends the header): a page
 * of another site can make the browser POST, but cannot read the token to repeat it. This
 * matters most in open mode, where no key is needed and the console runs SQL as the server's
 * login role. A POST whose {@code Origin} names another host is refused as well.
 */
public final class UiSession {
    static final String KEY_COOKIE = "flux_key";
    static final String CSRF_COOKIE = "flux_csrf";
    static final String CSRF_HEADER = "X-CSRF-Token";
    /** The token a request's page carries: the cookie's, or a new one the response sets. */
    private static final String CSRF_ATTRIBUTE = "flux.ui.csrf";
    private static final String NEW_CSRF_ATTRIBUTE = "flux.ui.csrf.new";
    private static final SecureRandom RANDOM = new SecureRandom();

    private UiSession() {
    }

    static Optional<String> key(HttpRequest<?> request) {
        return request.getCookies().findCookie(KEY_COOKIE).map(Cookie::getValue).filter(v -> !v.isBlank());
    }

    /** The CSRF token to put in the page; made (and set by {@link #finish}) when the browser has none. */
    public static String csrf(HttpRequest<?> request) {
        Optional<String> known = request.getAttribute(CSRF_ATTRIBUTE, String.class);
        if (known.isPresent()) {
            return known.get();
        }
        Optional<String> cookie = request.getCookies().findCookie(CSRF_COOKIE).map(Cookie::getValue)
                .filter(v -> v.length() >= 32);
        String token = cookie.orElseGet(() -> {
            byte[] bytes = new byte[32];
            RANDOM.nextBytes(bytes);
            request.setAttribute(NEW_CSRF_ATTRIBUTE, Boolean.TRUE);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        });
        request.setAttribute(CSRF_ATTRIBUTE, token);
        return token;
    }

    /** Refuses (403) a POST that does not repeat the CSRF cookie, or that comes from another origin. */
    static void requireSameSite(HttpRequest<?> request, String formToken) {
        String origin = request.getHeaders().get("Origin");
        String host = request.getHeaders().get("Host");
        if (origin != null && !origin.equals("null") && host != null && !host.equals(URI.create(origin).getAuthority())) {
            throw new Forbidden("this form was sent from another site (" + origin + ")");
        }
        String sent = formToken != null && !formToken.isBlank() ? formToken : request.getHeaders().get(CSRF_HEADER);
        Optional<String> cookie = request.getCookies().findCookie(CSRF_COOKIE).map(Cookie::getValue);
        if (sent == null || cookie.isEmpty() || !MessageDigest.isEqual(sent.getBytes(StandardCharsets.UTF_8),
                cookie.get().getBytes(StandardCharsets.UTF_8))) {
            throw new Forbidden("the form's CSRF token is missing or stale: reload the page and send it again");
        }
    }

    /** Sets the CSRF cookie on a response whose page made a new token. */
    static void finish(HttpRequest<?> request, MutableHttpResponse<?> response) {
        if (request.getAttribute(NEW_CSRF_ATTRIBUTE, Boolean.class).orElse(false)) {
            response.cookie(cookie(CSRF_COOKIE, csrf(request)));
        }
    }

    static Cookie cookie(String name, String value) {
        return Cookie.of(name, value).httpOnly(true).sameSite(SameSite.Strict).path("/ui");
    }

    static Cookie expired(String name) {
        return cookie(name, "").maxAge(0);
    }
}
