package io.till.checkout;

import io.till.account.Brandings;
import io.till.billing.BillingAddress;
import io.till.billing.BillingAddressForm;
import io.till.billing.CardExpiry;
import io.till.billing.Payments;
import io.till.catalog.Products;
import io.till.customer.Card;
import io.till.customer.Cards;
import io.till.customer.Customer;
import io.till.customer.Customers;
import io.till.idempotency.FormSubmissions;
import io.till.payment.CardDeclinedException;
import io.till.payment.PaymentGateway;
import io.till.shared.Amounts;
import io.till.shared.Caller;
import io.till.shared.ErrorCode;
import io.till.shared.FieldError;
import io.till.shared.PageRequest;
import io.till.shared.TillException;
import io.till.shared.Timestamps;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.BindParam;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * "New order" on a customer record (seed 004: charge a card on file for an existing customer by creating an internal
 * order). Staff choose an option, a card and maybe a promo code; a review shows what will be charged, as {@link
 * Purchases} computes it; placing it runs {@link Purchases#internalOrder}, the service behind {@code POST
 * /api/v1/orders}. The review's form carries a one-time key ({@link FormSubmissions}), so a double click or a
 * reload makes one order, and a charge interrupted by a crash is resumed, not repeated.
 */
@Controller
class InternalOrderPages {

    /**
     * The day a card's latest charge was declined, as its label in the card picker says it: in the store's time zone
     * (an option's text is not turned into the staff member's by the page's script, as a {@code <time>} is).
     */
    private static final DateTimeFormatter DECLINED_DAY = DateTimeFormatter.ofPattern("MMM d, yyyy", Locale.US);

    private final Purchases purchases;
    private final Brandings brandings;
    private final Customers customers;
    private final Cards cards;
    private final Products products;
    private final FormSubmissions submissions;
    private final Payments payments;

    private final Clock clock;

    InternalOrderPages(Purchases purchases, Customers customers, Cards cards, Products products,
        FormSubmissions submissions, Payments payments, Brandings brandings, Clock clock) {
        this.brandings = brandings;
        this.payments = payments;
        this.clock = clock;
        this.submissions = submissions;
        this.purchases = purchases;
        this.customers = customers;
        this.cards = cards;
        this.products = products;
    }

    /** What the form holds, as chosen or typed; {@code address} as typed, all blank when none was given. */
    record Choice(String optionId, String paymentMethodId, String promoCode, BillingAddress address) {
        PurchaseRequest request(String customerId) {
            return new PurchaseRequest(customerId, null, blankToNull(paymentMethodId), null, blankToNull(optionId),
                List.of(), blankToNull(promoCode), address);
        }

        Choice withCard(String cardId) {
            return new Choice(optionId, cardId, promoCode, address);
        }

