package io.till.portal;

import io.till.billing.BillingAddress;
import io.till.billing.Orders;
import io.till.receipt.Receipt;
import io.till.receipt.Receipts;
import io.till.shared.ErrorCode;
import io.till.shared.TillException;
import jakarta.servlet.http.HttpServletResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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

    PortalReceiptPages(Receipts receipts, Orders orders) {
        this.receipts = receipts;
        this.orders = orders;
    }

    @GetMapping("/portal/{accountId}/orders/{id}")
    String order(PortalBuyer buyer, @PathVariable String id, @RequestParam(required = false) String address,
        Model model) {
        var details = receipts.orderDetails(buyer.accountId(), buyer.customerId(), id);
        model.addAttribute("order", details);
        model.addAttribute("r", details.receipt());
        model.addAttribute("addressSaved", "saved".equals(address));
        if (!model.containsAttribute("addressFields")) {
            addressForm(model, orders.get(buyer.accountId(), id).billingAddress(), Map.of());
        }
        return "portal/order";
    }

    /** One text field of the address form, with what the buyer typed and what is wrong with it. */
    record AddressField(String name, String label, String autocomplete, int max, String value, String error) {}

    private static void addressForm(Model model, BillingAddress address, Map<String, String> errors) {
        var a = address == null ? new BillingAddress(null, null, null, null, null, null, null) : address;
        model.addAttribute("address", address);
        model.addAttribute("addressRefused", !errors.isEmpty());
        model.addAttribute("addressFields", List.of(
            new AddressField("name", "Name or company", "organization", 200, a.name(), errors.get("name")),
            new AddressField("line1", "Address line 1", "address-line1", 200, a.line1(), errors.get("line1")),
            new AddressField("line2", "Address line 2 (optional)", "address-line2", 200, a.line2(),
                errors.get("line2")),
            new AddressField("city", "City", "address-level2", 100, a.city(), errors.get("city")),
            new AddressField("postal_code", "Postal code", "postal-code", 20, a.postalCode(),
                errors.get("postal_code")),
            new AddressField("region", "State, province or region (optional)", "address-level1", 100, a.region(),
                errors.get("region"))));
        model.addAttribute("country", a.country() == null ? null : a.country().strip().toUpperCase(Locale.ROOT));
        model.addAttribute("countryError", errors.get("country"));
        model.addAttribute("countries", BillingAddress.countries());
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
        try {
            orders.changeBillingAddress(buyer.accountId(), buyer.customerId(), id, given);
        } catch (TillException e) {
            if (e.code() != ErrorCode.VALIDATION_FAILED) {
                throw e;
            }
            var errors = new LinkedHashMap<String, String>();
            // As a buyer reads them: the country is picked from a list, so its code's format is no news to them.
            e.errors().forEach(error -> errors.putIfAbsent(error.field().replace("billing_address.", ""), error
                .field().endsWith(".country") ? "Choose a country." : sentence(error.message())));
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            addressForm(model, given, errors);
            return order(buyer, id, null, model);
        }
        return "redirect:/portal/" + buyer.accountId() + "/orders/" + id + "?address=saved#billed-title";
    }

    /** "must be at most 200 characters" as "Must be at most 200 characters." */
    private static String sentence(String message) {
        return Character.toUpperCase(message.charAt(0)) + message.substring(1) + ".";
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

    private static String receipt(Receipt receipt, Model model) {
        model.addAttribute("r", receipt);
        return "portal/receipt";
    }
}
