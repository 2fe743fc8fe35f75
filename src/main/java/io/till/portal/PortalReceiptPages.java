package io.till.portal;

import io.till.receipt.Receipt;
import io.till.receipt.Receipts;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;

/**
 * The buyer's orders and receipts. Each looks the object up with the signed-in buyer's account and customer, so an id
 * of another customer or account is the 404 page (PortalFrame), never their data.
 */
@Controller
class PortalReceiptPages {

    private final Receipts receipts;

    PortalReceiptPages(Receipts receipts) {
        this.receipts = receipts;
    }

    @GetMapping("/portal/{accountId}/orders/{id}")
    String order(PortalBuyer buyer, @PathVariable String id, Model model) {
        var details = receipts.orderDetails(buyer.accountId(), buyer.customerId(), id);
        model.addAttribute("order", details);
        model.addAttribute("r", details.receipt());
        return "portal/order";
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
