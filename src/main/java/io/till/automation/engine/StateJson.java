package io.till.automation.engine;

import java.time.Instant;
import java.util.ArrayList;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** An execution's state as the JSON kept in {@code executions.state}: plain, versionless, readable in a dump. */
public final class StateJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private StateJson() {}

    public static ObjectNode write(ExecutionState state) {
        ArrayNode frames = NODES.arrayNode();
        for (Frame frame : state.frames()) {
            ObjectNode f = frames.addObject().put("block", frame.block()).put("index", frame.index());
            if (frame.items() != null) {
                f.put("iteration", frame.iteration());
                f.set("items", frame.items());
            }
        }
        ObjectNode json = NODES.objectNode();
        json.set("frames", frames);
        json.set("outputs", state.outputs().deepCopy());
        json.put("attempt", state.attempt());
        if (state.attemptsBefore() > 0) {
            json.put("attempts_before", state.attemptsBefore());
        }
        if (state.resumeAt() != null) {
            json.put("resume_at", state.resumeAt().toString());
        }
        if (state.taken() != null) {
            json.putObject("taken").put("occurred_at", state.taken().occurredAt().toString())
                .put("id", state.taken().id());
        }
        if (state.waitBegan() != null) {
            json.put("wait_began", state.waitBegan().toString());
        }
        if (state.deferred()) {
            json.put("deferred", true);
        }
        return json;
    }

    public static ExecutionState read(JsonNode json) {
        var frames = new ArrayList<Frame>();
        for (JsonNode f : json.get("frames")) {
            frames.add(new Frame(f.get("block").asString(), f.get("index").asInt(),
                f.has("iteration") ? f.get("iteration").asInt() : 0,
                f.has("items") ? (ArrayNode) f.get("items") : null));
        }
        JsonNode resumeAt = json.get("resume_at");
        JsonNode outputs = json.get("outputs");
        JsonNode taken = json.path("taken");
        JsonNode waitBegan = json.path("wait_began");
        return new ExecutionState(frames, outputs instanceof ObjectNode object ? object : NODES.objectNode(),
            json.path("attempt").asInt(1),
            resumeAt == null || resumeAt.isNull() ? null : Instant.parse(resumeAt.asString()),
            taken.isObject() ? EventMark.of(taken, null) : null, json.path("attempts_before").asInt(0),
            waitBegan.isString() ? Instant.parse(waitBegan.asString()) : null, json.path("deferred").asBoolean(false));
    }
}