        /** The form's query, to come back to it as chosen ("Change" on the review). */
        String query() {
            var params = new LinkedHashMap<String, String>();
            params.put("option_id", optionId);
            params.put("payment_method_id", paymentMethodId);
            params.put("promo_code", promoCode);
            params.putAll(addressParams());
            // Encoded as a form encodes it: "Smith & Co" or "Flat 2+3" in a line must come back as typed.
            return "?" + params.entrySet().stream()
                .map(param -> param.getKey() + "=" + URLEncoder.encode(param.getValue() == null
                    ? ""
                    : param
                        .getValue(),
                    StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        }

        /** The address's fields by form name, in the form's order; blank ones left out. */
        Map<String, String> addressParams() {
            var params = new LinkedHashMap<String, String>();
            BillingAddressForm.of(address, Map.of()).fields().forEach(field -> params.put(field.name(), field
                .value()));
            params.put("country", address == null ? null : address.country());
            params.values().removeIf(value -> value == null || value.isBlank());
            return params;
        }

        private static String blankToNull(String value) {
            return value == null || value.isBlank() ? null : value.strip();
        }
    }

    /**
     * A card on file to charge; {@code expiring} is its name with its expiry ("Visa ending in 4242 · expires
     * 03/2031"), which tells apart two cards of one number; {@code declined} is set when its latest charge failed:
     * "declined Dec 3, 2026".
     */
    record CardChoice(String id, String name, String expiring, String label, boolean isDefault, String declined) {}

    /** The review: what is charged to which card, and the order's key. */
                                                                          /**
                                                                           * The review of an internal order. {@code then} is what the option bills after this order ("$19.00 / month · 14-day
                                                                           * free trial"): null for a one-time price; {@code trial} says nothing is charged now because a free trial comes
                                                                           * first.
                                                                           */
    record Review(String item, String subtotal, String discount, String total, String card, List<String> billedTo,
        String key, String then, boolean trial) {}

    /** The form: empty, or as chosen when its address carries a choice (an old link). */
    @GetMapping("/admin/customers/{id}/orders/new")
    String form(Caller.Staff staff, @PathVariable String id,
        @RequestParam(name = "option_id", defaultValue = "") String optionId,
        @RequestParam(name = "payment_method_id", defaultValue = "") String paymentMethodId,
        @RequestParam(name = "promo_code", defaultValue = "") String promoCode,
        @RequestParam(name = "review", defaultValue = "false") boolean review, AddressParams address, Model model,
        HttpServletResponse response) {
        return shown(staff, id, new Choice(optionId, paymentMethodId, promoCode, address.given()), review, model,
            response);
    }

    /**
     * The review, and "Change" back to the form as chosen: posted, so that a billing address never sits in an
     * address bar, a browser's history or a server's access log.
     */
    @PostMapping({"/admin/customers/{id}/orders/review", "/admin/customers/{id}/orders/new"})
    String posted(Caller.Staff staff, @PathVariable String id,
        @RequestParam(name = "option_id", defaultValue = "") String optionId,
        @RequestParam(name = "payment_method_id", defaultValue = "") String paymentMethodId,
        @RequestParam(name = "promo_code", defaultValue = "") String promoCode, AddressParams address,
        HttpServletRequest request, Model model, HttpServletResponse response) {
        return shown(staff, id, new Choice(optionId, paymentMethodId, promoCode, address.given()),
            request.getServletPath().endsWith("/review"), model, response);
    }

    private String shown(Caller.Staff staff, String id, Choice choice, boolean review, Model model,
        HttpServletResponse response) {
        Customer customer = customers.get(staff.accountId(), id);
        if (!review) {
            return form(staff, customer, choice, Map.of(), Map.of(), null, model);
        }
        try {
            return review(staff, customer, choice, FormSubmissions.newKey(), model);
        } catch (TillException e) {
            return refused(staff, customer, choice, e, null, model, response);
        }
    }

    /** The review of {@code choice}, whose "Place order" sends {@code key}: placing it twice places one order. */
    private String review(Caller.Staff staff, Customer customer, Choice choice, String key, Model model) {
        var quote = purchases.quoteInternalOrder(staff.accountId(), choice.request(customer.id()));
        var cardsOnFile = cardChoices(staff.accountId(), customer.id());
        String card = cardsOnFile.stream().filter(c -> c.id().equals(quote.cardId())).findFirst()
            .map(CardChoice::label).orElse("the card on file");
        model.addAttribute("customer", customer);
        var reviewed = choice.withCard(quote.cardId());
        model.addAttribute("choice", reviewed);
        model.addAttribute("addressHidden", reviewed.addressParams());
        var option = products.option(staff.accountId(), reviewed.optionId()).orElse(null);
        String then = option == null || option.kind() == io.till.catalog.ProductOption.Kind.ONE_TIME
            ? null
            : option.terms().isEmpty() ? option.price() : option.price() + " · " + option.terms();
        model.addAttribute("review", new Review(quote.productName() + " — " + quote.optionName(),
            Amounts.format(quote.subtotal(), quote.currency()),
            quote.discount() == 0 ? null : "−" + Amounts.format(quote.discount(), quote.currency()),
            Amounts.format(quote.total(), quote.currency()), card,
            quote.billingAddress() == null ? List.of() : quote.billingAddress().lines(), key, then,
            option != null && option.startsWithTrial() && quote.subtotal() == 0));
        return "checkout/new_order_review";
    }

    @PostMapping("/admin/customers/{id}/orders")
    String place(Caller.Staff staff, @PathVariable String id,
        @RequestParam(name = "option_id", defaultValue = "") String optionId,
        @RequestParam(name = "payment_method_id", defaultValue = "") String paymentMethodId,
        @RequestParam(name = "promo_code", defaultValue = "") String promoCode,
        @RequestParam(name = FormSubmissions.FIELD, defaultValue = "") String formKey, AddressParams address,
        Model model, HttpServletResponse response, RedirectAttributes redirect) {
        Customer customer = customers.get(staff.accountId(), id);
        var choice = new Choice(optionId, paymentMethodId, promoCode, address.given());
        try {
            // A second submit of the same review (a double click, a reload) answers the first one's message.
            redirect.addFlashAttribute("flash", submissions.once(staff.accountId(), formKey, "/admin/customers/" + id
                + "/orders" + choice.query(), () -> {
                    var order = purchases.internalOrder(staff.accountId(), choice.request(id), true);
                    String card = order.cardId() == null
                        ? "the card on file"
                        : cards.findOnRecord(staff.accountId(), order.cardId()).map(Card::name)
                            .orElse("the card on file");
                    if (order.total() == 0) {
                        // A free trial, or a promo code that took it all: the review said nothing is charged now.
                        return "Order #" + order.number() + " placed: nothing was charged now."
                            + (order.subscriptionId() != null || order.paymentPlanId() != null
                                ? " " + card.substring(0, 1).toUpperCase(java.util.Locale.ROOT) + card.substring(1)
                                    + " pays its next charge."
                                : "");
                    }
                    return "Order #" + order.number() + " placed: " + Amounts.format(order.total(), order.currency())
                        + " charged to " + card + ".";
                }));
            return "redirect:/admin/customers/" + id + "#orders";
        } catch (OrderNotPaidException e) {
            return refused(staff, customer, choice, e, "The bank declined the card: " + e.bankSaid() + " Nothing "
                + "was charged (order #" + e.orderNumber() + " stays on the record as failed); choose another card or "
                + "ask the customer to update theirs.", model, response);
        } catch (CardDeclinedException e) {
            return refused(staff, customer, choice, e, "The bank declined the card: " + e.errors().getFirst()
                .message() + " Nothing was charged; choose another card or ask the customer to update theirs.", model,
                response);
        } catch (TillException e) {
            if (e.code() == ErrorCode.GATEWAY_UNAVAILABLE || e.code() == ErrorCode.CHARGE_IN_PROGRESS) {
                return inDoubt(staff, customer, choice, formKey, e, model, response);
            }
            // Another order's charge in doubt (Purchases#internalOrder): said on the form, as chosen.
            return refused(staff, customer, choice, e, e.code() == ErrorCode.INVALID_STATE && e.errors().isEmpty()
                ? e.getMessage()
                : null, model, response);
        }
    }

    /**
     * No answer from the payment processor: the card may have been charged (or, placed again, the processor cannot tell
     * yet whether it was). The review again, with this form's key, so that placing it again finishes this very order
     * (its charge asked again under the order's own key, which the processor answers once) rather than placing a
     * second one; the problem page sent staff back to a review with a new key, and a second order charged the card
     * twice.
     */
    private String inDoubt(Caller.Staff staff, Customer customer, Choice choice, String formKey, TillException e,
        Model model, HttpServletResponse response) {
        if (e.code() == ErrorCode.CHARGE_IN_PROGRESS) {
            // Placed again while the processor cannot tell yet whether its charge was made (its search lags).
            model.addAttribute("refusedTitle", "The payment is still being confirmed.");
            model.addAttribute("refused", "The processor has not told yet whether this order's card was charged; "
                + "nothing more was charged. Place this order again in a minute to see how it went, never twice.");
        } else if (e instanceof PaymentGateway.NotSent) {
            // Nothing left for the processor (no connection, or held up past its time to be sent): nothing charged.
            model.addAttribute("refusedTitle", "The payment processor was not reached.");
            model.addAttribute("refused", e.getMessage() + " Nothing was charged: placing this order again charges "
                + "the card, once.");
        } else {
            model.addAttribute("refusedTitle", "The payment processor did not answer.");
            model.addAttribute("refused", e.getMessage() + " The card may have been charged: Till asks the processor "
                + "and records the outcome within minutes. Placing this order again finishes it, never twice.");
        }
        try {
            String page = review(staff, customer, choice, formKey, model);
            response.setStatus(e.code().status().value());
            return page;
        } catch (TillException unquoted) {
            throw e;
        }
    }

    /**
     * The form again, as chosen, with what the service refused next to each field; a refusal without fields is shown
     * on the friendly problem page.
     */
    private String refused(Caller.Staff staff, Customer customer, Choice choice, TillException e, String summary,
        Model model, HttpServletResponse response) {
        if (e.errors().isEmpty() && summary == null) {
            throw e;
        }
        response.setStatus(e instanceof CardDeclinedException
            ? HttpStatus.PAYMENT_REQUIRED.value()
            : HttpStatus.UNPROCESSABLE_CONTENT.value());
        var errors = new LinkedHashMap<String, String>();
        var addressErrors = summary == null ? BillingAddressForm.errors(e) : Map.<String, String>of();
        if (summary == null) {
            for (FieldError error : e.errors()) {
                if (!error.field().startsWith("billing_address.")) {
                    errors.putIfAbsent(error.field(), error.message());
                }
            }
        }
        return form(staff, customer, choice, errors, addressErrors, summary, model);
    }

    private String form(Caller.Staff staff, Customer customer, Choice choice, Map<String, String> errors,
        Map<String, String> addressErrors, String declined, Model model) {
        var cardsOnFile = cardChoices(staff.accountId(), customer.id());
        // Nothing chosen yet: the customer's default card, as a purchase without a card is charged to it (not the
        // list's first, which a browser would pick, and then charge another card than the one marked default);
        // unless its latest charge was declined and another card's was not: a probe's staff charged the default
        // that had just declined three times, twice more.
        var preferred = cardsOnFile.stream().filter(CardChoice::isDefault).findFirst();
        var instead = preferred.filter(card -> card.declined() != null)
            .flatMap(declinedDefault -> cardsOnFile.stream().filter(card -> card.declined() == null).findFirst());
        var chosen = choice.paymentMethodId().isBlank()
            ? choice.withCard(instead.or(() -> preferred).map(CardChoice::id).orElse(""))
            : choice;
        if (choice.paymentMethodId().isBlank() && instead.isPresent()) {
            // Two cards of one number are told apart by their expiry, as in the list.
            boolean alike = preferred.get().name().equals(instead.get().name());
            model.addAttribute("passedOver", (alike ? preferred.get().expiring() : preferred.get().name())
                + ", the default card, was " + preferred.get().declined() + ": " + (alike
                    ? instead.get().expiring()
                    : instead.get().name())
                + " is chosen instead.");
        }
        model.addAttribute("customer", customer);
        model.addAttribute("choice", chosen);
        model.addAttribute("errors", errors);
        model.addAttribute("addressForm", BillingAddressForm.of(choice.address(), addressErrors));
        model.addAttribute("declined", declined);
        model.addAttribute("options", OptionChoice.all(products, staff.accountId()));
        model.addAttribute("cards", cardsOnFile);
        return "checkout/new_order";
    }

    /** The billing address's fields as the form sends them, each optional. */
    record AddressParams(String name, String line1, String line2, String city,
        @BindParam("postal_code") String postalCode, String region, String country) {
        BillingAddress given() {
            return new BillingAddress(name, line1, line2, city, postalCode, region, country);
        }
    }

    /** The customer's cards, newest first, each with whether its latest charge was declined. */
    private List<CardChoice> cardChoices(String accountId, String customerId) {
        var latest = payments.latestByCard(accountId, customerId);
        Instant now = Timestamps.now(clock);
        var declinedDay = DECLINED_DAY.withZone(brandings.zone(accountId));
        return cards.list(accountId, customerId, new PageRequest(PageRequest.MAX_LIMIT, null))
            .data()
            .stream()
            .map(card -> {
                var last = latest.get(card.id());
                String declined = last != null && last.status().equals("failed")
                    ? "declined on " + declinedDay.format(last.createdAt())
                    : null;
                String expiring = CardExpiry.label(card, now);
                return new CardChoice(card.id(), card.name(), expiring, label(expiring, card.isDefault(), declined),
                    card.isDefault(), declined);
            })
            .toList();
    }

    private static String label(String expiring, boolean isDefault, String declined) {
        return expiring + (isDefault ? " (default)" : "") + (declined == null ? "" : " · " + declined);
    }
}
