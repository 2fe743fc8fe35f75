package io.till.automation;

import io.till.shared.TillException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * What the dashboard's automation pages draw from a definition: its trigger in words and the flow of its steps, with
 * scoped objects named from the account. Read as a version was saved ({@link DefinitionParser#parseSaved}), so that a
 * version kept before a check grew stricter still draws.
 */
@Component
class AutomationPictures {

    private final DefinitionParser parser;
    private final ScopeNames scopeNames;

    AutomationPictures(DefinitionParser parser, ScopeNames scopeNames) {
        this.parser = parser;
        this.scopeNames = scopeNames;
    }

    Optional<Definition> read(JsonNode definition) {
        try {
            return Optional.of(parser.parseSaved(definition));
        } catch (TillException e) {
            return Optional.empty();
        }
    }

    /** The names of the objects these triggers are scoped to, for {@link #sentence}. */
    Map<String, String> names(String accountId, Collection<Definition.Trigger> triggers) {
        return scopeNames.of(accountId, triggers.stream().filter(t -> t != null).toList());
    }

    static String sentence(Definition definition, Map<String, String> names) {
        return definition.trigger() == null ? "No trigger yet" : TriggerSentence.of(definition.trigger(), names);
    }

    /** The chips of a definition's flow; empty when it cannot be read. */
    List<StepFlow.Chip> flow(String accountId, JsonNode definition) {
        return read(definition).map(parsed -> StepFlow.of(parsed, sentence(parsed, names(accountId, List.of(parsed
            .trigger()))), ContextVariables.fieldWords(definition.path("trigger")))).orElse(List.of());
    }

    /** A definition as drawn for a template, whose triggers name no object of any account. */
    List<StepFlow.Chip> flow(JsonNode definition) {
        return read(definition).map(parsed -> StepFlow.of(parsed, sentence(parsed, Map.of()), ContextVariables
            .fieldWords(definition.path("trigger")))).orElse(List.of());
    }
}
