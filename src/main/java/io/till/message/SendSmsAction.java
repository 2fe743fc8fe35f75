package io.till.message;

import io.till.account.Accounts;
import io.till.account.Brandings;
import io.till.action.Action;
import io.till.action.ActionCall;
import io.till.action.ActionResult;
import io.till.action.ActionSchema;
import io.till.action.ActionSchema.Param;
import io.till.action.ActionSchema.Type;
import io.till.action.OutboundCalls;
import io.till.egress.ConnectionFailure;
import io.till.integration.Integrations;
import io.till.integration.TwilioClient;
import io.till.integration.TwilioSettings;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code send_sms}: a text message through the account's Twilio integration, or into the dev mailbox while it has
 * none. Keyed on the step's idempotency key like {@link SendEmailAction}.
 */
@Component
public class SendSmsAction implements Action {

    public static final ActionSchema SCHEMA = ActionSchema.of("send_sms",
        "Sends an SMS through the account's Twilio integration (the dev mailbox without one)",
        Param.required("to", Type.STRING, "the recipient's phone number, E.164 (+14155550100)"),
        Param.required("text", Type.STRING, "the message, at most 1600 characters"), MarketingConsent.PARAM)
        .checking(SendSmsAction::check);

    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");
    private static final int MAX_LENGTH = 1600;

    /** Failures before a request could reach Twilio: the next attempt is not in doubt. */
    /** A number Twilio can text and a message it takes: checked when saved and again once rendered. */
    static void check(ActionSchema.Values params) {
        String to = params.literal("to");
        if (to != null && !E164.matcher(to).matches()) {
            params.refuse("to", "invalid_phone", "'" + to + "' is not a phone number in E.164 form (+14155550100)");
        }
        String text = params.literal("text");
        if (text != null && text.length() > MAX_LENGTH) {
            params.refuse("text", "invalid_params", "at most " + MAX_LENGTH + " characters");
        }
    }

    private final Integrations integrations;
    private final TwilioClient twilio;
    private final DevMailbox mailbox;
    private final MessageSends sends;
    private final OutboundCalls calls;
    private final Brandings brandings;
    private final Accounts accounts;
    private final TransactionTemplate transaction;
    private final MarketingConsent consent;

    SendSmsAction(Integrations integrations, TwilioClient twilio, DevMailbox mailbox, MessageSends sends,
        OutboundCalls calls, Brandings brandings, Accounts accounts, TransactionTemplate transaction,
        MarketingConsent consent) {
        this.transaction = transaction;
        this.consent = consent;
        this.calls = calls;
        this.integrations = integrations;
        this.twilio = twilio;
        this.mailbox = mailbox;
        this.sends = sends;
        this.brandings = brandings;
        this.accounts = accounts;
    }

    @Override
    public ActionSchema schema() {
        return SCHEMA;
    }

    @Override
    public ActionResult perform(ActionCall call) {
        var refusal = refusal(call);
        if (refusal.isPresent()) {
            return refusal.get();
        }
        var withheld = consent.withheld(call);
        if (withheld.isPresent()) {
            return withheld.get();
        }
        String to = call.params().get("to").asString().strip();
        // As the length was checked (ActionSchema.Values.literal strips it): a template that left trailing lines
        // passed at 1,600 characters and was refused by Twilio at 1,602.
        String text = call.params().get("text").asString().strip();
        Optional<TwilioSettings> settings = integrations.twilio(call.accountId());
        return settings.isPresent() ? viaTwilio(call, settings.get(), to, text) : viaMailbox(call, to, text);
    }

    /**
     * Twilio cannot tell a repeated message: the step's key is reserved before the call (as send_slack's), a step run
     * again after it sent answers what the send got, and one run again after a call whose outcome is unknown (a
     * timeout after Twilio took the message, a crash) sends again and says the buyer may get it twice.
     */
    private ActionResult viaTwilio(ActionCall call, TwilioSettings settings, String to, String text) {
        var before = calls.reserve(call, "send_sms");
        if (before instanceof OutboundCalls.Done done) {
            return new ActionResult.Done(done.output());
        }
        TwilioClient.Reply reply;
        switch (twilio.sendMessage(settings, to, text)) {
            case TwilioClient.Unanswered(var failure) when failure == ConnectionFailure.BLOCKED -> {
                calls.refused(call, before);
                return ActionResult.Failed.permanent("destination_refused", failure.sentence());
            }
            case TwilioClient.Unanswered(var failure) when failure == ConnectionFailure.BUSY -> {
                // Every call this node makes to Twilio at once is open: not sent, it waits its turn.
                calls.refused(call, before);
                return ActionResult.Deferred.hostBusy("cannot reach Twilio now: " + failure.sentence());
            }
            case TwilioClient.Unanswered(var failure) -> {
                if (failure.nothingSent()) {
                    calls.refused(call, before);
                }
                return ActionResult.Failed.retryable("sms_unavailable", "cannot reach Twilio: " + failure
                    .sentence());
            }
            case TwilioClient.Reply answered when !answered.ok() -> {
                if (OutboundCalls.nothingDone(answered.status())) {
                    // Twilio said no: nothing was sent. A 500, 502 or 504 may come from a gateway after it sent it.
                    calls.refused(call, before);
                }
                return failure(answered);
            }
            case TwilioClient.Reply answered -> reply = answered;
        }
        String sid = reply.body().path("sid").asString("");
        ObjectNode output = JsonNodeFactory.instance.objectNode().put("message_id", sid).put("sid", sid).put("to", to)
            .put("via", "twilio");
        if (before instanceof OutboundCalls.InDoubt) {
            output.put("may_have_been_sent_twice", true);
        }
        calls.done(call, output);
        return new ActionResult.Done(output);
    }

    /**
     * Without Twilio the text lands in the dev mailbox, once per step key as an email does: delivered and marked sent
     * in one transaction, so a crash between the two leaves neither and the retry delivers it once.
     */
    private ActionResult viaMailbox(ActionCall call, String to, String text) {
        Optional<JsonNode> sent = sends.reserve(call.accountId(), call.idempotencyKey(), "sms").sent();
        if (sent.isPresent()) {
            return new ActionResult.Done(sent.get());
        }
        var headers = JsonNodeFactory.instance.objectNode()
            .put(SendEmailAction.IDEMPOTENCY_HEADER, call.idempotencyKey());
        String from = brandings.get(call.accountId()).senderNameOr(accounts.get(call.accountId()).name());
        ObjectNode output = transaction.execute(status -> {
            String id = mailbox.deliver(call.accountId(), "sms", to, from, null, text, null, headers, false);
            ObjectNode delivered = JsonNodeFactory.instance.objectNode().put("message_id", id).put("to", to)
                .put("via", "dev_mailbox");
            sends.markSent(call.accountId(), call.idempotencyKey(), delivered);
            return delivered;
        });
        return new ActionResult.Done(output);
    }

    /** 429 and 5xx may pass later (no sooner than Retry-After); any other refusal is Twilio's final word. */
    static ActionResult.Failed failure(TwilioClient.Reply reply) {
        String message = reply.summary();
        if (reply.status() == 429 || reply.status() >= 500) {
            return new ActionResult.Failed(reply.status() == 429 ? "sms_rate_limited" : "sms_unavailable", message,
                true, reply.retryAfter());
        }
        return ActionResult.Failed.permanent("sms_rejected", message);
    }
}
