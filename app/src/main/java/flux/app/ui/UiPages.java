package flux.app.ui;

import flux.app.http.Problem;
import flux.app.http.auth.Callers;
import flux.app.ui.view.ErrorView;
import flux.app.ui.view.Frame;
import flux.tenancy.Principal;
import flux.tenancy.Role;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.micronaut.context.annotation.Value;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import jakarta.inject.Singleton;

/**
 * Renders the UI's pages from the templates in {@code src/main/jte}, compiled to classes at build
 * time (jte-maven-plugin): nothing is parsed at run time. HTML escaping is the templates' default.
 */
@Singleton
public final class UiPages {
    private static final MediaType HTML = MediaType.of("text/html;charset=utf-8");
    private final TemplateEngine templates = TemplateEngine.createPrecompiled(ContentType.Html);
    private final boolean open;

    UiPages(@Value("${flux.auth.mode:keys}") String mode) {
        this.open = "open".equalsIgnoreCase(mode);
    }

    MutableHttpResponse<String> page(String template, Object model) {
        return page(HttpStatus.OK, template, model);
    }

    MutableHttpResponse<String> page(HttpStatus status, String template, Object model) {
        StringOutput out = new StringOutput();
        templates.render(template + ".jte", model, out);
        return HttpResponse.<String>status(status).body(out.toString()).contentType(HTML);
    }

    /** The layout's part of a page for this request's caller. */
    Frame frame(HttpRequest<?> request, String title, String section) {
        Principal caller = Callers.of(request);
        String who = caller.tenantId() == null ? "operator (open mode, the server's login role)"
                : "tenant " + caller.tenantId() + " · " + caller.role().label() + " key " + caller.keyId();
        return new Frame(title, section, who, caller.may(Role.ADMIN),
                !open, UiSession.csrf(request));
    }

    /** A problem (from the API's own error handlers) as an HTML page with the same status. */
    MutableHttpResponse<String> problem(HttpRequest<?> request, Problem problem) {
        return page(HttpStatus.valueOf(problem.status()), "error",
                new ErrorView(frame(request, problem.title(), ""), problem.status(), problem.title(), problem.detail()));
    }
}
