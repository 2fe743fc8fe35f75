package io.till.shared;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class RedactionTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Redaction ada = Redaction.of("cus_1", "cus_1@redacted.invalid",
        new PersonalData.Values(Set.of("ada@example.com", "+14155550123", "X"), Set.of("Ada Lovelace"),
            Set.of("12 St James's Square")),
        List.of());

    private static JsonNode json(String text) {
        return JSON.readTree(text);
    }

    @Test
    void replacesEachValueAsAWholeWordInAnyCase() {
        assertThat(ada.text("Dear Ada Lovelace, we wrote to ADA@example.com and will call +14155550123."))
            .isEqualTo("Dear [redacted], we wrote to [redacted] and will call [redacted].");
    }

    @Test
    void aNameIsAlsoErasedWordByWordButNotInsideOtherWords() {
        assertThat(ada.text("Hi Ada, from Adam at Lovelaces Ltd"))
            .isEqualTo("Hi [redacted], from Adam at Lovelaces Ltd");
    }

    /** A reviewer's: the person's app user id under a user_id key read as Till's own id and stayed. */
    @Test
    void oneOfThePersonsValuesGoesEvenWhereItLooksLikeTillsOwnId() {
        // Her custom fields also hold an invoice of Till's and a status word: those stay where Till wrote them.
        String invoice = "inv_01m98gqvta4j7mkdab2efr6p07";
        var withUserId = Redaction.of("cus_1", "cus_1@redacted.invalid",
            new PersonalData.Values(Set.of("ada@example.com", "usr_8f2k1x", invoice, "refunded"),
                Set.of("Ada Lovelace")),
            List.of());

        var redacted = withUserId.json(json("""
            {"user_id": "usr_8f2k1x", "order_id": "ord_1", "customer_id": "cus_1", "invoice_id": "%s",
             "status": "refunded"}""".formatted(invoice)));

        assertThat(redacted).isEqualTo(json("""
            {"user_id": "[redacted]", "order_id": "ord_1", "customer_id": "cus_1", "invoice_id": "%s",
             "status": "refunded"}""".formatted(invoice)));
    }

    @Test
    void aValueOfOneCharacterIsNotSearchedFor() {
        assertThat(ada.text("X marks the spot")).isEqualTo("X marks the spot");
    }

    @Test
    void theCustomersSnapshotLosesEveryPersonalFieldAndKeepsItsFigures() {
        var event = json("""
            {"customer": {"id": "cus_1", "name": "Ada Lovelace", "email": "ada@example.com", "phone": "+1",
                          "tags": ["vip"], "metadata": {"crm": "ada-77"}, "created_at": "2026-01-01T00:00:00Z"},
             "order": {"id": "ord_1", "amount": 1900,
                       "billing_address": {"name": "A. L.", "line1": "1 Road", "city": "London", "country": "GB"}},
             "previous_attributes": {"email": "old@example.com", "tags": ["trial"]}}""");

        var redacted = ada.json(event);

        assertThat(redacted).isEqualTo(json("""
            {"customer": {"id": "cus_1", "name": "[redacted]", "email": "cus_1@redacted.invalid", "phone": null,
                          "tags": [], "metadata": {}, "created_at": "2026-01-01T00:00:00Z"},
             "order": {"id": "ord_1", "amount": 1900,
                       "billing_address": {"name": null, "line1": null, "city": null, "country": "GB"}},
             "previous_attributes": {"email": "[redacted]", "tags": []}}"""));
        assertThat(event.get("customer").get("name").asString()).as("the original is left as it was")
            .isEqualTo("Ada Lovelace");
    }

    @Test
    void anotherCustomersSnapshotKeepsItsFieldsButNotThisPersonsValues() {
        var redacted = ada.json(json("""
            {"id": "cus_2", "name": "Grace Hopper", "email": "grace@example.com",
             "note": "referred by Ada Lovelace"}"""));

        assertThat(redacted).isEqualTo(json(
            """
                {"id": "cus_2", "name": "Grace Hopper", "email": "grace@example.com", "note": "referred by [redacted]"}"""));
    }

    @Test
    void nothingToSearchForLeavesTextAsItIs() {
        var nobody = Redaction.of("cus_1", "cus_1@redacted.invalid", new PersonalData.Values(Set.of(), Set.of(" ")),
            List.of());

        assertThat(nobody.text("Ada")).isEqualTo("Ada");
    }

    /** A probe erased Doris Day and found statuses, intervals and the product Day Pass erased with her. */
    @Test
    void tillsOwnValuesAndTheSellersWordsStayWhateverThePersonIsCalled() {
        var doris = Redaction.of("cus_1", "cus_1@redacted.invalid",
            new PersonalData.Values(Set.of("d@example.com"), Set.of("Doris Day", "Paid Active")),
            List.of("Day Pass", "Daily"));

        var redacted = doris.json(json("""
            {"subscription": {"id": "sub_1", "status": "active", "interval": "day", "customer_id": "cus_1",
                              "product": {"name": "Day Pass — Daily"}, "created_at": "2026-01-01T00:00:00Z"},
             "payment": {"status": "paid", "invoice_ids": ["inv_Doris"]},
             "note": "Doris Day renews every day"}"""));

        assertThat(redacted).isEqualTo(json("""
            {"subscription": {"id": "sub_1", "status": "active", "interval": "day", "customer_id": "cus_1",
                              "product": {"name": "Day Pass — Daily"}, "created_at": "2026-01-01T00:00:00Z"},
             "payment": {"status": "paid", "invoice_ids": ["inv_Doris"]},
             "note": "[redacted] renews every day"}"""));
        assertThat(doris.text("Hi Doris, your Day Pass is paid")).isEqualTo("Hi [redacted], your Day Pass is paid");
    }

    @Test
    void aValueIsFoundAsTemplatesEscapeItAsUnicodeDecomposesItAndAsALinkEncodesIt() {
        var sean = Redaction.of("cus_1", "cus_1@redacted.invalid",
            new PersonalData.Values(Set.of("Sean.OBrien@Example.com"), Set.of("Seán O'Brien")), List.of());
        String decomposed = java.text.Normalizer.normalize("Seán O'Brien", java.text.Normalizer.Form.NFD);

        assertThat(sean.text("<p>Hi Seán O&#39;Brien</p><p>Dear O&#x27;Brien</p>"))
            .isEqualTo("<p>Hi [redacted]</p><p>Dear [redacted]</p>");
        assertThat(sean.text("Spoke to " + decomposed + " today")).isEqualTo("Spoke to [redacted] today");
        assertThat(sean.text("https://shop.example/?e=Sean.OBrien%40Example.com&x=1"))
            .isEqualTo("https://shop.example/?e=[redacted]&x=1");
    }

    @Test
    void whatThePersonWroteInTheirOwnWordsGoesWhole() {
        var redacted = ada.json(json("""
            {"subscription": {"id": "sub_1", "cancel_reason": "too_expensive",
                              "cancel_reason_text": "my cat walked over the keyboard"}}"""));

        assertThat(redacted.get("subscription").get("cancel_reason").asString()).isEqualTo("too_expensive");
        assertThat(redacted.get("subscription").get("cancel_reason_text").isNull()).isTrue();
    }

    /** A reviewer found "Max" kept in a run's first_name and in "Hi Max," because the shop sells a Max Plan. */
    @Test
    void aWordOfTheNameThatTheCatalogAlsoUsesGoesEverywhereButFromTheCatalogsNames() {
        var max = Redaction.of("cus_1", "cus_1@redacted.invalid",
            new PersonalData.Values(Set.of("max@example.com"), Set.of("Max Power")), List.of("Max Plan", "Max"));

        var redacted = max.json(json("""
            {"customer": {"id": "cus_1", "email": "max@example.com", "name": "Max Power", "first_name": "Max"},
             "order": {"items": [{"name": "Max Plan", "product_name": "Max"}]},
             "mail": {"subject": "Hi Max, your Max Plan renews"}}"""));

        assertThat(redacted.get("customer").get("first_name").asString()).isEqualTo("[redacted]");
        assertThat(redacted.get("order")).isEqualTo(json("""
            {"items": [{"name": "Max Plan", "product_name": "Max"}]}"""));
        assertThat(redacted.get("mail").get("subject").asString()).isEqualTo("Hi [redacted], your Max Plan renews");
        assertThat(max.text("Dear Max,")).isEqualTo("Dear [redacted],");
    }

    /** A reviewer found an email a seller posted as data.user_id kept: a key named like an id held no id. */
    @Test
    void onlyWhatReadsAsTillsOwnIsKeptUnderKeysForIdsMomentsAndStatuses() {
        var redacted = ada.json(json("""
            {"data": {"user_id": "ada@example.com", "customer_id": "cus_1", "signed_up_at": "Ada Lovelace",
                      "created_at": "2026-01-01T00:00:00Z", "status": "Ada Lovelace", "type": "payment.failed",
                      "referrer_ids": ["cus_2", "+14155550123"], "invoice_ids": ["inv_Ada"]}}"""));

        assertThat(redacted.get("data")).isEqualTo(json("""
            {"user_id": "[redacted]", "customer_id": "cus_1", "signed_up_at": "[redacted]",
             "created_at": "2026-01-01T00:00:00Z", "status": "[redacted]", "type": "payment.failed",
             "referrer_ids": ["cus_2", "[redacted]"], "invoice_ids": ["inv_Ada"]}"""));
    }

    /** What a step that ran across the erasure brings back: Till no longer knows the person's values. */
    @Test
    void onceThePersonsValuesAreGoneEveryTextGoesWholeButWhatReadsAsTillsOwn() {
        var unknown = Redaction.everyText("cus_1");

        var redacted = unknown.json(json("""
            {"to": "ada@example.com", "subject": "Hello Ada", "message_id": "msg_9", "status": "sent", "attempts": 2,
             "sent": true, "sent_at": "2026-01-01T00:00:00Z", "lines": ["Dear Ada", ""],
             "customer": {"id": "cus_1", "name": "Ada Lovelace", "email": "ada@example.com", "tags": ["vip"]}}"""));

        assertThat(redacted).isEqualTo(json("""
            {"to": "[redacted]", "subject": "[redacted]", "message_id": "msg_9", "status": "sent", "attempts": 2,
             "sent": true, "sent_at": "2026-01-01T00:00:00Z", "lines": ["[redacted]", ""],
             "customer": {"id": "cus_1", "name": "[redacted]", "email": "[redacted]", "tags": []}}"""));
        assertThat(unknown.text("Hi there")).isEqualTo("[redacted]");
    }

    /** A reviewer erased one customer and saw another's mail, which named the same town, lose its "Hi Zelda". */
    @Test
    void aRowThatOnlyMentionsThePersonIsFoundByWhatIdentifiesThemAndLosesOnlyWholeValues() {
        assertThat(ada.likePatterns()).contains("%ada@example.com%", "%ada lovelace%", "%+14155550123%")
            .doesNotContain("%ada%")
            .noneMatch(pattern -> pattern.contains("james"));
        assertThat(ada.lowerCaseValues()).containsExactlyInAnyOrder("ada@example.com", "+14155550123");

        assertThat(ada.mentionsOnly().text("Hi Ada, Ada Lovelace of 12 St James's Square (ada@example.com) "
            + "referred you")).isEqualTo("Hi Ada, [redacted] of [redacted] ([redacted]) referred you");
        assertThat(ada.text("Hi Ada, 12 St James's Square")).isEqualTo("Hi [redacted], [redacted]");
    }
}
