package io.till.action;

import io.till.action.ActionSchema.Param;
import io.till.action.ActionSchema.Type;
import io.till.egress.EgressClient;
import io.till.egress.EgressClient.Outcome.Answered;
import io.till.egress.EgressClient.Outcome.Refused;
import io.till.egress.EgressClient.Outcome.Unreachable;
import io.till.egress.RetryAfter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * {@code send_slack}: posts a message to a Slack incoming-webhook URL through the egress guard. A rate limit, a Slack
 * outage or a timeout is worth retrying (no sooner than Slack's Retry-After); any other refusal (a revoked hook, a
 * malformed message) is not.
 */
@Component
class SendSlackAction implements Action {

    private final EgressClient egress;
    private final JsonMapper json;

    SendSlackAction(EgressClient egress, JsonMapper json) {
        this.egress = egress;
        this.json = json;
    }

    @Override
    public ActionSchema schema() {
        return ActionSchema.of("send_slack", "Posts a message to Slack through an incoming webhook",
            Param.required("webhook_url", Type.STRING, "the incoming webhook's URL, https://hooks.slack.com/…; a "
                + "credential, stored sealed and shown masked").asSecret(),
            Param.optional("text", Type.STRING, "the message; the notification text when blocks are given"),
            Param.optional("blocks", Type.ARRAY, "Block Kit blocks"));
    }

    @Override
    public ActionResult perform(ActionCall call) {
        var params = call.params();
        String url = params.get("webhook_url").asString().strip();
        String invalid = EgressClient.invalidUrl(url);
        if (invalid != null) {
            return ActionResult.Failed.permanent("invalid_params", "params.webhook_url: " + invalid);
        }
        if (!params.has("text") && !params.has("blocks")) {
            return ActionResult.Failed.permanent("invalid_params", "params: give text, blocks or both");
        }
        var message = JsonNodeFactory.instance.objectNode();
        if (params.has("text")) {
            message.put("text", params.get("text").asString());
        }
        if (params.has("blocks")) {
            message.set("blocks", params.get("blocks"));
        }
        var outcome = egress.post(url, Map.of(), json.writeValueAsString(message).getBytes(StandardCharsets.UTF_8),
            "application/json");
        return switch (outcome) {
            case Answered answered when answered.status() >= 200 && answered.status() < 300 -> new ActionResult.Done(
                JsonNodeFactory.instance.objectNode().put("status", answered.status()));
            case Answered answered when answered.status() == 429 || answered.status() >= 500 -> new ActionResult.Failed(
                "slack_unavailable", "Slack answered " + answered.status() + ": " + brief(answered.body()), true,
                RetryAfter.parse(answered.headers().get("retry-after"), call.now()));
            case Answered answered -> ActionResult.Failed.permanent("slack_refused", "Slack answered "
                + answered.status() + ": " + brief(answered.body()));
            case Refused refused -> ActionResult.Failed.permanent("destination_refused", refused.reason());
            case Unreachable unreachable -> ActionResult.Failed.retryable("slack_unreachable", unreachable.error());
        };
    }

    private static String brief(String body) {
        return body.length() > 200 ? body.substring(0, 200) + "…" : body;
    }
}
