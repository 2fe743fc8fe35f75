package io.till.action;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * Every action a step may name (PRODUCT.md §5), each with its implementation. An action the product names before it is
 * built goes in {@link #PLANNED}, so that definitions and templates using it can be saved; until then a step calling
 * it fails with {@code action_unavailable}, which is honest, and nothing is faked.
 */
@Component
public class Actions {

    /** Named by the product, not yet implemented in this Till. */
    static final Set<String> PLANNED = Set.of();

    /** Other names of an action: {@code sync_to_crm} is how the seeds and the product name CRM sync (§5). */
    static final Map<String, String> ALIASES = Map.of("sync_to_crm", "crm.sync_contact");

    private final Map<String, Action> implemented;

    public Actions(List<Action> actions) {
        this.implemented = actions.stream().collect(Collectors.toMap(Action::name, Function.identity(), (a, b) -> {
            throw new IllegalStateException("two actions are called " + a.name());
        }, TreeMap::new));
    }

    public Optional<Action> find(String name) {
        return Optional.ofNullable(implemented.get(ALIASES.getOrDefault(name, name)));
    }

    /** What a definition may name: the implemented actions' schemas, and open ones for the planned actions. */
    public Map<String, ActionSchema> catalog() {
        var catalog = new TreeMap<String, ActionSchema>();
        for (String name : PLANNED) {
            catalog.put(name, new ActionSchema(name, "not available in this version yet", List.of(), true));
        }
        implemented.forEach((name, action) -> catalog.put(name, action.schema()));
        ALIASES.forEach((alias, name) -> {
            if (implemented.containsKey(name)) {
                catalog.put(alias, implemented.get(name).schema());
            }
        });
        return catalog;
    }

    /** The schemas of the actions a step can actually call now. */
    public Collection<ActionSchema> available() {
        return implemented.values().stream().map(Action::schema).toList();
    }
}
