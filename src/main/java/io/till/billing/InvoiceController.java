package io.till.billing;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.till.shared.Caller;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** What staff can do to an unpaid invoice: charge it now, or void it. */
@RestController
@RequestMapping("/api/v1/invoices/{id}")
@Tag(name = "Billing records")
class InvoiceController {

    private final InvoiceCharges charges;
    private final BillingActions actions;

    InvoiceController(InvoiceCharges charges, BillingActions actions) {
        this.charges = charges;
        this.actions = actions;
    }

    record Pay(String paymentMethodId) {}

    @PostMapping("/pay")
    @Operation(summary = "Charge an unpaid invoice now", description = "With payment_method_id (a saved card of the "
        + "invoice's customer) or the card that pays its subscription or plan. It is the invoice's next attempt, and "
        + "the charge's key is that attempt's: a double click charges once. A decline answers 402 card_declined and "
        + "keeps the failed payment; a paid or void invoice answers 409 invalid_state.")
    Invoice pay(Caller caller, @PathVariable String id, @RequestBody(required = false) Pay body) {
        return charges.payNow(caller.accountId(), id, body == null ? null : body.paymentMethodId(), caller.who());
    }

    @PostMapping("/void")
    @Operation(summary = "Void an unpaid invoice", description = "Raises invoice.voided and stops its retries; a void "
        + "invoice is left as it is, a paid one answers 409 invalid_state.")
    Invoice voidInvoice(Caller caller, @PathVariable String id) {
        return actions.voidInvoice(caller.accountId(), id);
    }
}
