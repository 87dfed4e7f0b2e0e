package flux.app.http;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.swagger.v3.oas.annotations.Hidden;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.info.License;

/**
 * {@code GET /openapi.yml}: the OpenAPI 3.1 document of the REST API, generated from the
 * controllers while app compiles (micronaut-openapi, settings in {@code app/openapi.properties}).
 * Open in every auth mode, like {@code /health}: it describes the API, it holds no data.
 */
@OpenAPIDefinition(info = @Info(title = "Flux", version = "1",
        description = "Change-data service for PostgreSQL: query API, mutation log, history (README, docs/).",
        license = @License(name = "see the repository")))
@Controller
@Hidden
final class OpenApiController {
    private final byte[] document = OpenApiDocument.load();

    @Get(uri = "/openapi.yml", produces = "application/yaml")
    HttpResponse<byte[]> document() {
        return HttpResponse.ok(document).header("Cache-Control", "no-cache");
    }
}
