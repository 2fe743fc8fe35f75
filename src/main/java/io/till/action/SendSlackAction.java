package io.till.action;

import io.till.action.ActionSchema.Param;
import io.till.action.ActionSchema.Type;
import io.till.egress.ConnectionFailure;
import io.till.egress.EgressClient;
import io.till.egress.EgressClient.Outcome.Answered;
import io.till.egress.EgressClient.Outcome.Refused;
import io.till.egress.EgressClient.Outcome.Unreachable;
import io.till.egress.RetryAfter;
import io.till.shared.RealTime;
import io.till.shared.SecretMasks;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * {@code send_slack}: posts a message to a Slack incoming-webhook URL through the egress guard, once per step (see
 * {@link OutboundCalls}). A rate limit, a Slack outage or a timeout is worth retrying (no sooner than Slack's
 * Retry-After); any other refusal (a revoked hook, a malformed message) is not.
 */
@Component
class SendSlackAction implements Action {

    private final EgressClient egress;
    private final JsonMapper json;
    private final OutboundCalls calls;

    /** The real time, which Slack's Retry-After date is counted from (not the sandbox's test clock). */
    private final java.time.Clock realTime;

    SendSlackAction(EgressClient egress, JsonMapper json, OutboundCalls calls, @RealTime java.time.Clock realTime) {
        this.egress = egress;
        this.json = json;
        this.calls = calls;
        this.realTime = realTime;
    }

    @Override
    public ActionSchema schema() {
        return ActionSchema.of("send_slack", "Posts a message to Slack through an incoming webhook",
            Param.required("webhook_url", Type.STRING, "the incoming webhook's URL, https://hooks.slack.com/…; a "
                + "credential, stored sealed and shown masked").asSecret(),
            Param.optional("text", Type.STRING, "the message; the notification text when blocks are given"),
            Param.optional("blocks", Type.ARRAY, "Block Kit blocks")).escapingFor(ActionSchema.Markup.SLACK)
            .checking(SendSlackAction::check);
    }

    /**
     * What every run would refuse, refused when saved: a message with nothing to say, a hook Till may not call. The
     * hook is checked only as typed: once sealed (or shown masked, and sent back so) it was checked when first saved.
     */
    static void check(ActionSchema.Values params) {
        if (!params.given("text") && !params.given("blocks")) {
            params.refuse("text", "invalid_params", "give text, blocks or both");
        }
        String url = params.literal("webhook_url");
        if (url != null && !url.startsWith("v1:") && !url.endsWith(SecretMasks.MASK)
            && EgressClient.invalidUrl(url) != null) {
            params.refuse("webhook_url", "invalid_params", EgressClient.invalidUrl(url));
        }
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
        // Slack cannot tell a repeated post: the step's key is reserved first, and a step run again after it posted
        // answers what the post got instead of posting again.
        var before = calls.reserve(call, "send_slack");
        if (before instanceof OutboundCalls.Done done) {
            return new ActionResult.Done(done.output());
        }
        var outcome = egress.post(url, Map.of(), json.writeValueAsString(message).getBytes(StandardCharsets.UTF_8),
            "application/json");
        if (outcome instanceof Answered answered && answered.status() >= 200 && answered.status() < 300) {
            var output = JsonNodeFactory.instance.objectNode().put("status", answered.status());
            if (before instanceof OutboundCalls.InDoubt) {
                // An earlier attempt posted and never heard back (a timeout, a crash): Slack may show it twice.
                output.put("may_have_been_sent_twice", true);
            }
            calls.done(call, output);
            return new ActionResult.Done(output);
        }
        if (outcome instanceof Answered answered && OutboundCalls.nothingDone(answered.status())
            || outcome instanceof Refused || outcome instanceof Unreachable unreachable && unreachable.nothingSent()) {
            // Slack (or the egress guard) said no, or the post never left Till: nothing was posted, so the next
            // attempt is not in doubt. Not after a 500, 502 or 504, which a gateway may answer after Slack posted, nor
            // a timeout: the next attempt says it may have posted twice.
            calls.refused(call, before);
        }
        return switch (outcome) {
            case Answered answered when answered.status() == 429 || answered.status() >= 500 -> new ActionResult.Failed(
                "slack_unavailable", "Slack answered " + answered.status() + slackError(answered.body()), true,
                RetryAfter.parse(answered.headers().get("retry-after"), realTime.instant()));
            case Answered answered -> ActionResult.Failed.permanent("slack_refused", "Slack answered "
                + answered.status() + slackError(answered.body()));
            case Refused refused -> ActionResult.Failed.permanent("destination_refused", refused.reason());
            // Every call this node makes to the host at once is open (it answers slowly): not sent, it waits its
            // turn without holding a worker's room.
            case Unreachable unreachable when unreachable.kind() == ConnectionFailure.BUSY -> ActionResult.Deferred
                .hostBusy(unreachable.error());
            case Unreachable unreachable -> ActionResult.Failed.retryable("slack_unreachable", unreachable.error());
        };
    }

    /**
     * Slack explains a refusal with a short error code ({@code invalid_payload}, {@code channel_is_archived}); that is
     * repeated. Any other body is not: the URL is the seller's to aim, and the log must not become a window onto the
     * answers of whatever service it was aimed at.
     */
    private static String slackError(String body) {
        String code = body == null ? "" : body.strip();
        return code.matches("[a-z_]{1,64}") ? ": " + code : "";
    }
}
