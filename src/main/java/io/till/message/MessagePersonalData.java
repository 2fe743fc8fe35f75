package io.till.message;

import io.till.shared.PersonalData;
import io.till.shared.PersonalRows;
import io.till.shared.RedactedRows;
import io.till.shared.RedactedRows.Column;
import io.till.shared.Redaction;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A customer's personal data in the dev mailbox: the emails and texts sent to any of their addresses or numbers,
 * kept with their recipient, subject and bodies, and those that mention them to someone else (what an SMTP server or
 * Twilio delivered is theirs to erase): to the shop in full, to another customer only what identifies them.
 */
@Component
class MessagePersonalData implements PersonalData {

    private final JdbcClient db;
    private final JsonMapper json;

    MessagePersonalData(JdbcClient db, JsonMapper json) {
        this.db = db;
        this.json = json;
    }

    /** What the dev mailbox holds for any email or phone they had (messages sent through SMTP or Twilio are theirs). */
    @Override
    public Map<String, JsonNode> export(String accountId, String customerId, Values known) {
        return Map.of("messages", PersonalRows.of(db, json, """
            SELECT id, kind, to_address, from_address, subject, text_body, created_at FROM dev_messages
             WHERE account_id = :accountId AND lower(to_address) = ANY(:addresses)
               -- A staff invitation is nobody's personal data, and its link would make whoever reads it staff.
               AND NOT owners_only
            """, Map.of("accountId", accountId, "addresses",
            known.contacts().stream().map(value -> value.toLowerCase(Locale.ROOT)).toArray(String[]::new))));
    }

    @Override
    public void erase(String accountId, String customerId, Redaction redaction) {
        var columns = List.of(Column.text("to_address"), Column.text("subject"), Column.text("text_body"),
            Column.text("html_body"), Column.json("headers"));
        var params = Map.of("accountId", accountId, "customerId", customerId, "addresses",
            redaction.lowerCaseValues().toArray(String[]::new), "mentions", redaction.likePatterns());
        String mentioning = """
            account_id = :accountId AND NOT lower(to_address) = ANY(:addresses)
            AND lower(concat_ws(' ', subject, text_body, html_body)) LIKE ANY(:mentions)""";
        String toAnotherCustomer = """
            EXISTS (SELECT 1 FROM customers c
                     WHERE c.account_id = dev_messages.account_id AND c.id <> :customerId
                       AND (lower(c.email) = lower(dev_messages.to_address) OR c.phone = dev_messages.to_address))""";
        // Sent to them, or mentioning them to the shop (a notification to staff about a new customer): every value
        // goes, the words of their name among them.
        RedactedRows.rewrite(db, json, redaction, "dev_messages", List.of("id"), columns,
            "(account_id = :accountId AND lower(to_address) = ANY(:addresses)) OR (" + mentioning + " AND NOT "
                + toAnotherCustomer + ")",
            params);
        // Sent to another customer and mentioning them: only what identifies them goes; "Hi Zelda" is the recipient's.
        RedactedRows.rewrite(db, json, redaction.mentionsOnly(), "dev_messages", List.of("id"), columns,
            "(" + mentioning + ") AND " + toAnotherCustomer, params);
        // What a send outside a run kept of itself (a receipt, a sign-in or card link): its recipient. A run's sends
        // are
        // the run's (AutomationPersonalData).
        RedactedRows.rewrite(db, json, redaction, "message_sends", List.of("account_id", "idempotency_key"),
            List.of(Column.json("output")), "account_id = :accountId AND lower(output ->> 'to') = ANY(:addresses)",
            params);
    }
}
