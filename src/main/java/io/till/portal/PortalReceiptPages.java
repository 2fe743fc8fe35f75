package io.till.portal;

import io.till.billing.BillingAddress;
import io.till.billing.BillingAddressForm;
import io.till.billing.Orders;
import io.till.receipt.Receipt;
import io.till.receipt.Receipts;
import io.till.shared.ErrorCode;
import io.till.shared.FieldErrors;
import io.till.shared.TillException;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The buyer's orders and receipts, and the billing address they give an order for its receipts. Each looks the object up with the signed-in buyer's account and customer, so an id
 * of another customer or account is the 404 page (PortalFrame), never their data.
 */
@Controller
class PortalReceiptPages {

    private final Receipts receipts;
    private final Orders orders;
    private final PortalOverview overview;

    PortalReceiptPages(Receipts receipts, Orders orders, PortalOverview overview) {
        this.receipts = receipts;
        this.orders = orders;
        this.overview = overview;
    }

    @GetMapping("/portal/{accountId}/orders/{id}")
    String order(PortalBuyer buyer, @PathVariable String id, @RequestParam(required = false) String address,
        Model model) {
        var details = receipts.orderDetails(buyer.accountId(), buyer.customerId(), id);
        model.addAttribute("order", details);
        model.addAttribute("r", details.receipt());
        // A subscription bought with a free trial is an order of $0.00: what it started says what comes next.
        model.addAttribute("started", overview.startedBy(buyer, id));
        model.addAttribute("addressSaved", "saved".equals(address));
        model.addAttribute("addressRemoved", "removed".equals(address));
        if (!model.containsAttribute("addressForm")) {
            addressForm(model, orders.get(buyer.accountId(), id).billingAddress(), Map.of());
        }
        return "portal/order";
    }

    private static void addressForm(Model model, BillingAddress address, Map<String, String> errors) {
        model.addAttribute("address", address);
        model.addAttribute("addressForm", BillingAddressForm.of(address, errors));
    }

    /**
     * The buyer gives or corrects the billing address of one of their orders, for its receipts; checked as at the
     * checkout. A mistake comes back on the order page with the buyer's input and a message by each field.
     */
    @PostMapping("/portal/{accountId}/orders/{id}/billing-address")
    String billingAddress(PortalBuyer buyer, @PathVariable String id, @RequestParam(required = false) String name,
        @RequestParam(required = false) String line1, @RequestParam(required = false) String line2,
        @RequestParam(required = false) String city,
        @RequestParam(name = "postal_code", required = false) String postalCode,
        @RequestParam(required = false) String region, @RequestParam(required = false) String country, Model model,
        HttpServletResponse response) {
        var given = new BillingAddress(name, line1, line2, city, postalCode, region, country);
        if (!receipts.orderDetails(buyer.accountId(), buyer.customerId(), id).billed()) {
            // The page offers no address for it; a form sent anyway (an old tab) is told why, and nothing is saved.
            response.setStatus(HttpServletResponse.SC_CONFLICT);
            model.addAttribute("addressError", "This order's payment did not go through, so nothing is billed "
                + "and it needs no billing address.");
            return order(buyer, id, null, model);
        }
        boolean blank = BillingAddress.checked(given, "billing_address", new FieldErrors()) == null;
        if (blank && orders.get(buyer.accountId(), id).billingAddress() == null) {
            // Nothing given and nothing to remove: saying "saved" would claim an address that is nowhere.
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            addressForm(model, given, Map.of("country", "Fill in your address, or choose at least your country."));
            return order(buyer, id, null, model);
        }
        try {
            orders.changeBillingAddress(buyer.accountId(), buyer.customerId(), id, given);
        } catch (TillException e) {
            if (e.code() != ErrorCode.VALIDATION_FAILED) {
                throw e;
            }
            var errors = BillingAddressForm.errors(e);
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            addressForm(model, given, errors);
            return order(buyer, id, null, model);
        }
        return "redirect:/portal/" + buyer.accountId() + "/orders/" + id + "?address=" + (blank ? "removed" : "saved")
            + "#billed-title";
    }

    @GetMapping("/portal/{accountId}/orders/{id}/receipt")
    String orderReceipt(PortalBuyer buyer, @PathVariable String id, Model model) {
        return receipt(receipts.forOrder(buyer.accountId(), buyer.customerId(), id), model);
    }

    @GetMapping("/portal/{accountId}/orders/{id}/receipt.pdf")
    ResponseEntity<byte[]> orderReceiptPdf(PortalBuyer buyer, @PathVariable String id) {
        return receipts.pdfResponse(receipts.forOrder(buyer.accountId(), buyer.customerId(), id));
    }

    @GetMapping("/portal/{accountId}/payments/{id}/receipt")
    String paymentReceipt(PortalBuyer buyer, @PathVariable String id, Model model) {
        return receipt(receipts.forPayment(buyer.accountId(), buyer.customerId(), id), model);
    }

    @GetMapping("/portal/{accountId}/payments/{id}/receipt.pdf")
    ResponseEntity<byte[]> paymentReceiptPdf(PortalBuyer buyer, @PathVariable String id) {
        return receipts.pdfResponse(receipts.forPayment(buyer.accountId(), buyer.customerId(), id));
    }

    /** A renewal or an installment the buyer's credit paid in full: no payment, yet a receipt. */
    @GetMapping("/portal/{accountId}/invoices/{id}/receipt")
    String invoiceReceipt(PortalBuyer buyer, @PathVariable String id, Model model) {
        return receipt(receipts.forInvoice(buyer.accountId(), buyer.customerId(), id), model);
    }

    @GetMapping("/portal/{accountId}/invoices/{id}/receipt.pdf")
    ResponseEntity<byte[]> invoiceReceiptPdf(PortalBuyer buyer, @PathVariable String id) {
        return receipts.pdfResponse(receipts.forInvoice(buyer.accountId(), buyer.customerId(), id));
    }

    private static String receipt(Receipt receipt, Model model) {
        model.addAttribute("r", receipt);
        model.addAttribute("supportInDocument", true);
        return "portal/receipt";
    }
}
