package flux.app.ui;

import flux.app.ui.view.LoginView;
import flux.tenancy.ApiKeyStore;
import flux.tenancy.Principal;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.net.URI;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;

/** Signing in with an API key (keys mode) and out; {@code /ui} itself opens the tables. */
@Controller("/ui")
@ExecuteOn(TaskExecutors.BLOCKING)
final class UiLoginController {
    private final ApiKeyStore keys;
    private final UiPages pages;
    private final boolean open;

    UiLoginController(ApiKeyStore keys, UiPages pages, @Value("${flux.auth.mode:keys}") String mode) {
        this.keys = keys;
        this.pages = pages;
        this.open = "open".equalsIgnoreCase(mode);
    }

    @Get
    HttpResponse<?> home() {
        return HttpResponse.seeOther(URI.create("/ui/tables"));
    }

    @Get("/login")
    HttpResponse<?> form(HttpRequest<?> request) {
        if (open) {
            return HttpResponse.seeOther(URI.create("/ui/tables"));
        }
        return pages.page("login", new LoginView(pages.frame(request, "Sign in", "login"), null));
    }

    @Post(uri = "/login", consumes = MediaType.APPLICATION_FORM_URLENCODED)
    HttpResponse<?> login(HttpRequest<?> request, @Nullable @Body Map<String, String> form) throws SQLException {
        Map<String, String> fields = form == null ? Map.of() : form;
        UiSession.requireSameSite(request, fields.get("csrf"));
        String key = fields.getOrDefault("key", "").strip();
        Optional<Principal> caller = key.isEmpty() ? Optional.empty() : keys.authenticate(key);
        if (caller.isEmpty()) {
            return pages.page(HttpStatus.UNAUTHORIZED, "login", new LoginView(pages.frame(request, "Sign in", "login"),
                    "This API key is not valid (unknown, revoked or malformed)."));
        }
        return HttpResponse.seeOther(URI.create("/ui/tables")).cookie(UiSession.cookie(UiSession.KEY_COOKIE, key));
    }

    @Post(uri = "/logout", consumes = MediaType.APPLICATION_FORM_URLENCODED)
    HttpResponse<?> logout(HttpRequest<?> request, @Nullable @Body Map<String, String> form) {
        UiSession.requireSameSite(request, form == null ? null : form.get("csrf"));
        return HttpResponse.seeOther(URI.create("/ui/login")).cookie(UiSession.expired(UiSession.KEY_COOKIE));
    }
}
