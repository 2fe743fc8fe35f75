package io.till.automation;

import java.util.Map;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * A step's or run's error as staff read it on a run's page: what went wrong in words, and the detail Till wrote. A
 * peer's answer is cut at its status ("Slack answered 404"): what the peer wrote back is its own, possibly an echo of
 * a secret or markup, and never shown.
 */
final class StepErrors {

    private static final Map<String, String> WORDS = Map.ofEntries(
        Map.entry("action_error", "The action broke off unexpectedly"),
        Map.entry("action_unavailable", "This Till does not have that action"),
        Map.entry("invalid_params", "The step's settings are not valid"),
        Map.entry("not_found", "A record the step needs was not found"),
        Map.entry("no_customer", "The run has no customer to act on"),
        Map.entry("no_email", "The customer has no email address"),
        Map.entry("invalid_address", "The address is not valid"),
        Map.entry("invalid_phone", "The phone number is not valid"),
        Map.entry("destination_refused", "The destination is not allowed (a private or local address)"),
        Map.entry("payload_too_large", "The message is too large to send"),
        Map.entry("endpoint_disabled", "The webhook endpoint is disabled"),
        Map.entry("slack_unavailable", "Slack was unavailable"),
        Map.entry("slack_refused", "Slack refused the message"),
        Map.entry("slack_unreachable", "Slack could not be reached"),
        Map.entry("smtp_unavailable", "The mail server was unavailable"),
        Map.entry("smtp_deferred", "The mail server asked to try later"),
        Map.entry("smtp_auth_failed", "The mail server refused Till's sign-in"),
        Map.entry("smtp_error", "The mail server refused the email"),
        Map.entry("sms_unavailable", "The SMS provider was unavailable"),
        Map.entry("sms_rejected", "The SMS provider refused the message"),
        Map.entry("crm_rejected", "The CRM refused the change"),
        Map.entry("crm_unauthorized", "The CRM refused Till's credentials"),
        Map.entry("crm_unexpected_answer", "The CRM answered something Till did not expect"),
        Map.entry("crm_tag_not_found", "The CRM has no such tag"),
        Map.entry("integration_missing", "The integration this step needs is not set up"),
        Map.entry("integration_invalid", "The integration's settings are not valid"),
        Map.entry("too_long", "The run took too many steps"));

    /** "Vendor answered 404: {body}" keeps the vendor and the status only. */
    private static final Pattern PEER_ANSWER = Pattern.compile("^(.{1,60}? answered \\d{3})\\b.*", Pattern.DOTALL);

    /** Anything that reads like a Java type name (a.b.SomethingException) is not for staff. */
    private static final Pattern JAVA_NAME = Pattern
        .compile("\\b(?:[a-z][a-z0-9_]*\\.)+[A-Z]\\w*(?:Exception|Error)\\b");

    private static final int MAX_DETAIL = 300;

    /**
     * What went wrong, the error's code as the API gives it (null when it has none), and its detail; {@code detail} is
     * null when the words say it all.
     */
    record Words(String headline, String code, String detail, boolean retryable) {}

    private StepErrors() {}

    static Words of(JsonNode error) {
        if (error == null || error.isNull() || error.isMissingNode()) {
            return null;
        }
        String code = error.path("code").asString("");
        String headline = WORDS.getOrDefault(code, code.isBlank() ? "The step failed" : sentence(code));
        return new Words(headline, code.isBlank() ? null : code, detail(error.path("message").asString(null)), error
            .path("retryable").asBoolean(false));
    }

    static String detail(String message) {
        if (message == null || message.isBlank()) {
            return null;
        }
        String text = message.strip();
        var answer = PEER_ANSWER.matcher(text);
        if (answer.matches()) {
            text = answer.group(1);
        }
        text = JAVA_NAME.matcher(text).replaceAll("an internal error");
        return text.length() > MAX_DETAIL ? text.substring(0, MAX_DETAIL) + "…" : text;
    }

    private static String sentence(String code) {
        String words = code.replace('_', ' ').strip();
        return Character.toUpperCase(words.charAt(0)) + words.substring(1);
    }
}
