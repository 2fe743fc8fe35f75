package io.till.checkout;

import io.till.catalog.Product;
import io.till.catalog.ProductOption;
import io.till.customer.Card;
import io.till.payment.SandboxTestCards;
import io.till.shared.FieldError;
import io.till.shared.TillException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.util.MultiValueMap;

/**
 * The "Try a test purchase" form on a sandbox checkout's page, as typed: the buyer, the option, a test card, offer
 * bumps and a promo code, with what the purchase refused next to each field. It asks for the purchase {@code POST
 * /api/v1/checkouts/{id}/purchases} makes, so the same rules answer it.
 *
 * @param errors by form field; {@code declined} is what the card network said when it refused the card
 */
record TestPurchaseForm(String name, String email, String optionId, String token, List<String> addonIds,
    String promoCode, Map<String, String> errors, String declined) {

    /** A test card offered on the form, with what it does. */
    record CardChoice(String token, String label) {}

    /** The form as a checkout's page first shows it: its product's first option, on a card that pays. */
    static TestPurchaseForm empty(Product product) {
        String option = product == null || product.options().isEmpty() ? "" : product.options().getFirst().id();
        return new TestPurchaseForm("", "", option, "pm_card_visa", List.of(), "", Map.of(), null);
    }

    static TestPurchaseForm of(MultiValueMap<String, String> params) {
        return new TestPurchaseForm(value(params, "name"), value(params, "email"), value(params, "option_id"),
            value(params, "card"), params.getOrDefault("addon_ids", List.of()), value(params, "promo_code"), Map.of(),
            null);
    }

    /** What the form asks, in a fixed order, to tell a resent form from another one sent with the same key. */
    String asked() {
        return String.join("&", "name=" + name, "email=" + email, "option_id=" + optionId, "card=" + token,
            "addon_ids=" + String.join(",", addonIds), "promo_code=" + promoCode);
    }

    PurchaseRequest request() {
        return new PurchaseRequest(null, new PurchaseRequest.NewCustomer(name, email), null, blankToNull(token),
            blankToNull(optionId), addonIds, blankToNull(promoCode), null);
    }

    /** The form again with the purchase's refusal: by field, or as the card network's word on the card. */
    TestPurchaseForm refused(TillException refusal, boolean declined) {
        if (declined) {
            // The failed order is linked through its customer's record on the form; its id in words adds nothing.
            String said = refusal instanceof OrderNotPaidException notPaid
                ? notPaid.bankSaid()
                : refusal.errors().isEmpty() ? refusal.getMessage() : refusal.errors().getFirst().message();
            return new TestPurchaseForm(name, email, optionId, token, addonIds, promoCode, Map.of(), said);
        }
        var byField = new LinkedHashMap<String, String>();
        for (FieldError error : refusal.errors()) {
            byField.putIfAbsent(field(error.field()), error.message());
        }
        return new TestPurchaseForm(name, email, optionId, token, addonIds, promoCode, byField, null);
    }

    /** The form's field an API field's refusal belongs to. */
    private static String field(String apiField) {
        return switch (apiField) {
            case "customer.name", "customer_id", "customer" -> "name";
            case "customer.email" -> "email";
            case "token", "payment_method_id" -> "card";
            default -> apiField.startsWith("addon_ids") ? "addon_ids" : apiField;
        };
    }

    /** Every sandbox test card, labelled with its brand, last four digits and what it does. */
    static List<CardChoice> cards() {
        return SandboxTestCards.all().stream()
            .map(card -> new CardChoice(card.token(), Card.brandName(card.brand()) + " ending " + card.last4() + " — "
                + card.behaviour()))
            .toList();
    }

    /** The product's options, labelled {@code Monthly · $19.00 / month}. */
    static List<OptionChoice> options(Product product) {
        return product == null
            ? List.of()
            : product.options().stream()
                .map((ProductOption option) -> new OptionChoice(option.id(), option.name() + " · " + option.price()))
                .toList();
    }

    private static String value(MultiValueMap<String, String> params, String name) {
        String value = params.getFirst(name);
        return value == null ? "" : value;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
