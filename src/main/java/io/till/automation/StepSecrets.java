package io.till.automation;

import io.till.action.Action;
import io.till.action.ActionSchema;
import io.till.action.Actions;
import io.till.automation.engine.StepLog;
import io.till.shared.SecretBox;
import io.till.shared.SecretMasks;
import io.till.shared.TillException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The secret params of action steps ({@link ActionSchema.Param#secret}, such as send_slack's {@code webhook_url}): sealed
 * with {@link SecretBox} in the stored definition, masked wherever a definition or an execution log is shown, opened
 * only to call the action. A sealed value is recognised by opening under the account's context, so text that merely
 * looks sealed stays text.
 */
@Component
class StepSecrets {

    private final SecretBox box;
    private final Actions actions;

    StepSecrets(SecretBox box, Actions actions) {
        this.box = box;
        this.actions = actions;
    }

    /**
     * The definition to store, with every secret param sealed. A masked value sent back unchanged (the definition was
     * read, edited and saved) keeps the secret it stands for in {@code current}: the same step's (by its id, wherever
     * the step was moved), else the one at the same place if the step there was renamed (its old id is gone), else
     * the only one with that mask. Never another step's that is still there: two Slack hooks of one workspace mask
     * alike, and a step moved or deleted above would have taken its neighbour's.
     */
    JsonNode sealed(String accountId, JsonNode submitted, JsonNode current) {
        Map<String, String> byStep = new HashMap<>();
        Map<String, Map.Entry<String, String>> byPath = new HashMap<>();
        Map<String, List<String>> byMask = new HashMap<>();
        if (current != null) {
            secretParams(current, "", (path, step, params, name) -> {
                String sealed = params.get(name).asString();
                String opened = open(accountId, sealed);
                if (opened != null) {
                    if (step != null) {
                        byStep.put(step + "/" + name, sealed);
                    }
                    byPath.put(path, Map.entry(step == null ? "" : step, sealed));
                    byMask.computeIfAbsent(mask(opened), mask -> new ArrayList<>()).add(sealed);
                }
            });
        }
        JsonNode copy = submitted.deepCopy();
        var submittedSteps = new java.util.HashSet<String>();
        secretParams(copy, "", (path, step, params, name) -> submittedSteps.add(step == null ? "" : step));
        secretParams(copy, "", (path, step, params, name) -> {
            String value = params.get(name).asString();
            if (open(accountId, value) != null) {
                return;
            }
            String sameStep = step == null ? null : byStep.get(step + "/" + name);
            // A step renamed where it stands: the one that stood there is gone under its old name.
            var samePlace = byPath.get(path);
            String renamed = sameStep == null && samePlace != null && !submittedSteps.contains(samePlace.getKey())
                ? samePlace.getValue()
                : null;
            List<String> sameMask = byMask.getOrDefault(value, List.of());
            if (sameStep != null && mask(open(accountId, sameStep)).equals(value)) {
                params.put(name, sameStep);
            } else if (renamed != null && mask(open(accountId, renamed)).equals(value)) {
                params.put(name, renamed);
            } else if (sameMask.size() == 1) {
                params.put(name, sameMask.getFirst());
            } else if (value.endsWith(SecretMasks.MASK)) {
                throw TillException.invalid(path, "masked_secret", "is a masked credential that matches none of "
                    + "this automation's; give the full value");
            } else if (value.contains("{{")) {
                // Sealed as given, it would reach the action with its template unfilled (a run renders what it can
                // read, and a sealed value reads as nothing): refused here rather than failing every run.
                throw TillException.invalid(path, "template_not_allowed", "is a credential, stored sealed: it cannot "
                    + "hold a template ({{…}}); give the full value");
            } else {
                params.put(name, box.seal(value, context(accountId)));
            }
        });
        return copy;
    }

    /** A copy of {@code tree} with every value sealed for the account shown masked. */
    JsonNode masked(String accountId, JsonNode tree) {
        return tree == null ? null : strings(tree.deepCopy(), text -> {
            String opened = open(accountId, text);
            return opened == null ? text : mask(opened);
        });
    }

    Automation masked(String accountId, Automation automation) {
        return new Automation(automation.id(), automation.name(), automation.version(), automation.status(),
            automation.activeVersion(), automation.paused(), masked(accountId, automation.definition()),
            automation.createdAt(), automation.updatedAt(), automation.archivedAt());
    }

    Automation.Version masked(String accountId, Automation.Version version) {
        return new Automation.Version(version.version(), version.status(), masked(accountId, version.definition()),
            version.createdAt());
    }

    List<StepLog> masked(String accountId, List<StepLog> logs) {
        return logs.stream().map(log -> new StepLog(log.stepId(), log.path(), log.iteration(), log.kind(),
            log.status(), log.attempt(), masked(accountId, log.input()), masked(accountId, log.output()),
            masked(accountId, log.error()), log.startedAt(), log.finishedAt(), log.idempotencyKey())).toList();
    }

    /** The params to call an action with: sealed values opened. */
    ObjectNode opened(String accountId, ObjectNode params) {
        return (ObjectNode) strings(params.deepCopy(), text -> {
            String opened = open(accountId, text);
            return opened == null ? text : opened;
        });
    }

    private static String mask(String secret) {
        return SecretMasks.url(secret);
    }

    private String open(String accountId, String value) {
        if (value == null || !value.startsWith("v1:")) {
            return null;
        }
        try {
            return box.open(value, context(accountId));
        } catch (RuntimeException notOurs) {
            return null;
        }
    }

    private static String context(String accountId) {
        return accountId + "/automation";
    }

    private interface SecretParam {
        /** @param step the id of the step the param is in, null when it has none */
        void visit(String path, String step, ObjectNode params, String name);
    }

    /** Visits every string-valued secret param of every action step, at any depth (branches, loops, fallbacks). */
    private void secretParams(JsonNode node, String path, SecretParam visitor) {
        if (node instanceof ObjectNode object) {
            JsonNode action = object.get("action");
            JsonNode params = object.get("params");
            if (action != null && action.isString() && params instanceof ObjectNode paramsObject) {
                var schema = actions.find(action.asString()).map(Action::schema);
                if (schema.isPresent()) {
                    JsonNode id = object.get("id");
                    String step = id != null && id.isString() ? id.asString() : null;
                    for (ActionSchema.Param param : schema.get().params()) {
                        if (param.secret() && paramsObject.path(param.name()).isString()) {
                            visitor.visit(join(path, "params." + param.name()), step, paramsObject, param.name());
                        }
                    }
                }
            }
            for (String field : object.propertyNames()) {
                secretParams(object.get(field), join(path, field), visitor);
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                secretParams(array.get(i), path + "[" + i + "]", visitor);
            }
        }
    }

    private static String join(String path, String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    /** Replaces every string of {@code node}, at any depth, by {@code change} of it; changes in place. */
    private static JsonNode strings(JsonNode node, UnaryOperator<String> change) {
        if (node instanceof ObjectNode object) {
            for (String field : List.copyOf(object.propertyNames())) {
                JsonNode value = object.get(field);
                if (value.isString()) {
                    object.put(field, change.apply(value.asString()));
                } else {
                    strings(value, change);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                if (array.get(i).isString()) {
                    array.set(i, array.stringNode(change.apply(array.get(i).asString())));
                } else {
                    strings(array.get(i), change);
                }
            }
        }
        return node;
    }
}
