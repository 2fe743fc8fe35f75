package io.till.shared;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class RedactionTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Redaction ada = Redaction.of("cus_1", "cus_1@redacted.invalid",
        List.of("ada@example.com", "+14155550123", "12 St James's Square", "X"), List.of("Ada Lovelace"), List.of());

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
        var nobody = Redaction.of("cus_1", "cus_1@redacted.invalid", List.of(), List.of(" "), List.of());

        assertThat(nobody.text("Ada")).isEqualTo("Ada");
    }

    /** A probe erased Doris Day and found statuses, intervals and the product Day Pass erased with her. */
    @Test
    void tillsOwnValuesAndTheSellersWordsStayWhateverThePersonIsCalled() {
        var doris = Redaction.of("cus_1", "cus_1@redacted.invalid", List.of("d@example.com"),
            List.of("Doris Day", "Paid Active"), List.of("Day", "Pass", "Daily"));

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
        var sean = Redaction.of("cus_1", "cus_1@redacted.invalid", List.of("Sean.OBrien@Example.com"),
            List.of("Seán O'Brien"), List.of());
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
}
