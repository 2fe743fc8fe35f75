package io.till.automation.engine;

import tools.jackson.databind.node.ArrayNode;

/**
 * Where an execution stands inside one list of steps: {@code block} names the list the way validation does
 * ({@code steps}, {@code steps[2].then}, {@code steps[0].fallback}, {@code steps[3].steps}), {@code index} is the step
 * to run next. A loop body's frame also carries the items being walked and which one is current.
 */
public record Frame(String block, int index, int iteration, ArrayNode items) {

    public static Frame root() {
        return new Frame("steps", 0, 0, null);
    }

    static Frame enter(String block) {
        return new Frame(block, 0, 0, null);
    }

    static Frame loop(String block, ArrayNode items) {
        return new Frame(block, 0, 0, items);
    }

    Frame next() {
        return new Frame(block, index + 1, iteration, items);
    }

    boolean hasNextIteration() {
        return items != null && iteration + 1 < items.size();
    }

    Frame nextIteration() {
        return new Frame(block, 0, iteration + 1, items);
    }

    String stepPath() {
        return block + "[" + index + "]";
    }
}
