package io.till.shared.web;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.swagger.v3.core.converter.AnnotatedType;
import io.swagger.v3.core.converter.ModelConverter;
import io.swagger.v3.core.converter.ModelConverterContext;
import io.swagger.v3.core.jackson.ModelResolver;
import io.swagger.v3.core.util.Json;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;
import io.till.shared.Caller;
import java.util.Iterator;
import java.util.List;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The OpenAPI document at /v3/api-docs, described the way clients see the API: snake_case, bearer API keys. */
@Configuration(proxyBeanMethods = false)
class ApiDocumentation {

    static {
        // The caller comes from the Authorization header, not from the query string.
        SpringDocUtils.getConfig().addRequestWrapperToIgnore(Caller.class);
        // Free JSON (an event's data, a definition, a step's output) is any JSON to a client: springdoc would
        // otherwise describe Jackson 3's node classes as beans (node_type, empty, array … as if they were fields).
        SpringDocUtils.getConfig()
            .replaceWithSchema(tools.jackson.databind.JsonNode.class, new io.swagger.v3.oas.models.media.Schema<>()
                .description("Any JSON value"))
            .replaceWithSchema(tools.jackson.databind.node.ObjectNode.class,
                new io.swagger.v3.oas.models.media.ObjectSchema().description("A JSON object"))
            .replaceWithSchema(tools.jackson.databind.node.ArrayNode.class,
                new io.swagger.v3.oas.models.media.ArraySchema().items(new io.swagger.v3.oas.models.media.Schema<>())
                    .description("A JSON array"));
    }

    /**
     * The server is the configured public address, or the document's own origin ("/"): springdoc would otherwise
     * write whatever Host header the request carried into the document that Swagger UI then calls.
     */
    @Bean
    OpenAPI tillOpenApi(@Value("${till.bootstrap.public-url:}") String publicUrl) {
        return new OpenAPI().servers(List.of(new Server().url(publicUrl.isBlank()
            ? "/"
            : publicUrl.strip()
                .replaceAll("/+$", ""))))
            .info(new Info().title("Till API")
                .version("v1")
                .description("Billing records, automations and customer portal for online sellers. Authenticate with "
                    + "'Authorization: Bearer <api key>'. Errors are RFC 9457 problem details with a stable 'code'. POSTs "
                    + "that create or charge accept an 'Idempotency-Key' header."))
            .components(new Components().addSecuritySchemes("apiKey",
                new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")
                    .description("till_<mode>_<id>_<secret>")))
            .addSecurityItem(new SecurityRequirement().addList("apiKey"));
    }

    /** The records' shapes the model resolver notes, for {@link ApiContract} to state on answers' schemas. */
    @Bean
    RecordShapes recordShapes() {
        return new RecordShapes();
    }

    /**
     * Springdoc describes bodies with its own Jackson 2 mapper; it must name properties as the API does. Each record it
     * describes is noted in {@code shapes}.
     */
    @Bean
    ModelResolver snakeCaseModelResolver(RecordShapes shapes) {
        return new ModelResolver(Json.mapper().copy().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)) {
            @Override
            public Schema resolve(AnnotatedType type, ModelConverterContext context, Iterator<ModelConverter> next) {
                Schema resolved = super.resolve(type, context, next);
                Class<?> raw = type.getType() == null ? null : _mapper.constructType(type.getType()).getRawClass();
                if (resolved != null && raw != null && raw.isRecord()) {
                    String ref = resolved.get$ref();
                    shapes.note(ref != null ? ref.substring(ref.lastIndexOf('/') + 1) : resolved.getName(), raw);
                }
                return resolved;
            }
        };
    }
}
