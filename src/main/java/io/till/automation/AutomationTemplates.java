package io.till.automation;

import io.till.shared.TillException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The pre-built automations of PRODUCT.md §4, kept as JSON in {@code automation/templates/}: a seller starts from one
 * and edits it. Each is an ordinary definition plus a {@code description}.
 */
public final class AutomationTemplates {

    /** A template: its key ({@code payment_dunning}), name, description, and the definition to start from. */
    public record Template(String key, String name, String description, JsonNode definition) {}

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private AutomationTemplates() {}

    public static List<Template> all() {
        try {
            Resource[] files = new PathMatchingResourcePatternResolver()
                .getResources("classpath:automation/templates/*.json");
            return Arrays.stream(files)
                .sorted(Comparator.comparing(Resource::getFilename))
                .map(AutomationTemplates::read)
                .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("the automation templates are part of Till and must be readable", e);
        }
    }

    /** The template with this key; a validation failure naming {@code field} when there is none. */
    static Template named(String key, String field) {
        return all().stream().filter(t -> t.key().equals(key)).findFirst()
            .orElseThrow(() -> TillException.invalid(field, "not_found", "must be one of "
                + all().stream().map(Template::key).toList()));
    }

    private static Template read(Resource file) {
        try (var in = file.getInputStream()) {
            JsonNode definition = JSON.readTree(in);
            String key = file.getFilename().replaceFirst("\\.json$", "");
            return new Template(key, definition.get("name").asString(), definition.get("description").asString(),
                definition);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read template " + file.getFilename(), e);
        }
    }
}
