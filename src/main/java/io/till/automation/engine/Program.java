package io.till.automation.engine;

import io.till.automation.Definition;
import io.till.automation.Definition.Step;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * A definition made ready to run: every list of steps addressable by its path, and the context roots its conditions
 * and params name, so that an execution reads only the records it uses. Immutable, so one instance serves every
 * execution of an automation version.
 */
public record Program(String automationId, int version, Definition definition, Map<String, List<Step>> blocks,
    Set<String> roots) {

    private static final Pattern VARIABLE = Pattern.compile("\\{\\{\\{?\\s*[#^&]?\\s*([a-z_][a-z0-9_]*)");

    public static Program of(String automationId, int version, Definition definition) {
        var blocks = new HashMap<String, List<Step>>();
        var roots = new HashSet<String>();
        if (definition.conditions() != null) {
            Conditions.roots(definition.conditions(), roots);
        }
        index("steps", definition.steps(), blocks, roots);
        return new Program(automationId, version, definition, Map.copyOf(blocks), Set.copyOf(roots));
    }

    private static void index(String path, List<Step> steps, Map<String, List<Step>> blocks, Set<String> roots) {
        blocks.put(path, steps);
        for (int i = 0; i < steps.size(); i++) {
            String at = path + "[" + i + "]";
            switch (steps.get(i)) {
                case Step.Action action -> {
                    templateRoots(action.params(), roots);
                    index(at + ".fallback", action.fallback(), blocks, roots);
                }
                case Step.Branch branch -> {
                    if (branch.condition() != null) {
                        Conditions.roots(branch.condition(), roots);
                    }
                    index(at + ".then", branch.then(), blocks, roots);
                    index(at + ".else", branch.otherwise(), blocks, roots);
                }
                case Step.Delay delay -> {
                    if (delay.until() != null) {
                        roots.add(Paths.root(delay.until()));
                    }
                }
                case Step.Loop loop -> {
                    roots.add(Paths.root(loop.over()));
                    index(at + ".steps", loop.steps(), blocks, roots);
                }
                case Step.Stop stop -> {
                }
                case Step.WaitForEvent wait -> {
                }
            }
        }
    }

    private static void templateRoots(JsonNode node, Set<String> roots) {
        if (node == null) {
            return;
        }
        if (node.isString()) {
            Matcher matcher = VARIABLE.matcher(node.asString());
            while (matcher.find()) {
                roots.add(matcher.group(1));
            }
        }
        for (JsonNode child : node) {
            templateRoots(child, roots);
        }
    }

    public List<Step> block(String path) {
        List<Step> steps = blocks.get(path);
        if (steps == null) {
            throw new IllegalStateException("automation " + automationId + " v" + version + " has no steps at " + path);
        }
        return steps;
    }

    /** Whether the conditions or steps name this root of the context ({@code customer}, {@code invoice}, …). */
    public boolean uses(String root) {
        return roots.contains(root);
    }
}
